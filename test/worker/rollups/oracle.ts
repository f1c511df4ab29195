import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { hourOf, parisDay } from "../../../worker/src/rollups/paris-day.ts";

/**
 * The rollups as they should be, recomputed in JavaScript from the raw readings (time zone from
 * Intl, not from the SQL table), compared with what the triggers maintained: hours, days and the
 * daily statistics of hourly means of concentrations and sound levels (migration 0007).
 */

interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  energy: number | null;
}

type Buckets = Map<string, Bucket>;

interface Raw {
  device_id: number;
  quantity_id: number;
  time: number;
  value: number;
  unit: string;
  decimals: number;
}

/** One row of rollup_day_hourly: statistics of a day's hourly means, and the local-hour bands' hours and energies. */
interface HourlyMeanDay {
  hours: number;
  mean_sum: number;
  mean_min: number;
  mean_max: number;
  bands: [number, number | null][];
}
type HourlyMeanDays = Map<string, HourlyMeanDay>;

const localHour = (ms: number) => Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(ms));
/** Local-hour bands of rollup_day_hourly: 00–06, 06–18, 18–22, 22–24. */
const band = (h: number) => (h < 6 ? 0 : h < 18 ? 1 : h < 22 ? 2 : 3);

function hourlyMeanDays(hours: Buckets, units: ReadonlyMap<number, string>): HourlyMeanDays {
  const out: HourlyMeanDays = new Map();
  for (const [key, b] of hours) {
    const [device, quantity, hour] = key.split("/").map(Number) as [number, number, number];
    if (!["ug/m3", "dB"].includes(units.get(quantity)!)) continue;
    const mean = b.sum / b.count;
    const k = `${device}/${quantity}/${parisDay(hour)}`;
    const d = out.get(k) ?? { hours: 0, mean_sum: 0, mean_min: mean, mean_max: mean, bands: [[0, null], [0, null], [0, null], [0, null]] };
    d.hours++;
    d.mean_sum += mean;
    d.mean_min = Math.min(d.mean_min, mean);
    d.mean_max = Math.max(d.mean_max, mean);
    const x = d.bands[band(localHour(hour))]!;
    x[0]++;
    if (b.energy !== null) x[1] = (x[1] ?? 0) + b.energy / b.count;
    out.set(k, d);
  }
  return out;
}

async function recompute(deviceIds: readonly number[]): Promise<{ hours: Buckets; days: Buckets }> {
  const { results } = await env.DB.prepare(
    `SELECT r.device_id, r.quantity_id, r.time, r.value, q.unit, q.decimals FROM readings r JOIN quantities q ON q.id = r.quantity_id
     WHERE r.device_id IN (SELECT value FROM json_each(?1))`,
  )
    .bind(JSON.stringify(deviceIds))
    .all<Raw>();
  const hours: Buckets = new Map();
  const days: Buckets = new Map();
  const add = (map: Buckets, key: string, r: Raw) => {
    const energy = r.unit === "dB" ? 10 ** (r.value / 10 ** r.decimals / 10) : null;
    const b = map.get(key);
    if (!b) return map.set(key, { count: 1, sum: r.value, min: r.value, max: r.value, energy });
    b.count++;
    b.sum += r.value;
    b.min = Math.min(b.min, r.value);
    b.max = Math.max(b.max, r.value);
    b.energy = b.energy === null || energy === null ? null : b.energy + energy;
  };
  for (const r of results) {
    add(hours, `${r.device_id}/${r.quantity_id}/${hourOf(r.time)}`, r);
    add(days, `${r.device_id}/${r.quantity_id}/${parisDay(r.time)}`, r);
  }
  return { hours, days };
}

async function stored(deviceIds: readonly number[]): Promise<{ hours: Buckets; days: Buckets }> {
  const read = async (table: string, bucket: string) => {
    const { results } = await env.DB.prepare(
      `SELECT device_id, quantity_id, ${bucket} AS bucket, count, sum, min, max, energy FROM ${table}
       WHERE device_id IN (SELECT value FROM json_each(?1))`,
    )
      .bind(JSON.stringify(deviceIds))
      .all<Bucket & { device_id: number; quantity_id: number; bucket: number | string }>();
    return new Map(results.map(({ device_id, quantity_id, bucket, ...b }) => [`${device_id}/${quantity_id}/${bucket}`, b]));
  };
  return { hours: await read("rollup_hour", "hour"), days: await read("rollup_day", "day") };
}

