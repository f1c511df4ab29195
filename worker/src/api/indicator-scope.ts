import { type Hook, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ReadAccess } from "../auth/read-access.ts";
import { errorBodySchema } from "../http/errors.ts";
import type { AppEnv } from "../http/types.ts";
import { addDays, daysBetween, isLocalDate, localDate } from "../indicators/paris-time.ts";
import { findCommune } from "../store/communes.ts";
import { type IndicatorDevice, listVisibleDevices } from "../store/indicator-inputs.ts";
import { catalogDb, territoryDb } from "../store/shard.ts";
import { RequestError } from "./errors.ts";

/**
 * What /v1/indicators and /v1/alerts share: the query (commune or device, from/to as local dates,
 * `at`), its resolution into the devices the reader may see and the territory database holding
 * their data, and a router whose validation failures use the API's error body.
 */

/** Longest from..to span: a year of daily values, leap years included. */
export const MAX_DAYS = 366;
/** from..to when not given: the 7 local days ending on the local date of `at`. */
export const DEFAULT_DAYS = 7;

const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (result.success) return;
  const issues = (result.error as z.ZodError).issues.slice(0, 5).map((i) => `${i.path.map(String).join(".") || result.target}: ${i.message}`);
  throw new RequestError("INVALID_REQUEST", `${result.target} is invalid — ${issues.join("; ")}`);
};

export function readRoutes(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export const localDateParam = z.string().refine(isLocalDate, "a local date YYYY-MM-DD");
export const communeParam = z.string().regex(/^(\d{5}|2[AB]\d{3})$/, "an INSEE code of 5 characters");
export const devEuiParam = z
  .string()
  .regex(/^[0-9a-fA-F]{16}$/, "16 hexadecimal digits")
  .transform((s) => s.toLowerCase());
export const atParam = z.iso.datetime({ offset: true });

export const indicatorQuery = z.object({
  commune: communeParam.optional().openapi({ description: "INSEE code: the commune's devices", example: "13001" }),
  device: devEuiParam.optional().openapi({ description: "DevEUI: one device (give commune or device, not both)", example: "70b3d57ed0000001" }),
  from: localDateParam.optional().openapi({ description: "First Europe/Paris local day, included (default: 6 days before `to`)", example: "2026-01-01" }),
  to: localDateParam.optional().openapi({ description: "Last Europe/Paris local day, included (default: the local date of `at`)", example: "2026-01-07" }),
  at: atParam.optional().openapi({ description: "Instant at which current states are evaluated (ISO 8601, default now)", example: "2026-01-07T12:00:00Z" }),
});

export const errorAnswer = errorBodySchema;

export const errorResponses = {
  400: { description: "INVALID_REQUEST: a parameter to fix (error.message says which).", content: { "application/json": { schema: errorAnswer } } },
  403: { description: "READ_PRIVATE_REQUIRED: this indicator needs a read key with scope read:private.", content: { "application/json": { schema: errorAnswer } } },
  404: { description: "NOT_FOUND: no such commune, or no such device this client may see.", content: { "application/json": { schema: errorAnswer } } },
  503: { description: "STORAGE_UNAVAILABLE: D1 could not be reached.", content: { "application/json": { schema: errorAnswer } } },
} as const;

export interface ResolvedScope {
  db: D1Database;
  devices: IndicatorDevice[];
  commune: string | null;
  device: string | null;
}

/** The devices a request covers: a commune's visible devices, one visible device, or (neither given, when allowed) every visible device. */
export async function resolveScope(
  env: Env,
  access: ReadAccess,
  q: { commune?: string | undefined; device?: string | undefined },
  allowAll: boolean,
): Promise<ResolvedScope> {
  if (q.commune !== undefined && q.device !== undefined) throw new RequestError("INVALID_REQUEST", "give commune or device, not both");
  if (q.commune !== undefined) {
    const commune = await findCommune(catalogDb(env), q.commune);
    if (!commune) throw new RequestError("NOT_FOUND", `commune ${q.commune} not found`, 404);
    const db = territoryDb(env, commune.territory);
    return { db, devices: await listVisibleDevices(db, access, { commune: q.commune }), commune: q.commune, device: null };
  }
  if (q.device !== undefined) {
    // A private device this client may not see answers exactly as an unknown one.
    const [device] = await listVisibleDevices(catalogDb(env), access, { devEui: q.device });
    if (!device) throw new RequestError("NOT_FOUND", `device ${q.device} not found`, 404);
    return { db: territoryDb(env, device.territory), devices: [device], commune: null, device: q.device };
  }
  if (!allowAll) throw new RequestError("INVALID_REQUEST", "give commune (an INSEE code) or device (a DevEUI)");
  // Every territory lives in one database today (store/shard.ts); a split would loop over territories here.
  const db = catalogDb(env);
  return { db, devices: await listVisibleDevices(db, access, {}), commune: null, device: null };
}

/** `at` in ms (default now) and from..to (defaults: the 7 local days ending on the local date of `at`). */
export function resolveWindow(q: { from?: string | undefined; to?: string | undefined; at?: string | undefined }, now: number): { from: string; to: string; at: number } {
  const at = q.at === undefined ? now : Date.parse(q.at);
  const to = q.to ?? (q.from !== undefined ? addDays(q.from, DEFAULT_DAYS - 1) : localDate(at));
  const from = q.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  if (from > to) throw new RequestError("INVALID_REQUEST", `from (${from}) is after to (${to})`);
  if (daysBetween(from, to) + 1 > MAX_DAYS) throw new RequestError("INVALID_REQUEST", `from..to spans more than ${MAX_DAYS} days: split the request`);
  return { from, to, at };
}
