import { createRoute, z } from "@hono/zod-openapi";
import type { ReadAccess } from "../auth/read-access.ts";
import { BATTERY_DAYS, BATTERY_EMPTY_V, INTERVAL_SAMPLE, OFFLINE_INTERVALS } from "../indicators/health.ts";
import { DAY_MS, localDate } from "../indicators/paris-time.ts";
import { EMPTYING_DROP } from "../indicators/waste.ts";
import { loadAlertInputs } from "../store/alert-inputs.ts";
import { findCommune } from "../store/communes.ts";
import { catalogDb, territoryDb } from "../store/shard.ts";
import { RequestError } from "./errors.ts";
import { type BinAnswer, binAnswer, type HealthAnswer, healthOf, type MeterAnswer, metersAnswer, WASTE_LOOKBACK_DAYS } from "./indicator-answers.ts";
import { atParam, communeParam, errorResponses, readRoutes } from "./indicator-scope.ts";

/**
 * GET /v1/alerts: what needs someone's attention at `at` — bins to collect, suspected leaks
 * (read:private only: meters are private devices), offline devices, batteries predicted under
 * 2.5 V within 30 days — each with device, commune, since and why. Without `commune`, every
 * device the reader may see.
 */
export const alertRoutes = readRoutes();

const KINDS = ["waste", "leak", "offline", "battery"] as const;

const alert = z
  .object({
    kind: z.enum(KINDS),
    device: z.string().openapi({ description: "DevEUI" }),
    name: z.string(),
    commune: z.string(),
    since: z.string().nullable().openapi({ description: "ISO 8601 instant from which the condition holds" }),
    why: z.string(),
  })
  .openapi("Alert");

export const alertsAnswer = z.object({ commune: z.string().nullable(), at: z.string(), alerts: z.array(alert) }).openapi("Alerts");
export type Alert = z.output<typeof alert>;

export const alertQuery = z.object({
  commune: communeParam.optional().openapi({ description: "INSEE code (default: every commune the reader may see)", example: "13001" }),
  at: atParam.optional().openapi({ description: "Instant of evaluation (ISO 8601, default now)", example: "2026-01-07T12:00:00Z" }),
});

const route = createRoute({
  method: "get",
  path: "/",
  summary: "Alerts: bins to collect, suspected leaks, offline devices, batteries to replace",
  tags: ["indicators"],
  request: { query: alertQuery },
  responses: {
    200: { description: "The alerts, by kind then device", content: { "application/json": { schema: alertsAnswer } } },
    400: errorResponses[400],
    404: errorResponses[404],
    503: errorResponses[503],
  },
});

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

alertRoutes.openapi(route, async (c) => {
  const q = c.req.valid("query");
  const at = q.at === undefined ? Date.now() : Date.parse(q.at);
  let db = catalogDb(c.env);
  if (q.commune !== undefined) {
    const commune = await findCommune(db, q.commune);
    if (!commune) throw new RequestError("NOT_FOUND", `commune ${q.commune} not found`, 404);
    db = territoryDb(c.env, commune.territory);
  }
  // Every territory lives in one database today (store/shard.ts); a split would ask each territory's here.
  const alerts = await alertsAnswerOf(db, c.get("access"), q.commune ?? null, at);
  return c.json({ commune: q.commune ?? null, at: new Date(at).toISOString(), alerts }, 200);
});

/**
 * The alerts at `at` of the devices `access` may see (of one commune, or all of `db`): one D1
 * statement reads what waste and health need (store/alert-inputs.ts); suspected leaks, for a
 * read:private reader only, read the meters' readings in a second one.
 */
export async function alertsAnswerOf(db: D1Database, access: ReadAccess, commune: string | null, at: number): Promise<Alert[]> {
  const inputs = await loadAlertInputs(db, access, {
    commune,
    at,
    uplinks: INTERVAL_SAMPLE,
    batteryDays: BATTERY_DAYS,
    wasteLookbackDays: WASTE_LOOKBACK_DAYS,
    emptyingDrop: EMPTYING_DROP,
  });
  const bins: BinAnswer[] = [];
  for (const i of inputs) {
    const bin = binAnswer(i.device, i.bin, at);
    if (bin) bins.push(bin);
  }
  const health = inputs.map((i) => healthOf(i.device, i, at));
  const day = localDate(at);
  // Meters are private: without read:private none is in scope anyway; skip the query.
  const meters = access.private ? (await metersAnswer(db, inputs.map((i) => i.device), { from: day, to: day, at })).meters : [];
  return alertsOf(at, bins, meters, health);
}

/** Alerts from the waste, meters and health answers: bins to collect, suspected leaks, offline devices, batteries due; by kind then device. */
export function alertsOf(at: number, bins: readonly BinAnswer[], meters: readonly MeterAnswer[], health: readonly HealthAnswer[]): Alert[] {
  const alerts: Alert[] = [];
  for (const b of bins) {
    if (!b.toCollect) continue;
    const why =
      b.fill !== null && b.fill >= b.threshold
        ? `fill ${b.fill} % at or above the threshold ${b.threshold} %`
        : `predicted to reach ${b.threshold} % at ${b.predictedFullAt} (${round(b.ratePerDay ?? 0, 1)} points/day), within 24 h`;
    alerts.push({ kind: "waste", device: b.device, name: b.name, commune: b.commune, since: b.since, why });
  }
  for (const m of meters) {
    if (!m.leak?.suspected) continue;
    const loss = m.leak.estimatedLossPerDay === null ? "" : `; estimated loss ${round(m.leak.estimatedLossPerDay, 3)} ${m.unit}/day`;
    alerts.push({ kind: "leak", device: m.device, name: m.name, commune: m.commune, since: m.leak.since, why: `${m.fluid}: ${m.leak.why}${loss}` });
  }
  for (const h of health) {
    if (h.offline) {
      const why = `no uplink since ${h.lastUplinkAt}: more than ${OFFLINE_INTERVALS} reporting intervals of ${h.intervalSeconds} s (${h.intervalSource})`;
      alerts.push({ kind: "offline", device: h.device, name: h.name, commune: h.commune, since: h.offlineSince, why });
    }
    const emptyAt = h.battery.predictedEmptyAt === null ? null : Date.parse(h.battery.predictedEmptyAt);
    if (emptyAt !== null && emptyAt <= at + BATTERY_DAYS * DAY_MS) {
      // The alert holds from the moment the predicted date came within 30 days on this trend.
      const since = new Date(emptyAt - BATTERY_DAYS * DAY_MS).toISOString();
      const why = `battery ${h.battery.volts} V falling ${round(-(h.battery.trendPerDay ?? 0) * 1000, 1)} mV/day: ${BATTERY_EMPTY_V} V predicted at ${h.battery.predictedEmptyAt}`;
      alerts.push({ kind: "battery", device: h.device, name: h.name, commune: h.commune, since, why });
    }
  }
  alerts.sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.device.localeCompare(b.device));
  return alerts;
}