async function storedHourlyMeanDays(deviceIds: readonly number[]): Promise<HourlyMeanDays> {
  const { results } = await env.DB.prepare(
    `SELECT device_id, quantity_id, day, hours, mean_sum, mean_min, mean_max, hours_0006, energy_0006, hours_0618, energy_0618,
            hours_1822, energy_1822, hours_2224, energy_2224
     FROM rollup_day_hourly WHERE device_id IN (SELECT value FROM json_each(?1))`,
  )
    .bind(JSON.stringify(deviceIds))
    .all<Record<string, number | null> & { day: string }>();
  return new Map(
    results.map((r) => [
      `${r.device_id}/${r.quantity_id}/${r.day}`,
      {
        hours: r.hours!,
        mean_sum: r.mean_sum!,
        mean_min: r.mean_min!,
        mean_max: r.mean_max!,
        bands: (["0006", "0618", "1822", "2224"] as const).map((b) => [r[`hours_${b}`]!, r[`energy_${b}`] ?? null]),
      },
    ]),
  );
}

function expectSameHourlyMeanDays(actual: HourlyMeanDays, expected: HourlyMeanDays) {
  expect([...actual.keys()].sort(), "daily statistics of hourly means").toEqual([...expected.keys()].sort());
  const close = (a: number | null, e: number | null, what: string) => {
    if (e === null) return expect(a, what).toBeNull();
    expect(Math.abs(a! - e) / Math.max(1, Math.abs(e)), what).toBeLessThan(1e-9);
  };
  for (const [key, e] of expected) {
    const a = actual.get(key)!;
    expect(a.hours, `${key} hours`).toBe(e.hours);
    for (const k of ["mean_sum", "mean_min", "mean_max"] as const) close(a[k], e[k], `${key} ${k}`);
    e.bands.forEach(([hours, energy], i) => {
      expect(a.bands[i]![0], `${key} band ${i} hours`).toBe(hours);
      close(a.bands[i]![1], energy, `${key} band ${i} energy`);
    });
  }
}

function expectSame(actual: Buckets, expected: Buckets, what: string) {
  expect([...actual.keys()].sort(), `${what} buckets`).toEqual([...expected.keys()].sort());
  for (const [key, e] of expected) {
    const a = actual.get(key)!;
    expect({ count: a.count, sum: a.sum, min: a.min, max: a.max }, `${what} ${key}`).toEqual({ count: e.count, sum: e.sum, min: e.min, max: e.max });
    if (e.energy === null) expect(a.energy, `${what} ${key} energy`).toBeNull();
    else expect(Math.abs(a.energy! - e.energy) / e.energy, `${what} ${key} energy`).toBeLessThan(1e-9);
  }
}

/** The maintained rollups of the devices equal those recomputed from their readings; returns the recomputed ones. */
export async function expectRollupsMatchReadings(deviceIds: readonly number[]): Promise<{ hours: Buckets; days: Buckets }> {
  const [want, got] = [await recompute(deviceIds), await stored(deviceIds)];
  expect(want.hours.size, "readings to compare with").toBeGreaterThan(0);
  expectSame(got.hours, want.hours, "hour");
  expectSame(got.days, want.days, "day");
  const { results } = await env.DB.prepare("SELECT id, unit FROM quantities").all<{ id: number; unit: string }>();
  expectSameHourlyMeanDays(await storedHourlyMeanDays(deviceIds), hourlyMeanDays(want.hours, new Map(results.map((q) => [q.id, q.unit]))));
  await expectTrendsMatchReadings(deviceIds);
  await expectStreamStateMatchesReadings(deviceIds);
  return want;
}

/**
 * stream_state (migration 0009) as it should be: per device × quantity with readings, their
 * count, the first and last time and the value at the last, from the raw readings.
 */
