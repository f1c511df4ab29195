import { MAX_SAMPLES } from "../../profiles/schema.ts";
import type { ConfigCommand, EncodeInput, ProfileId } from "../../src/data.ts";
import { EU868_MAX_PAYLOAD } from "../../src/lorawan.ts";
import type { Command, Io, OptionValues } from "../command.ts";
import { EXIT, UsageError } from "../errors.ts";
import { choiceOption, integerOption, jsonInput, profileOption, stringOption, toBase64, toHex } from "../inputs.ts";
import { loadCodec } from "../runtime.ts";

type Json = Record<string, unknown>;

const MESSAGES = ["measurement", "status", "alarm", "ack"] as const;
const FORMATS = ["hex", "base64", "json"] as const;

export const encode: Command = {
  name: "encode",
  summary: "Encode a reading, a status/alarm/ack message or a downlink command as bytes",
  usage: [
    "encode --profile <id> --json <reading> [--message status|alarm|ack]",
    "encode --profile <id> --json '[<reading>, …]' --interval <s>",
    "encode --profile <id> --command <name> [--json <fields>]",
  ],
  notes: [
    "The input is the JSON the decoder returns: a reading such as {\"air\":{\"temperature\":21.3},\"battery\":3.6}, an array of readings (oldest first) for a multi-sample frame, or a tagged message {\"message\":\"status\", …}. Absent quantities are sent as absent.",
    "Prints the payload on stdout and its fPort and size on stderr.",
  ],
  options: {
    profile: { type: "string", short: "p", value: "<id>", help: "sensor profile (see `cigale-codec list`)" },
    json: { type: "string", short: "j", value: "<json>", help: "the reading, samples, message or command fields" },
    file: { type: "string", value: "<path>", help: "read the JSON from a file (- for stdin)" },
    message: { type: "string", short: "m", value: "<kind>", help: "uplink message kind: measurement (default), status, alarm, ack" },
    interval: { type: "string", short: "i", value: "<s>", help: "seconds between the samples of a multi-sample frame (1…65535)" },
    command: { type: "string", short: "c", value: "<name>", help: "encode a downlink config command: setInterval, setThreshold, reboot, requestStatus" },
    downlink: { type: "boolean", help: "encode a downlink whose JSON names its command ({\"command\":…})" },
    format: { type: "string", short: "f", value: "<fmt>", help: "output: hex (default), base64, or json ({fPort, size, hex, base64})" },
    quiet: { type: "boolean", short: "q", help: "do not print the fPort and size on stderr" },
  },
  examples: [
    `encode -p env --json '{"air":{"temperature":21.35,"relativeHumidity":48},"battery":3.61}'`,
    `encode -p noise --interval 600 --json '[{"sound":{"laeq":55.2}},{"sound":{"laeq":57.9}}]'`,
    `encode -p env --message status --json '{"device":{"firmware":"1.2.0","uptime":86400},"battery":3.58}'`,
    `encode -p env --command setInterval --json '{"token":7,"interval":900}'`,
  ],
  async run(values, io) {
    const profile = profileOption(values);
    const format = choiceOption(values, "format", FORMATS, "hex");
    const downlink = values["downlink"] === true || values["command"] !== undefined;
    const input = await jsonInput(values, io);
    const codec = await loadCodec();
    const frame = downlink
      ? codec.encodeDownlink(profile, downlinkCommand(values, input))
      : codec.encodeUplink(profile, uplinkInput<typeof profile>(values, input));
    writeFrame(io, frame, format, values["quiet"] === true);
    return EXIT.ok;
  },
};

/** The command object from `--command` and the JSON fields (a command without fields needs no JSON). */
function downlinkCommand(values: OptionValues, input: unknown): ConfigCommand {
  for (const name of ["message", "interval"]) {
    if (values[name] !== undefined) throw new UsageError(`--${name} applies to uplinks, not to downlink commands`);
  }
  const fields = input === undefined ? {} : input;
  if (!isObject(fields)) throw new UsageError("a downlink command's JSON must be an object of its fields");
  const name = stringOption(values, "command");
  if (name === undefined) {
    if (fields["command"] === undefined) throw new UsageError("missing command: give --command <name> or a \"command\" key in the JSON");
    return fields as unknown as ConfigCommand;
  }
  if (fields["command"] !== undefined && fields["command"] !== name) {
    throw new UsageError(`--command ${name} contradicts "command": ${JSON.stringify(fields["command"])} in the JSON`);
  }
  return { ...fields, command: name } as unknown as ConfigCommand;
}

/** The codec's uplink input: a reading, a tagged message, or samples wrapped as a measurement. */
function uplinkInput<Id extends ProfileId>(values: OptionValues, input: unknown): EncodeInput<Id> {
  if (input === undefined) throw new UsageError("missing input: give --json <reading> or --file <path>");
  const message = values["message"] === undefined ? undefined : choiceOption(values, "message", MESSAGES, "measurement");
  const interval = integerOption(values, "interval", 1, 65535);
  if (Array.isArray(input)) {
    if (message !== undefined && message !== "measurement") throw new UsageError(`an array of samples is a measurement, not a ${message} message`);
    if (input.length === 0) throw new UsageError("the array of samples is empty");
    if (input.length > MAX_SAMPLES) throw new UsageError(`${input.length} samples do not fit one frame (at most ${MAX_SAMPLES})`);
    if (input.length > 1 && interval === undefined) throw new UsageError(`${input.length} samples need --interval <s>, the seconds between them`);
    return { message: "measurement", samples: input, ...(interval !== undefined ? { interval } : {}) } as EncodeInput<Id>;
  }
  if (!isObject(input)) throw new UsageError("the JSON must be an object (a reading or a tagged message) or an array of readings");
  const tagged = input["message"];
  if (message !== undefined && tagged !== undefined && tagged !== message) {
    throw new UsageError(`--message ${message} contradicts "message": ${JSON.stringify(tagged)} in the JSON`);
  }
  const kind = message ?? tagged ?? "measurement";
  if (interval !== undefined) {
    if (kind !== "measurement" || tagged === undefined) {
      throw new UsageError("--interval applies to several samples: give an array of readings or {\"message\":\"measurement\",\"samples\":[…]}");
    }
    return { ...input, interval } as EncodeInput<Id>;
  }
  return (message !== undefined && message !== "measurement" ? { ...input, message } : input) as EncodeInput<Id>;
}

function writeFrame(io: Io, frame: { bytes: Uint8Array; fPort: number }, format: (typeof FORMATS)[number], quiet: boolean): void {
  const { bytes, fPort } = frame;
  if (format === "json") {
    io.out(`${JSON.stringify({ fPort, size: bytes.length, hex: toHex(bytes), base64: toBase64(bytes) })}\n`);
    return;
  }
  io.out(`${format === "hex" ? toHex(bytes) : toBase64(bytes)}\n`);
  if (!quiet) io.err(`fPort ${fPort}, ${bytes.length} bytes, ${dataRates(bytes.length)}\n`);
}

/** Which EU868 data rates can carry a payload of `size` bytes. */
function dataRates(size: number): string {
  const first = EU868_MAX_PAYLOAD.findIndex((max) => size <= max);
  if (first < 0) return `too large for any EU868 data rate (${EU868_MAX_PAYLOAD[EU868_MAX_PAYLOAD.length - 1]} bytes at most)`;
  return first === 0 ? "fits every EU868 data rate" : `needs EU868 DR${first} or faster (${EU868_MAX_PAYLOAD[first - 1]} bytes at DR${first - 1})`;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
