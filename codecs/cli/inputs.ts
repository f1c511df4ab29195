/** Parsing of option values into what the codec takes; every failure is a UsageError (exit 2). */
import { readFileSync } from "node:fs";
import { PROFILES, type ProfileId, isProfileId } from "../profiles/index.ts";
import type { Io, OptionValues } from "./command.ts";
import { UsageError } from "./errors.ts";

export const PROFILE_IDS: readonly string[] = PROFILES.map((p) => p.id);

/** The string value of option `name`, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

export function requireOption(values: OptionValues, name: string, what: string): string {
  const v = stringOption(values, name);
  if (v === undefined || v === "") throw new UsageError(`missing --${name} ${what}`);
  return v;
}

/** `--profile`: a known profile id, or an error listing the known ones. */
export function profileOption(values: OptionValues): ProfileId {
  const id = stringOption(values, "profile");
  if (id === undefined || id === "") throw new UsageError(`missing --profile <id>; profiles: ${PROFILE_IDS.join(", ")}`);
  if (!isProfileId(id)) throw new UsageError(`unknown profile "${id}"; profiles: ${PROFILE_IDS.join(", ")}`);
  return id;
}

/** JSON text from `--json <text>` or `--file <path>` (`-` reads stdin); undefined when neither is given. */
export async function jsonInput(values: OptionValues, io: Io): Promise<unknown> {
  const text = stringOption(values, "json");
  const file = stringOption(values, "file");
  if (text !== undefined && file !== undefined) throw new UsageError("give either --json or --file, not both");
  if (text !== undefined) return parseJson(text, "--json");
  if (file === undefined) return undefined;
  let content: string;
  try {
    content = file === "-" ? await io.readStdin() : readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read --file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseJson(content, file === "-" ? "stdin" : file);
}

export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The payload bytes from `--hex` or `--base64`. Hex may have a 0x prefix and spaces, colons or
 * dashes between bytes (as network-server consoles show them).
 */
export function payloadInput(values: OptionValues): Uint8Array {
  const hex = stringOption(values, "hex");
  const base64 = stringOption(values, "base64");
  if (hex !== undefined && base64 !== undefined) throw new UsageError("give either --hex or --base64, not both");
  if (hex !== undefined) return parseHex(hex);
  if (base64 !== undefined) return parseBase64(base64);
  throw new UsageError("missing payload: give --hex <bytes> or --base64 <bytes>");
}

export function parseHex(text: string): Uint8Array {
  const digits = text.trim().replace(/^0x/i, "").replace(/[\s:-]/g, "");
  const bad = /[^0-9a-f]/i.exec(digits);
  if (bad) throw new UsageError(`--hex: "${bad[0]}" is not a hexadecimal digit`);
  if (digits.length % 2 !== 0) throw new UsageError(`--hex: odd number of hex digits (${digits.length}); each byte takes two`);
  return Uint8Array.from(Buffer.from(digits, "hex"));
}

export function parseBase64(text: string): Uint8Array {
  const compact = text.replace(/\s/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, "").length % 4 === 1) {
    throw new UsageError("--base64: not valid base64");
  }
  return Uint8Array.from(Buffer.from(compact, compact.includes("-") || compact.includes("_") ? "base64url" : "base64"));
}

/** A whole number option within [min, max]. */
export function integerOption(values: OptionValues, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** `--recv-time`: an ISO 8601 date-time. */
export function dateOption(values: OptionValues, name: string): Date | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} must be an ISO 8601 date-time such as 2025-06-01T12:00:00Z, got "${raw}"`);
  return date;
}

/** One of a closed list of words. */
export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[], fallback: T): T {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got "${raw}"`);
  return raw as T;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}
