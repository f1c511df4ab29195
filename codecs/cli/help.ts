/** `--help` text, generated from the command declarations. */
import type { Command, OptionSpecs } from "./command.ts";

export const TOOL = "cigale-codec";

export const EXIT_CODES_TEXT =
  "Exit codes: 0 success · 1 payload could not be decoded · 2 bad usage or input (the message names the field and its allowed range) · 3 the tool could not run (e.g. codecs not built: npm run build)";

export function toolHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `${TOOL} — encode, decode and describe the LoRaWAN frames of Cigale sensor profiles`,
    "",
    `Usage: ${TOOL} <command> [options]`,
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    ...optionLines({
      help: { type: "boolean", short: "h", help: `show help; \`${TOOL} <command> --help\` for a command` },
      version: { type: "boolean", short: "V", help: "show the version" },
    }),
    "",
    wrap(EXIT_CODES_TEXT, ""),
    "",
    "Examples:",
    ...commands.flatMap((c) => c.examples.slice(0, 1)).map((e) => `  ${TOOL} ${e}`),
  ].join("\n");
}

export function commandHelp(c: Command): string {
  return [
    `${TOOL} ${c.name} — ${c.summary}`,
    "",
    "Usage:",
    ...c.usage.map((u) => `  ${TOOL} ${u}`),
    ...(c.notes ?? []).flatMap((n) => ["", wrap(n, "")]),
    "",
    "Options:",
    ...optionLines({ ...c.options, help: { type: "boolean", short: "h", help: "show this help" } }),
    "",
    "Examples:",
    ...c.examples.map((e) => `  ${TOOL} ${e}`),
  ].join("\n");
}

function optionLines(options: OptionSpecs): string[] {
  const names = Object.entries(options).map(([name, o]) => `${o.short ? `-${o.short}, ` : "    "}--${name}${o.value ? ` ${o.value}` : ""}`);
  const width = Math.max(...names.map((n) => n.length));
  return Object.values(options).map((o, i) => `  ${(names[i] ?? "").padEnd(width)}  ${o.help}`);
}

/** Wraps a paragraph at 100 columns. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(" ")) {
    if (line.trim() && line.length + word.length + 1 > 100) {
      lines.push(line);
      line = indent;
    }
    line += line.trim() ? ` ${word}` : word;
  }
  lines.push(line);
  return lines.join("\n");
}
