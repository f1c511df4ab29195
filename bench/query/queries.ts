/**
 * The answers the benchmark times, each computed twice: from the rollups (store/rollups.ts, what
 * the routes and indicators read; for ATMO and noise the API's own answer functions) and, as the
 * baseline, from the raw readings with no rollup — the same figures, which run.ts checks agree
 * before timing them. The baselines apply the product's arithmetic (worker/src/indicators) to
 * what they group from readings, so only the reading of the data differs.
 */
import { alertsAnswerOf, alertsOf } from "../../worker/src/api/alerts.ts";
import { atmoAnswer, healthOf, noiseAnswer, wasteAnswer, type Window } from "../../worker/src/api/indicator-answers.ts";
import { latestValuesView } from "../../worker/src/api/public/answers.ts";
import { communeLatestOf } from "../../worker/src/api/public/communes.ts";
import { ANONYMOUS } from "../../worker/src/auth/read-access.ts";
import { type AtmoPollutant, type AtmoStationDays, atmoDaysFromSummaries, type DailyHours } from "../../worker/src/indicators/atmo.ts";
import { BATTERY_DAYS, INTERVAL_SAMPLE } from "../../worker/src/indicators/health.ts";
import { noiseDaysFromPeriods, type Period, type PeriodEnergy } from "../../worker/src/indicators/noise.ts";
import { type IndicatorDevice, listVisibleDevices, loadFitSums, loadLastReadingsBefore, loadRecentUplinkTimes } from "../../worker/src/store/indicator-inputs.ts";
import { listHourRollups } from "../../worker/src/store/rollups.ts";

const DAY_MS = 86_400_000;
const POLLUTANTS: Record<string, AtmoPollutant> = { "air.no2": "no2", "air.o3": "o3", "air.so2": "so2", "air.pm10": "pm10", "air.pm2_5": "pm2_5" };

export interface Context {
  db: D1Database;
  commune: string;
  communeDevices: number[];
  communeStations: number[];
  station: number;
  noiseDevice: number;
  /** Every device of the metropolis. */
  devices: number[];
  meters: number[];
  bins: number[];
  at: number;
  year: { from: string; to: string };
  /** The indicator answers' devices (as the routes list them for an anonymous reader) and window. */
  atmoDevices: IndicatorDevice[];
  noiseDevices: IndicatorDevice[];
  window: Window;
}

/** Daily statistics of hourly means (and of hourly energies for dB) as the baselines group them from raw readings. */
interface HourMeanStats {
  deviceId: number;
  quantity: string;
  day: string;
  hours: number;
  meanMin: number;
  meanMax: number;
  meanSum: number;
  energyMeanSum: number | null;
}

/**
 * GET /v1/communes/{insee}/latest as the route answers it, anonymous (api/public/communes.ts
 * communeLatestOf: the commune, then its visible devices and their latest values in one statement).
 */
export function latestOfCommune(c: Context) {
  return communeLatestOf({ DB: c.db }, ANONYMOUS, c.commune, undefined);
}

/**
 * Baseline: the same answer as the route built it before (devices listed first, then a max(time)
 * seek in the readings for every device × every quantity row), from the registry and raw readings.
 */
export async function latestOfCommuneRaw(c: Context) {
  const devices = await listVisibleDevices(c.db, ANONYMOUS, { commune: c.commune });
  const { results } = await c.db
    .prepare(
      `SELECT d.value AS deviceId, q.key, q.unit, q.encoding, q.labels, q.decimals, r.time, r.value
       FROM json_each(?1) AS d CROSS JOIN quantities AS q CROSS JOIN readings AS r
       WHERE r.device_id = d.value AND r.quantity_id = q.id
         AND r.time = (SELECT max(m.time) FROM readings AS m WHERE m.device_id = d.value AND m.quantity_id = q.id)
       ORDER BY d.value, q.key, r.time DESC`,
    )
    .bind(JSON.stringify(devices.map((d) => d.id)))
    .all<{ deviceId: number; key: string; unit: string; encoding: "number"; labels: string | null; decimals: number; time: number; value: number }>();
  const seen = new Set<string>();
  const latest = results.filter((r) => !seen.has(`${r.deviceId} ${r.key}`) && seen.add(`${r.deviceId} ${r.key}`));
  const located = new Map(
    (await c.db.prepare("SELECT id, latitude, longitude FROM devices WHERE commune = ?1").bind(c.commune).all<{ id: number; latitude: number | null; longitude: number | null }>()).results.map((r) => [r.id, r]),
  );
  return {
    insee: c.commune,
    quantity: null,
    devices: devices.map((d) => ({
      devEui: d.devEui,
      name: d.name,
      profile: d.profile,
      codec: d.codec,
      latitude: located.get(d.id)?.latitude ?? null,
      longitude: located.get(d.id)?.longitude ?? null,
      values: latestValuesView(latest.filter((r) => r.deviceId === d.id).map((r) => ({ ...r, labels: r.labels === null ? null : (JSON.parse(r.labels) as string[]) }))),
    })),
  };
}

