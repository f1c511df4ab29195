import type { Context } from "hono";
import { z } from "zod";
import { parseTimestamp } from "../ingest/encoding.ts";
import { RequestError } from "./errors.ts";

/** Largest admin request body (a CSV import of a few thousand devices). */
const MAX_ADMIN_BODY = 2 * 1024 * 1024;

export function problems(error: z.ZodError): string {
  const list = error.issues.slice(0, 5).map((i) => {
    const path = i.path.map(String).join(".");
    return path ? `${path}: ${i.message}` : i.message;
  });
  return list.join("; ") + (error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : "");
}

export function parseWith<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new RequestError("INVALID_REQUEST", `${what} is invalid — ${problems(result.error)}`);
  return result.data;
}

export async function bodyText(c: Context, media: string): Promise<string> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== media) {
    throw new RequestError("UNSUPPORTED_MEDIA_TYPE", `send the body as ${media}${type ? ` (got ${type})` : " (Content-Type is missing)"}`, 415);
  }
  const declared = Number(c.req.header("content-length") ?? "NaN");
  if (declared > MAX_ADMIN_BODY) throw new RequestError("BODY_TOO_LARGE", `body exceeds ${MAX_ADMIN_BODY} bytes: split it`, 413);
  const text = await c.req.text();
  if (text.length > MAX_ADMIN_BODY) throw new RequestError("BODY_TOO_LARGE", `body exceeds ${MAX_ADMIN_BODY} bytes: split it`, 413);
  return text;
}

/** The JSON body, validated by `schema`: 415 if not JSON, 400 naming each bad field. */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const text = await bodyText(c, "application/json");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestError("INVALID_JSON", `body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseWith(schema, value, "body");
}

export function query<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return parseWith(schema, c.req.query(), "query");
}

/** ISO 8601 date or date-time → epoch ms (a bare date is midnight UTC). */
export const isoTime = z.string().transform((s, ctx) => {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : parseTimestamp(s);
  if (ms === null || Number.isNaN(ms)) {
    ctx.addIssue({ code: "custom", message: `expected an ISO 8601 date or date-time (2026-03-14 or 2026-03-14T09:30:00Z), got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return ms;
});

export const limit = (max: number, fallback: number) =>
  z.coerce
    .number({ error: `expected a number of items from 1 to ${max}` })
    .int({ error: `expected a whole number from 1 to ${max}` })
    .min(1, { error: `expected 1 to ${max}` })
    .max(max, { error: `at most ${max} per page` })
    .default(fallback);

export const flag = z.enum(["true", "false", "1", "0"], { error: "expected true or false" }).transform((v) => v === "true" || v === "1");

export const devEuiParam = z
  .string()
  .regex(/^[0-9a-fA-F]{16}$/, { error: (i) => `expected a DevEUI of 16 hex digits, got ${JSON.stringify(i.input)}` })
  .transform((s) => s.toLowerCase());

export function param<T extends z.ZodType>(schema: T, value: string | undefined, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestError("INVALID_PATH", `${what}: ${result.error.issues[0]?.message ?? "invalid"}`, 404);
  return result.data;
}
