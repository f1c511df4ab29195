/**
 * The answers the benchmark times, each computed twice: from the rollups (store/rollups.ts, what
 * the routes and indicators read; for ATMO and noise the API's own answer functions) and, as the
 * baseline, from the raw readings with no rollup — the same figures, which run.ts checks agree
 * before timing them. The baselines apply the product's arithmetic (worker/src/indicators) to
 * what they group from readings, so only the reading of the data differs.
 */
import { atmoAnswer, noiseAnswer, type Window } from "../../worker/src/api/indicator-answers.ts";
import { type AtmoPollutant, type AtmoStationDays, atmoDaysFromSummaries, type DailyHours } from "../../worker/src/indicators/atmo.ts";
import { linearFit } from "../../worker/src/indicators/math.ts";
import { noiseDaysFromPeriods, type Period, type PeriodEnergy } from "../../worker/src/indicators/noise.ts";
import type { IndicatorDevice } from "../../worker/src/store/indicator-inputs.ts";
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

/** Latest value of every quantity of every device of a commune: one primary-key seek per device × quantity. */
export async function latestOfCommune(c: Context) {
  const { results } = await c.db
    .prepare(
      `SELECT d.id AS deviceId, q.key AS quantity, r.time, r.value / pow(10.0, q.decimals) AS value
       FROM devices d CROSS JOIN quantities q CROSS JOIN readings r
       WHERE d.commune = ?1 AND r.device_id = d.id AND r.quantity_id = q.id
         AND r.time = (SELECT max(time) FROM readings WHERE device_id = d.id AND quantity_id = q.id)
       ORDER BY 1, 2`,
    )
    .bind(c.commune)
    .all();
  return results;
}