/** A 30-day hourly series (min, max, mean, count) of one station's NO2. */
export async function hourlySeries(c: Context) {
  const rows = await listHourRollups(c.db, { deviceIds: [c.station], quantity: "air.no2", from: c.at - 30 * DAY_MS, to: c.at });
  return rows.map((r) => ({ hour: r.hour, count: r.count, min: r.min, max: r.max, mean: r.mean }));
}

export async function hourlySeriesRaw(c: Context) {
  const { results } = await c.db
    .prepare(
      `SELECT r.time - r.time % 3600000 AS hour, count(*) AS count, min(r.value) / pow(10.0, q.decimals) AS min, max(r.value) / pow(10.0, q.decimals) AS max,
              sum(r.value) / pow(10.0, q.decimals) / count(*) AS mean
       FROM readings r JOIN quantities q ON q.id = r.quantity_id
       WHERE r.device_id = ?1 AND q.key = 'air.no2' AND r.time >= ?2 AND r.time < ?3 GROUP BY hour ORDER BY hour`,
    )
    .bind(c.station, c.at - 30 * DAY_MS, c.at)
    .all<{ hour: number; count: number; min: number; max: number; mean: number }>();
  return results;
}

/** A year of daily ATMO of a commune, as GET /v1/indicators/atmo answers it (rollup_day_hourly). */
export function atmoYear(c: Context) {
  return atmoAnswer(c.db, c.atmoDevices, c.window);
}
/** The same daily statistics of hourly means from raw readings: hours grouped from readings first.
 * total(), not sum(): readings.value is an INTEGER column and sum()/count() of integers is an
 * integer division in SQLite (readings 52, 50, 206, 54 gave an hourly NO2 mean of 90, not 90.5,
 * and so class 2 instead of 3 on 2026-05-16 at a station of 13055). */
async function hourMeanStatsRaw(c: Context, deviceIds: number[], keys: string[], from: string, to: string, dayStartHour = 0, window = { fromHour: 0, toHour: 24 }) {
  const shift = dayStartHour * 3_600_000;
  const lo = Date.parse(`${from}T00:00:00Z`) - DAY_MS + shift;
  const hi = Date.parse(`${to}T00:00:00Z`) + 2 * DAY_MS + shift;
  const localHour = "(((h.hour + h.offset_ms) / 3600000) % 24)";
  const windowSql = window.fromHour <= window.toHour ? `${localHour} >= ?6 AND ${localHour} < ?7` : `(${localHour} >= ?6 OR ${localHour} < ?7)`;
  const { results } = await c.db
    .prepare(
      `WITH h AS (
         SELECT r.device_id, q.key, r.time - r.time % 3600000 AS hour, total(r.value) / count(*) / pow(10.0, q.decimals) AS mean,
                CASE WHEN q.unit = 'dB' THEN sum(pow(10.0, r.value / pow(10.0, q.decimals) / 10.0)) / count(*) END AS energyMean,
                (SELECT offset_ms FROM paris_offsets WHERE from_ms <= r.time - r.time % 3600000 ORDER BY from_ms DESC LIMIT 1) AS offset_ms
         FROM json_each(?1) AS d
           CROSS JOIN (SELECT id, key, unit, decimals FROM quantities WHERE key IN (SELECT value FROM json_each(?2))) AS q
           CROSS JOIN readings AS r
         WHERE r.device_id = d.value AND r.quantity_id = q.id AND r.time >= ?3 AND r.time < ?4
         GROUP BY r.device_id, q.key, hour)
       SELECT h.device_id AS deviceId, h.key AS quantity, date((h.hour + h.offset_ms - ?5) / 1000, 'unixepoch') AS day, count(*) AS hours,
              min(h.mean) AS meanMin, max(h.mean) AS meanMax, sum(h.mean) AS meanSum, sum(h.energyMean) AS energyMeanSum
       FROM h WHERE ${windowSql} AND date((h.hour + h.offset_ms - ?5) / 1000, 'unixepoch') BETWEEN ?8 AND ?9
       GROUP BY h.device_id, h.key, day ORDER BY 1, 2, 3`,
    )
    .bind(JSON.stringify(deviceIds), JSON.stringify(keys), lo, hi, shift, window.fromHour, window.toHour, from, to)
    .all<HourMeanStats>();
  return results;
}

