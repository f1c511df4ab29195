/** The cigale-codec dispatcher: finds the subcommand, parses its options, maps failures to exit codes. */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CodecError } from "../src/data.ts";
import type { Command, Io, OptionSpecs, OptionValues } from "./command.ts";
import { decode } from "./commands/decode.ts";
import { describe } from "./commands/describe.ts";
import { encode } from "./commands/encode.ts";
import { exportChirpstack } from "./commands/export-chirpstack.ts";
import { list } from "./commands/list.ts";
import { EXIT, ToolError, UsageError } from "./errors.ts";
import { commandHelp, TOOL, toolHelp } from "./help.ts";

export const COMMANDS: readonly Command[] = [encode, decode, describe, exportChirpstack, list];

/** Runs the tool on `argv` (without node and the script); returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(`${toolHelp(COMMANDS)}\n`);
    return EXIT.usage;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    const command = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic);
    if (topic !== undefined && !command) return usageFailure(io, undefined, new UsageError(unknownCommand(topic)));
    io.out(`${command ? commandHelp(command) : toolHelp(COMMANDS)}\n`);
    return EXIT.ok;
  }
  if (first === "--version" || first === "-V") {
    io.out(`${TOOL} ${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) return usageFailure(io, undefined, new UsageError(first.startsWith("-") ? `unknown option ${first}` : unknownCommand(first)));
  try {
    const values = parseOptions(command, rest);
    if (values["help"] === true) {
      io.out(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    return await command.run(values, io);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(io, command, e);
    if (e instanceof CodecError) {
      io.err(`${TOOL} ${command.name}: ${e.message}\n`);
      return EXIT.usage;
    }
    const message = e instanceof ToolError ? e.message : `unexpected failure: ${e instanceof Error ? (process.env["CIGALE_DEBUG"] ? e.stack : e.message) : String(e)}`;
    io.err(`${TOOL} ${command.name}: ${message}\n`);
    return EXIT.internal;
  }
}

function parseOptions(command: Command, args: readonly string[]): OptionValues {
  const options: OptionSpecs = { ...command.options, help: { type: "boolean", short: "h", help: "" } };
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  );
  try {
    return parseArgs({ args: [...args], options: config, strict: true, allowPositionals: false }).values as OptionValues;
  } catch (e) {
    // node:util's messages are long; their first sentence says it.
    const text = (e as Error).message.split(/\.\s/)[0] ?? String(e);
    throw new UsageError(text.replace(/\.$/, ""));
  }
}

function usageFailure(io: Io, command: Command | undefined, e: UsageError): number {
  const where = command ? `${TOOL} ${command.name}` : TOOL;
  io.err(`${where}: ${e.message}\nRun \`${where} --help\` for usage.\n`);
  return EXIT.usage;
}

function unknownCommand(name: string): string {
  return `unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
