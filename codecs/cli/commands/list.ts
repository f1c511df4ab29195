import { PROFILES } from "../../profiles/index.ts";
import { describeProfile } from "../../src/describe.ts";
import { listVendorCodecs } from "../../src/vendors/catalog.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../errors.ts";
import { choiceOption } from "../inputs.ts";
import { formatTable } from "../table.ts";

/** A titled group of entries in `list`; the vendor codecs add their own section. */
interface Section {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  readonly json: unknown;
}

export const list: Command = {
  name: "list",
  summary: "List the sensor profiles and the commercial-sensor codecs",
  usage: ["list [--format table|json]"],
  options: { format: { type: "string", short: "f", value: "<fmt>", help: "table (default) or json" } },
  examples: ["list"],
  async run(values, io) {
    const format = choiceOption(values, "format", ["table", "json"], "table");
    const sections = [profileSection(), codecSection()];
    if (format === "json") {
      io.out(`${JSON.stringify(Object.fromEntries(sections.map((s) => [s.title.toLowerCase(), s.json])), null, 2)}\n`);
    } else {
      io.out(`${sections.map((s) => `${s.title}\n${formatTable(s.headers, s.rows)}`).join("\n\n")}\n`);
    }
    return EXIT.ok;
  },
};

function profileSection(): Section {
  const profiles = PROFILES.map((p) => {
    const d = describeProfile(p.id);
    return { id: p.id, code: p.code, title: p.title, version: d.measurementVersion, fields: d.fields.length, bytesPerSample: d.bytesSingleSample };
  });
  return {
    title: "Profiles",
    headers: ["Profile", "Code", "Title", "Format", "Fields", "Bytes"],
    rows: profiles.map((p) => [p.id, String(p.code), p.title, `v${p.version}`, String(p.fields), String(p.bytesPerSample)]),
    json: profiles,
  };
}

function codecSection(): Section {
  const codecs = listVendorCodecs();
  return {
    title: "Codecs",
    headers: ["Codec", "Vendor", "Devices", "Category", "Downlink"],
    rows: codecs.map((c) => [c.id, c.vendor, c.devices.join(", "), c.category, c.downlinkPort !== undefined ? `fPort ${c.downlinkPort}` : ""]),
    json: codecs,
  };
}
