import { COMMANDS } from "../../profiles/common.ts";
import { PORTS } from "../../profiles/schema.ts";
import { describeProfile, type FieldDescription, type ProfileDescription } from "../../src/describe.ts";
import { EU868_DATA_RATES } from "../../src/lorawan.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../errors.ts";
import { choiceOption, profileOption } from "../inputs.ts";
import { formatTable } from "../table.ts";

export const describe: Command = {
  name: "describe",
  summary: "Show a profile's fields, units, ranges, bits and samples per uplink at each data rate",
  usage: ["describe --profile <id> [--format table|json]"],
  options: {
    profile: { type: "string", short: "p", value: "<id>", help: "sensor profile (see `cigale-codec list`)" },
    format: { type: "string", short: "f", value: "<fmt>", help: "table (default) or json" },
  },
  examples: ["describe -p env", "describe -p meter --format json"],
  async run(values, io) {
    const id = profileOption(values);
    const format = choiceOption(values, "format", ["table", "json"], "table");
    const d = describeProfile(id);
    io.out(format === "json" ? `${JSON.stringify(d, null, 2)}\n` : `${render(d)}\n`);
    return EXIT.ok;
  },
};

function render(d: ProfileDescription): string {
  const header = `${d.id} — ${d.title} (profile code ${d.code}, measurement format v${d.measurementVersion}${d.sparse ? ", sparse" : ""})`;
  const sizes = [
    `One sample, every field present: ${d.bitsPerSample} bits${d.sparse ? " (presence bitmap included)" : ""} + 8-bit header = ${d.bytesSingleSample} bytes on fPort ${PORTS.measurement}.`,
    `Information bound: ${d.informationBits} bits (${Math.ceil(d.informationBits / 8)} bytes).`,
  ];
  const capacity = formatTable(
    ["Data rate", "Modulation", "Max payload (bytes)", "Samples per uplink"],
    d.samplesPerUplink.map((r) => {
      const dr = EU868_DATA_RATES[r.dr];
      return [`DR${r.dr}`, dr ? `SF${dr.sf}/${dr.bandwidthKHz} kHz` : "", String(r.maxPayload), String(r.samples)];
    }),
  );
  return [
    header,
    d.description,
    "",
    fieldTable(d.fields),
    "",
    ...sizes,
    "",
    "EU868 capacity, worst case (no column delta-encoded):",
    capacity,
    "",
    `Alarm fields (fPort ${PORTS.alarm}, after the threshold that fired): ${d.alarmFields.map((f) => f.key).join(", ")}`,
    `Status report: fPort ${PORTS.status}. Config commands and their acknowledgements: fPort ${PORTS.config} (${COMMANDS.map((c) => c.name).join(", ")}).`,
  ].join("\n");
}

function fieldTable(fields: readonly FieldDescription[]): string {
  return formatTable(
    ["Field", "Unit", "UCUM", "Range", "Resolution", "Bits"],
    fields.map((f) => [f.key, f.symbol ?? "", f.unit ?? "", range(f), f.resolution === undefined ? "" : String(f.resolution), String(f.bits)]),
  );
}

function range(f: FieldDescription): string {
  if (f.values) return f.values.join(" | ");
  if (f.kind === "boolean") return "true | false";
  return f.min === undefined ? "" : `${f.min} … ${f.max}`;
}
