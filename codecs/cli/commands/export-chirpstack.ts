import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHIRPSTACK_SCRIPT_LIMIT } from "../../scripts/chirpstack-script.ts";
import type { Command } from "../command.ts";
import { EXIT, ToolError } from "../errors.ts";
import { stringOption } from "../inputs.ts";
import { scriptFor, TARGET_OPTIONS } from "../target.ts";

export const exportChirpstack: Command = {
  name: "export-chirpstack",
  summary: "Write a profile's codec script for ChirpStack v4 and The Things Stack (TS013)",
  usage: ["export-chirpstack --profile <id> [-o <file>]"],
  notes: [
    "The script is self-contained (no import, no WebAssembly): paste it in a ChirpStack device profile (Codec: JavaScript functions) or a The Things Stack custom payload formatter. It exposes decodeUplink, encodeDownlink, decodeDownlink and normalizeUplink.",
  ],
  options: {
    ...TARGET_OPTIONS,
    output: { type: "string", short: "o", value: "<file>", help: "where to write the script (default: stdout)" },
  },
  examples: ["export-chirpstack -p env -o env.js"],
  async run(values, io) {
    const source = await scriptFor(values);
    const output = stringOption(values, "output");
    const toStdout = output === undefined || output === "-";
    const dir = toStdout ? mkdtempSync(join(tmpdir(), "cigale-codec-")) : undefined;
    const file = dir ? join(dir, source.fileName) : (output as string);
    try {
      let size: number;
      try {
        size = await source.write(file);
      } catch (e) {
        throw new ToolError(`cannot write the script${toStdout ? "" : ` to ${file}`}: ${firstLine(e)}${/codecs\.wasm2js|Could not resolve/.test(String(e)) ? " (run `npm run build` first)" : ""}`);
      }
      if (toStdout) io.out(readFileSync(file, "utf8"));
      else io.err(`wrote ${file}: ${size} bytes (The Things Stack accepts up to ${CHIRPSTACK_SCRIPT_LIMIT})\n`);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    return EXIT.ok;
  },
};

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0] ?? text;
}