export async function expectStreamStateMatchesReadings(deviceIds: readonly number[]): Promise<number> {
  const { results } = await env.DB.prepare("SELECT device_id, quantity_id, time, value FROM readings WHERE device_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(deviceIds))
    .all<{ device_id: number; quantity_id: number; time: number; value: number }>();
  const want = new Map<string, { count: number; first_time: number; last_time: number; last_value: number }>();
  for (const r of results) {
    const key = `${r.device_id}/${r.quantity_id}`;
    const s = want.get(key);
    if (!s) want.set(key, { count: 1, first_time: r.time, last_time: r.time, last_value: r.value });
    else {
      s.count++;
      s.first_time = Math.min(s.first_time, r.time);
      if (r.time > s.last_time) [s.last_time, s.last_value] = [r.time, r.value];
    }
  }
  const stored = await env.DB.prepare("SELECT device_id, quantity_id, count, first_time, last_time, last_value FROM stream_state WHERE device_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(deviceIds))
    .all<{ device_id: number; quantity_id: number; count: number; first_time: number; last_time: number; last_value: number }>();
  const got = new Map(stored.results.map(({ device_id, quantity_id, ...s }) => [`${device_id}/${quantity_id}`, s]));
  expect([...got.keys()].sort(), "stream_state rows").toEqual([...want.keys()].sort());
  for (const [key, w] of want) expect(got.get(key), `stream_state ${key}`).toEqual(w);
  return want.size;
}

/**
 * trend_day (migration 0008) as it should be: per device × battery quantity row × UTC day, count,
 * Σv, Στ, Στ², Στv with τ = time % 32 days, recomputed from the raw readings.
 */
export async function expectTrendsMatchReadings(deviceIds: readonly number[]): Promise<number> {
  const BLOCK = 32 * 86_400_000;
  const { results } = await env.DB.prepare(
    `SELECT r.device_id, r.quantity_id, r.time, r.value FROM readings r JOIN quantities q ON q.id = r.quantity_id
     WHERE q.key = 'battery' AND r.device_id IN (SELECT value FROM json_each(?1))`,
  )
    .bind(JSON.stringify(deviceIds))
    .all<{ device_id: number; quantity_id: number; time: number; value: number }>();
  const want = new Map<string, { count: number; sum: number; t_sum: number; t2_sum: number; tv_sum: number }>();
  for (const r of results) {
    const key = `${r.device_id}/${r.quantity_id}/${r.time - (r.time % 86_400_000)}`;
    const t = r.time % BLOCK;
    const b = want.get(key) ?? { count: 0, sum: 0, t_sum: 0, t2_sum: 0, tv_sum: 0 };
    b.count++;
    b.sum += r.value;
    b.t_sum += t;
    b.t2_sum += t * t;
    b.tv_sum += t * r.value;
    want.set(key, b);
  }
  const stored = await env.DB.prepare(
    "SELECT device_id, quantity_id, day, count, sum, t_sum, t2_sum, tv_sum FROM trend_day WHERE device_id IN (SELECT value FROM json_each(?1))",
  )
    .bind(JSON.stringify(deviceIds))
    .all<{ device_id: number; quantity_id: number; day: number; count: number; sum: number; t_sum: number; t2_sum: number; tv_sum: number }>();
  const got = new Map(stored.results.map(({ device_id, quantity_id, day, ...b }) => [`${device_id}/${quantity_id}/${day}`, b]));
  expect([...got.keys()].sort(), "trend_day rows").toEqual([...want.keys()].sort());
  for (const [key, w] of want) {
    const g = got.get(key)!;
    expect({ count: g.count, sum: g.sum, t_sum: g.t_sum }, `trend_day ${key}`).toEqual({ count: w.count, sum: w.sum, t_sum: w.t_sum });
    // Στ² passes 2^53: both sides round, in different orders.
    for (const k of ["t2_sum", "tv_sum"] as const) expect(Math.abs(g[k] - w[k]), `trend_day ${key} ${k}`).toBeLessThanOrEqual(1e-12 * Math.abs(w[k]));
  }
  return want.size;
}
