import { createRoute, z } from "@hono/zod-openapi";
import { AuthError } from "../auth/errors.ts";
import { ATMO_LABELS } from "../indicators/atmo.ts";
import { atmoAnswer, footfallAnswer, healthAnswer, metersAnswer, mobilityAnswer, noiseAnswer, wasteAnswer, type Window } from "./indicator-answers.ts";
import { errorResponses, indicatorQuery, readRoutes, type ResolvedScope, resolveScope, resolveWindow } from "./indicator-scope.ts";

/**
 * GET /v1/indicators/{name}: atmo, noise, footfall, waste, meters, mobility, health for a commune
 * or one device (docs/indicators.md has every definition). Each name is its own documented route,
 * so that the OpenAPI document and the SDK get each answer's exact shape.
 */
export const indicatorRoutes = readRoutes();

const isoTime = z.string().nullable().openapi({ description: "ISO 8601 instant (UTC)" });
const deviceRef = { device: z.string().openapi({ description: "DevEUI" }), name: z.string(), commune: z.string() };
const envelope = {
  indicator: z.string(),
  commune: z.string().nullable(),
  device: z.string().nullable(),
  from: z.string().openapi({ description: "First local day (Europe/Paris), included" }),
  to: z.string().openapi({ description: "Last local day, included" }),
  at: z.string().openapi({ description: "Instant at which current states were evaluated" }),
};
const nullableNumber = z.number().nullable();

const atmoDay = z.object({
  date: z.string(),
  index: z.number().int().min(1).max(6).nullable(),
  label: z.enum(ATMO_LABELS).nullable(),
  pollutants: z.array(z.enum(["no2", "o3", "pm10", "pm2_5", "so2"])),
  subIndices: z.object({ no2: nullableNumber, o3: nullableNumber, pm10: nullableNumber, pm2_5: nullableNumber, so2: nullableNumber }),
});
const noiseDay = z.object({
  date: z.string(),
  lday: nullableNumber,
  levening: nullableNumber,
  lnight: nullableNumber,
  lden: nullableNumber,
  exceeds: z.object({ whoLden: z.boolean().nullable(), whoLnight: z.boolean().nullable(), limitLden: z.boolean().nullable(), limitLnight: z.boolean().nullable() }),
});
const footfallDay = z.object({ date: z.string(), in: nullableNumber, out: nullableNumber, total: nullableNumber, previousWeeksMean: nullableNumber, change: nullableNumber });
const bin = z.object({
  ...deviceRef,
  fill: nullableNumber,
  fillAt: isoTime,
  threshold: z.number(),
  lastEmptiedAt: isoTime,
  emptiedBy: z.enum(["pickup", "drop"]).nullable(),
  ratePerDay: nullableNumber,
  predictedFullAt: isoTime,
  toCollect: z.boolean(),
  since: isoTime,
});
const meter = z.object({
  ...deviceRef,
  fluid: z.enum(["water", "gas", "electricity"]),
  unit: z.string().openapi({ description: "UCUM unit of consumption and flows" }),
  days: z.array(z.object({ date: z.string(), consumption: nullableNumber, minNightFlow: nullableNumber })),
  leak: z
    .object({
      suspected: z.boolean(),
      since: isoTime,
      why: z.string().nullable(),
      nights: z.number().int(),
      lastNightFlow: nullableNumber,
      estimatedLossPerDay: nullableNumber,
    })
    .nullable()
    .openapi({ description: "Water and gas only (electricity always has a standby load)" }),
});
const station = z.object({ ...deviceRef, vehicles: nullableNumber, freeDocks: nullableNumber, observedAt: isoTime, emptyShare: nullableNumber, fullShare: nullableNumber });
const health = z.object({
  ...deviceRef,
  lastUplinkAt: isoTime,
  intervalSeconds: nullableNumber,
  intervalSource: z.enum(["device.interval", "median"]).nullable(),
  offline: z.boolean(),
  offlineSince: isoTime,
  battery: z.object({ volts: nullableNumber, trendPerDay: nullableNumber.openapi({ description: "V/day" }), predictedEmptyAt: isoTime }),
  signal: z.object({ recentMedianSnr: nullableNumber, previousMedianSnr: nullableNumber, degraded: z.boolean() }),
  codecErrorRate: nullableNumber,
});

