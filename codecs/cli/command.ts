/**
 * The shape of a cigale-codec subcommand: its options are declared once, as data, and serve both
 * `node:util` parseArgs and the generated `--help` text.
 */

/** One option of a subcommand; `value` names the argument in help (`<id>`), booleans have none. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly value?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed option values, keyed like the specs. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** Where a command writes; the entry binds it to the process, tests may bind it to buffers. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage lines, without the leading `cigale-codec `. */
  readonly usage: readonly string[];
  /** Paragraphs printed after the usage in `--help`. */
  readonly notes?: readonly string[];
  readonly options: OptionSpecs;
  readonly examples: readonly string[];
  /** Returns the exit code (see EXIT in errors.ts). */
  run(values: OptionValues, io: Io): Promise<number>;
}
