import { z } from "zod";
import { canonicalBase64, parseTimestamp, uuidToHex } from "./encoding.ts";
import { malformed } from "./errors.ts";

/**
 * Field schemas shared by the network-server parsers. They follow proto3-JSON reading rules:
 * integers may come as strings, bytes as standard or URL-safe base64, unknown fields are
 * ignored. Every refusal names the field and what was expected.
 */

export const devEui = z
  .string({ error: "expected the DevEUI as a string of 16 hex digits" })
  .regex(/^[0-9a-fA-F]{16}$/, { error: (i) => `expected 16 hex digits, got ${JSON.stringify(i.input)}` })
  .transform((s) => s.toLowerCase());

export const timestamp = z.string({ error: "expected an RFC 3339 timestamp" }).transform((s, ctx) => {
  const ms = parseTimestamp(s);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: `expected an RFC 3339 timestamp like 2026-03-14T09:34:15.775Z, got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return ms;
});

const numericString = (v: unknown) => (typeof v === "string" && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.trim()) ? Number(v) : v);

function integer(min: number, max: number, what: string) {
  return z.preprocess(
    numericString,
    z
      .number({ error: `expected ${what}` })
      .int({ error: `expected ${what}` })
      .min(min, { error: `expected ${what}` })
      .max(max, { error: `expected ${what}` }),
  );
}

export const uint32 = integer(0, 0xffffffff, "an unsigned 32-bit integer");
export const int32 = integer(-0x80000000, 0x7fffffff, "a 32-bit integer");
export const fPort = integer(0, 255, "an fPort between 0 and 255");
export const float = z.preprocess(numericString, z.number({ error: "expected a number" }));

export const bytes = z.string({ error: "expected base64 bytes" }).transform((s, ctx) => {
  const b64 = canonicalBase64(s);
  if (b64 === null) {
    ctx.addIssue({ code: "custom", message: `not valid base64: ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}` });
    return z.NEVER;
  }
  return b64;
});

/** A UUID, or "" (proto3 default: not set). */
export const uuid = z.string({ error: "expected a UUID" }).transform((s, ctx) => {
  if (s === "") return null;
  const hex = uuidToHex(s);
  if (hex === null) {
    ctx.addIssue({ code: "custom", message: `expected a UUID, got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return hex;
});

export const stringMap = z.record(z.string(), z.string(), { error: "expected an object of string values" });

/** Parses `input` or throws a 400 listing the first problems, each with its field path. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string, hint: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 4).map((i) => {
    const path = i.path.map(String).join(".");
    return path ? `${path}: ${i.message}` : i.message;
  });
  const more = result.error.issues.length > 4 ? ` (and ${result.error.issues.length - 4} more)` : "";
  throw malformed("INVALID_EVENT", `${what} is invalid — ${problems.join("; ")}${more}. ${hint}`);
}
