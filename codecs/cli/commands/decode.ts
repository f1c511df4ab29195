import { PORTS } from "../../profiles/schema.ts";
import type { Command } from "../command.ts";
import { EXIT, UsageError } from "../errors.ts";
import { dateOption, integerOption, payloadInput } from "../inputs.ts";
import { decoderFor, TARGET_OPTIONS } from "../target.ts";

export const decode: Command = {
  name: "decode",
  summary: "Decode an uplink (or a downlink) payload to JSON",
  usage: ["decode --profile <id> --port <fPort> --hex <bytes>", "decode --profile <id> --downlink --hex <bytes>", "decode --codec <id> --port <fPort> --hex <bytes>"],
  notes: [
    "Prints the result as ChirpStack and The Things Stack get it: {data, errors, warnings}. Exit code 1 when the payload cannot be decoded (the JSON then carries the errors).",
    "With --codec (a commercial sensor), data has the vendor decoder's shape and `normalized` adds the measurements with Cigale's quantity keys, as the Worker stores them.",
    `Cigale fPorts: ${PORTS.measurement} measurement, ${PORTS.status} status, ${PORTS.alarm} alarm, ${PORTS.config} config acknowledgement (uplink) or command (downlink).`,
  ],
  options: {
    ...TARGET_OPTIONS,
    port: { type: "string", short: "P", value: "<fPort>", help: "the uplink's fPort (required for uplinks; 10 for downlinks)" },
    hex: { type: "string", short: "x", value: "<bytes>", help: "payload in hex (0x prefix, spaces and colons allowed)" },
    base64: { type: "string", short: "b", value: "<bytes>", help: "payload in base64, as network servers log it" },
    downlink: { type: "boolean", short: "d", help: "decode a downlink config command instead of an uplink" },
    "recv-time": { type: "string", short: "t", value: "<iso>", help: "when the uplink was received: gives every sample its time" },
    compact: { type: "boolean", help: "print the JSON on one line" },
  },
  examples: [
    "decode -p env --port 1 --hex 405fdd819802611c05101f00c6a1",
    "decode -p env --port 1 --base64 QF/dgZgCYRwFEB8AxqE= --recv-time 2025-06-01T12:00:00Z",
    "decode -p env --downlink --hex 210701bd00",
    "decode --codec elsys/ers-codec --port 1 --hex 0100e202290400270506",
  ],
  async run(values, io) {
    const downlink = values["downlink"] === true;
    const decoder = await decoderFor(values);
    const port = integerOption(values, "port", 0, 255) ?? (downlink ? (decoder.downlinkPort ?? PORTS.config) : undefined);
    if (port === undefined) throw new UsageError("missing --port <fPort>: the uplink's fPort says which message the payload is");
    const bytes = payloadInput(values);
    const recvTime = dateOption(values, "recv-time");
    if (downlink && recvTime) throw new UsageError("--recv-time applies to uplinks, not to downlinks");
    let result;
    if (downlink) {
      if (!decoder.decodeDownlink) throw new UsageError(`${decoder.label} has no downlink format`);
      result = decoder.decodeDownlink(port, bytes);
    } else {
      result = decoder.decodeUplink(port, bytes, recvTime);
    }
    // The TS013 shape, exactly what a network server shows: no `issue` (its text is in errors).
    const shown: Record<string, unknown> = result.data === undefined ? { errors: result.errors, warnings: result.warnings } : { data: result.data, errors: result.errors, warnings: result.warnings };
    if ("normalized" in result && result.normalized !== undefined) shown["normalized"] = result.normalized;
    io.out(`${JSON.stringify(shown, null, values["compact"] === true ? undefined : 2)}\n`);
    return result.errors.length > 0 ? EXIT.undecodable : EXIT.ok;
  },
};