/** Baseline: the same from a scan of the commune's readings (what a rollup-less GROUP BY does). */
export async function latestOfCommuneRaw(c: Context) {
  const { results } = await c.db
    .prepare(
      `SELECT r.device_id AS deviceId, q.key AS quantity, max(r.time) AS time, r.value / pow(10.0, q.decimals) AS value
       FROM readings r JOIN quantities q ON q.id = r.quantity_id JOIN devices d ON d.id = r.device_id
       WHERE d.commune = ?1 GROUP BY r.device_id, q.key ORDER BY 1, 2`,
    )
    .bind(c.commune)
    .all();
  return results;
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
 * Alerts of the metropolis at `at`: offline devices (no uplink for 3 intervals of 15 min),
 * batteries predicted under 2.5 V within 30 days (least squares over the daily means of 30 days),
 * suspected leaks (water consumed in every night hour 00–05 of the last 3 nights), bins at or
 * above 80 %.
 */
async function alertsWith(c: Context, batteryDays: () => Promise<{ deviceId: number; day: number; mean: number }[]>, nightHours: () => Promise<{ deviceId: number; hour: number; max: number }[]>) {
  const offline = await c.db
    .prepare("SELECT device_id AS deviceId, last_seen_at AS since FROM device_state WHERE last_seen_at < ?1 ORDER BY 1")
    .bind(c.at - 3 * 15 * 60_000)
    .all<{ deviceId: number; since: number }>();
  const byDevice = new Map<number, { x: number; y: number }[]>();
  for (const b of await batteryDays()) {
    const points = byDevice.get(b.deviceId) ?? [];
    points.push({ x: b.day, y: b.mean });
    byDevice.set(b.deviceId, points);
  }
  const batteries: { deviceId: number; emptyAt: number }[] = [];
  for (const [deviceId, points] of byDevice) {
    const fit = linearFit(points);
    if (!fit || fit.slope >= 0) continue;
    const emptyAt = (2.5 - fit.intercept) / fit.slope;
    if (emptyAt <= c.at + 30 * DAY_MS) batteries.push({ deviceId, emptyAt });
  }
  // Consumption of an hour = its last index − the last index before it (the previous hour's max).
  const hours = await nightHours();
  const leaks: number[] = [];
  for (const deviceId of c.meters) {
    const h = hours.filter((x) => x.deviceId === deviceId);
    let nights = 0;
    for (let n = 1; n <= 3; n++) {
      const midnight = c.at - (c.at % DAY_MS) - n * DAY_MS;
      const flows: number[] = [];
      for (let k = 0; k < 5; k++) {
        const cur = h.find((x) => x.hour === midnight + k * 3_600_000);
        const prev = h.find((x) => x.hour === midnight + (k - 1) * 3_600_000);
        if (cur && prev) flows.push(cur.max - prev.max);
      }
      if (flows.length > 0 && Math.min(...flows) > 0) nights++;
    }
    if (nights === 3) leaks.push(deviceId);
  }
  const bins = await c.db
    .prepare(
      `SELECT d.value AS deviceId, r.value AS fill FROM json_each(?1) d CROSS JOIN quantities q CROSS JOIN readings r
       WHERE q.key = 'level.fill' AND r.device_id = d.value AND r.quantity_id = q.id
         AND r.time = (SELECT max(time) FROM readings WHERE device_id = d.value AND quantity_id = q.id AND time <= ?2) AND r.value >= 80`,
    )
    .bind(JSON.stringify(c.bins), c.at)
    .all<{ deviceId: number; fill: number }>();
  return { offline: offline.results, batteries: batteries.sort((a, b) => a.deviceId - b.deviceId), leaks, bins: bins.results };
}

export function alerts(c: Context) {
  return alertsWith(
    c,
    async () =>
      (
        await c.db
          .prepare(
            `SELECT r.device_id AS deviceId, unixepoch(r.day) * 1000 AS day, r.sum / r.count / pow(10.0, q.decimals) AS mean
             FROM json_each(?3) d CROSS JOIN quantities q CROSS JOIN rollup_day r
             WHERE q.key = 'battery' AND r.device_id = d.value AND r.quantity_id = q.id AND r.day > ?1 AND r.day <= ?2`,
          )
          .bind(new Date(c.at - 31 * DAY_MS).toISOString().slice(0, 10), new Date(c.at).toISOString().slice(0, 10), JSON.stringify(c.devices))
          .all<{ deviceId: number; day: number; mean: number }>()
      ).results,
    async () =>
      (await listHourRollups(c.db, { deviceIds: c.meters, quantity: "metering.water.total", from: c.at - 4 * DAY_MS, to: c.at })).map((h) => ({
        deviceId: h.deviceId,
        hour: h.hour,
        max: h.max,
      })),
  );
}

export function alertsRaw(c: Context) {
  return alertsWith(
    c,
    async () =>
      (
        await c.db
          .prepare(
            `SELECT r.device_id AS deviceId, date((r.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= r.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch') AS local,
                    unixepoch(date((r.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= r.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch')) * 1000 AS day,
                    total(r.value) / count(*) / pow(10.0, q.decimals) AS mean
             FROM json_each(?5) d CROSS JOIN quantities q CROSS JOIN readings r
             WHERE q.key = 'battery' AND r.device_id = d.value AND r.quantity_id = q.id AND r.time >= ?1 AND r.time < ?2
             GROUP BY r.device_id, local HAVING local > ?3 AND local <= ?4`,
          )
          .bind(c.at - 33 * DAY_MS, c.at + DAY_MS, new Date(c.at - 31 * DAY_MS).toISOString().slice(0, 10), new Date(c.at).toISOString().slice(0, 10), JSON.stringify(c.devices))
          .all<{ deviceId: number; day: number; mean: number }>()
      ).results,
    async () =>
      (
        await c.db
          .prepare(
            `SELECT r.device_id AS deviceId, r.time - r.time % 3600000 AS hour, max(r.value) / pow(10.0, q.decimals) AS max
             FROM readings r JOIN quantities q ON q.id = r.quantity_id
             WHERE r.device_id IN (SELECT value FROM json_each(?1)) AND q.key = 'metering.water.total' AND r.time >= ?2 AND r.time < ?3
             GROUP BY r.device_id, hour`,
          )
          .bind(JSON.stringify(c.meters), c.at - 4 * DAY_MS, c.at)
          .all<{ deviceId: number; hour: number; max: number }>()
      ).results,
  );
}