export const indicatorAnswers = {
  atmo: z.object({ ...envelope, stations: z.number().int(), days: z.array(atmoDay) }).openapi("AtmoIndicator"),
  noise: z.object({ ...envelope, devices: z.array(z.object({ ...deviceRef, days: z.array(noiseDay) })) }).openapi("NoiseIndicator"),
  footfall: z.object({ ...envelope, counters: z.number().int(), days: z.array(footfallDay) }).openapi("FootfallIndicator"),
  waste: z.object({ ...envelope, bins: z.array(bin) }).openapi("WasteIndicator"),
  meters: z.object({ ...envelope, meters: z.array(meter) }).openapi("MetersIndicator"),
  mobility: z.object({ ...envelope, stations: z.array(station) }).openapi("MobilityIndicator"),
  health: z.object({ ...envelope, devices: z.array(health) }).openapi("HealthIndicator"),
} as const;

export type IndicatorName = keyof typeof indicatorAnswers;

export const INDICATOR_SUMMARIES: Record<IndicatorName, string> = {
  atmo: "Daily ATMO air-quality index (arrêté of 10 July 2020)",
  noise: "Daily Lday, Levening, Lnight, Lden and exceedances",
  footfall: "Daily footfall against the same weekday of the previous 4 weeks",
  waste: "Bins at `at`: fill, last emptying, fill rate, predicted full time, to collect",
  meters: "Daily consumption, minimum night flow and suspected leaks (read:private)",
  mobility: "Stations: vehicles and free docks at `at`, empty and full shares over from..to",
  health: "Devices at `at`: offline, battery trend, signal degradation, codec error rate",
};

function route<N extends IndicatorName>(name: N) {
  return createRoute({
    method: "get",
    path: `/${name}`,
    summary: INDICATOR_SUMMARIES[name],
    tags: ["indicators"],
    request: { query: indicatorQuery },
    responses: {
      200: { description: "The indicator", content: { "application/json": { schema: indicatorAnswers[name] } } },
      400: errorResponses[400],
      ...(name === "meters" ? { 403: errorResponses[403] } : {}),
      404: errorResponses[404],
      503: errorResponses[503],
    },
  });
}

type Body<N extends IndicatorName> = Omit<z.output<(typeof indicatorAnswers)[N]>, keyof typeof envelope>;

/** One documented route per indicator: parse → authorize → resolve scope and window → compute → answer. */
function register<N extends IndicatorName>(name: N, compute: (scope: ResolvedScope, window: Window) => Promise<Body<N>>): void {
  indicatorRoutes.openapi(route(name), async (c) => {
    const q = c.req.valid("query");
    const access = c.get("access");
    if (name === "meters" && !access.private) throw new AuthError("forbidden", "READ_PRIVATE_REQUIRED", "meters are private devices: use a read key with scope read:private");
    const window = resolveWindow(q, Date.now());
    const scope = await resolveScope(c.env, access, q, false);
    const head = { indicator: name, commune: scope.commune, device: scope.device, from: window.from, to: window.to, at: new Date(window.at).toISOString() };
    return c.json({ ...head, ...(await compute(scope, window)) } as z.output<(typeof indicatorAnswers)[N]>, 200);
  });
}

register("atmo", (s, w) => atmoAnswer(s.db, s.devices, w));
register("noise", (s, w) => noiseAnswer(s.db, s.devices, w));
register("footfall", (s, w) => footfallAnswer(s.db, s.devices, w));
register("waste", (s, w) => wasteAnswer(s.db, s.devices, w.at));
register("meters", (s, w) => metersAnswer(s.db, s.devices, w));
register("mobility", (s, w) => mobilityAnswer(s.db, s.devices, w));
register("health", (s, w) => healthAnswer(s.db, s.devices, w.at));