/** The same answer from raw readings: daily statistics of hourly means grouped from readings, then the product's arithmetic. */
export async function atmoYearRaw(c: Context) {
  const stats = await hourMeanStatsRaw(c, c.atmoDevices.map((d) => d.id), Object.keys(POLLUTANTS), c.year.from, c.year.to);
  const byStation = new Map<number, HourMeanStats[]>();
  for (const s of stats) byStation.set(s.deviceId, [...(byStation.get(s.deviceId) ?? []), s]);
  const stations = [...byStation.values()].map((rows): AtmoStationDays => {
    const daily: Partial<Record<AtmoPollutant, DailyHours[]>> = {};
    for (const [key, p] of Object.entries(POLLUTANTS)) {
      daily[p] = rows.filter((r) => r.quantity === key).map((r) => ({ date: r.day, hours: r.hours, maxMean: r.meanMax, meanOfMeans: r.meanSum / r.hours }));
    }
    return { daily };
  });
  return { stations: stations.length, days: atmoDaysFromSummaries(stations, c.year.from, c.year.to) };
}

const PERIODS = { day: { fromHour: 6, toHour: 18 }, evening: { fromHour: 18, toHour: 22 }, night: { fromHour: 22, toHour: 6 } } as const;

/** A year of daily noise (Lday, Levening, Lnight, Lden) of one device, as GET /v1/indicators/noise answers it. */
export function noiseYear(c: Context) {
  return noiseAnswer(c.db, c.noiseDevices, c.window);
}

/** The same answer from raw readings: the periods' hourly energies grouped from readings, then the product's arithmetic. */
export async function noiseYearRaw(c: Context) {
  const devices = [];
  for (const d of c.noiseDevices) {
    const periods: PeriodEnergy[] = [];
    for (const [period, window] of Object.entries(PERIODS) as [Period, { fromHour: number; toHour: number }][]) {
      for (const s of await hourMeanStatsRaw(c, [d.id], ["sound.laeq"], c.year.from, c.year.to, 6, window)) {
        if (s.energyMeanSum !== null) periods.push({ date: s.day, period, hours: s.hours, meanEnergy: s.energyMeanSum / s.hours });
      }
    }
    if (periods.length > 0) devices.push({ device: d.devEui, name: d.name, commune: d.commune, days: noiseDaysFromPeriods(periods, c.year.from, c.year.to) });
  }
  return { devices };
}

/**
 * GET /v1/alerts for the whole metropolis as the route answers it, anonymous (api/alerts.ts
 * alertsAnswerOf: devices, waste and health inputs in one statement, battery sums from trend_day).
 */
export function alerts(c: Context) {
  return alertsAnswerOf(c.db, ANONYMOUS, null, c.at);
}

/**
 * Baseline: the same alerts from the registry, raw readings and raw uplinks, with no rollup or
 * state table — as the route computed them before: the visible devices, then the bins (emptyings
 * found by a window over 60 days of fill readings), the last 20 uplinks of each device (one
 * statement each), the declared intervals and the battery least-squares sums over the readings
 * of 30 days — through the same pure functions (binAnswer, healthOf, alertsOf).
 */
export async function alertsRaw(c: Context) {
  const devices = await listVisibleDevices(c.db, ANONYMOUS, {});
  const ids = devices.map((d) => d.id);
  const [waste, times, intervals, battery] = await Promise.all([
    wasteAnswer(c.db, devices, c.at),
    loadRecentUplinkTimes(c.db, ids, c.at, INTERVAL_SAMPLE),
    loadLastReadingsBefore(c.db, ids, ["device.interval"], c.at + 1),
    loadFitSums(c.db, ids, "battery", c.at - BATTERY_DAYS * DAY_MS, c.at, c.at),
  ]);
  const health = devices.map((d) =>
    healthOf(d, { uplinkTimes: times.get(d.id) ?? [], interval: intervals.find((i) => i.deviceId === d.id) ?? null, battery: battery.get(d.id) ?? null }, c.at),
  );
  return alertsOf(c.at, waste.bins, [], health);
}
