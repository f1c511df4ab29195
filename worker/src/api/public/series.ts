import { z } from "@hono/zod-openapi";
import { quantityIndex } from "../../ingest/decode/readings.ts";
import { addDays, DAY_MS, HOUR_MS, localDate, startOfLocalDay } from "../../indicators/paris-time.ts";
import { iso } from "../../store/db.ts";
import type { QuantityRecord } from "../../store/quantities.ts";
import { listDayRollups, listHourRollups } from "../../store/rollups.ts";
import { aggregateRawHours, listRawPoints } from "../../store/series.ts";
import { RequestError } from "../errors.ts";
import { isoTime } from "../validate.ts";
import { BUCKETS, type Bucket } from "./answers.ts";

/**
 * Series of one numeric quantity: the window (ISO 8601 from/to, defaults and limits per bucket),
 * and min, max, mean and count per bucket — a reading (raw), a UTC hour (hour) or a Europe/Paris
 * local day of 23 to 25 hours (day). Hours and days come from the rollups, kept at ingest.
 */

/** Default span when `from` is not given, and the longest span allowed, per bucket. */
export const SPANS: Record<Bucket, { default: number; max: number }> = {
  raw: { default: DAY_MS, max: 31 * DAY_MS },
  hour: { default: 7 * DAY_MS, max: 366 * DAY_MS },
  day: { default: 90 * DAY_MS, max: 10 * 366 * DAY_MS },
};
/** Most raw readings one answer holds: beyond, ask for a shorter range or a bucket. */
export const MAX_RAW_POINTS = 10_000;

const when = (what: string) =>
  isoTime.optional().openapi({ type: "string", description: `${what} (ISO 8601 date or date-time; a bare date is midnight UTC)`, example: "2026-03-14T00:00:00Z" });

export const seriesQuery = z.object({
  quantity: z.string().min(1, { error: "name a quantity (air.no2, sound.laeq…)" }).openapi({ description: "Normalized quantity key", example: "air.no2" }),
  from: when("Start, included (default: `to` minus 1 day for raw, 7 days for hour, 90 days for day)"),
  to: when("End, excluded (default: now)"),
  bucket: z.enum(BUCKETS).default("hour").openapi({ description: "raw: each reading; hour: UTC hours; day: Europe/Paris local days" }),
});

export interface Window {
  from: number;
  to: number;
}

export function seriesWindow(q: { from?: number | undefined; to?: number | undefined; bucket: Bucket }, now: number): Window {
  const to = q.to ?? now;
  const from = q.from ?? to - SPANS[q.bucket].default;
  if (from >= to) throw new RequestError("INVALID_REQUEST", `from (${iso(from)}) must be before to (${iso(to)})`);
  if (to - from > SPANS[q.bucket].max) {
    throw new RequestError("INVALID_REQUEST", `from..to spans more than ${SPANS[q.bucket].max / DAY_MS} days for bucket=${q.bucket}: narrow it or use a larger bucket`);
  }
  return { from, to };
}

/** The current definition of a numeric quantity: 400 for a key no profile declares, or one that is not a number. */
export async function numericQuantity(db: D1Database, key: string): Promise<QuantityRecord> {
  const quantity = (await quantityIndex(db)).get(key);
  if (!quantity) throw new RequestError("UNKNOWN_QUANTITY", `unknown quantity ${JSON.stringify(key)}: see the profiles' quantities (air.no2, sound.laeq, level.fill…)`);
  if (quantity.encoding !== "number") throw new RequestError("NOT_NUMERIC", `${key} is a ${quantity.encoding}, not a number: it has no series (read its latest value)`);
  return quantity;
}

export interface Point {
  time: string;
  date?: string;
  count: number;
  min: number;
  max: number;
  mean: number;
  devices: number;
}

/** One point per reading of one device. */
export async function rawSeries(db: D1Database, deviceId: number, key: string, w: Window): Promise<Point[]> {
  const points = await listRawPoints(db, deviceId, key, w.from, w.to, MAX_RAW_POINTS + 1);
  if (points.length > MAX_RAW_POINTS) {
    throw new RequestError("TOO_MANY_POINTS", `more than ${MAX_RAW_POINTS} readings in from..to: narrow the range or use bucket=hour`);
  }
  return points.map((p) => ({ time: iso(p.time)!, count: 1, min: p.value, max: p.value, mean: p.value, devices: 1 }));
}

/** A bucket of one device: its start, and for a day its local date. */
interface DeviceBucket {
  deviceId: number;
  start: number;
  date?: string;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Buckets of several devices merged per start: counts and sums add, min and max of all, devices counted. */
function mergeBuckets(buckets: readonly DeviceBucket[]): { points: Point[]; devices: number } {
  const merged = new Map<number, { date?: string; count: number; sum: number; min: number; max: number; devices: Set<number> }>();
  for (const b of buckets) {
    const m = merged.get(b.start);
    if (!m) merged.set(b.start, { ...(b.date ? { date: b.date } : {}), count: b.count, sum: b.sum, min: b.min, max: b.max, devices: new Set([b.deviceId]) });
    else {
      m.count += b.count;
      m.sum += b.sum;
      m.min = Math.min(m.min, b.min);
      m.max = Math.max(m.max, b.max);
      m.devices.add(b.deviceId);
    }
  }
  const points = [...merged]
    .sort(([a], [b]) => a - b)
    .map(([start, m]) => ({ time: iso(start)!, ...(m.date ? { date: m.date } : {}), count: m.count, min: m.min, max: m.max, mean: m.sum / m.count, devices: m.devices.size }));
  return { points, devices: new Set(buckets.map((b) => b.deviceId)).size };
}

/**
 * Hourly or daily points over some devices (one device, or a commune's), read from the rollups
 * (store/rollups.ts): hours starting in [from, to); local days from the local date of `from` to
 * that of the last instant before `to`. `devices`: how many of them have readings in the range.
 */
export async function bucketSeries(db: D1Database, deviceIds: readonly number[], key: string, bucket: "hour" | "day", w: Window): Promise<{ points: Point[]; devices: number }> {
  if (bucket === "hour") {
    const hours = await listHourRollups(db, { deviceIds, quantity: key, from: Math.floor(w.from / HOUR_MS) * HOUR_MS, to: w.to });
    return mergeBuckets(hours.map((h) => ({ ...h, start: h.hour })));
  }
  const days = await listDayRollups(db, { deviceIds, quantity: key, from: localDate(w.from), to: localDate(w.to - 1) });
  return mergeBuckets(days.map((d) => ({ ...d, start: startOfLocalDay(d.day), date: d.day })));
}

/** The same points computed from raw readings: the reference the rollups must agree with (tests, benchmarks). */
export async function bucketSeriesFromReadings(db: D1Database, deviceIds: readonly number[], key: string, bucket: "hour" | "day", w: Window): Promise<{ points: Point[]; devices: number }> {
  if (bucket === "hour") {
    const hours = await aggregateRawHours(db, deviceIds, key, Math.floor(w.from / HOUR_MS) * HOUR_MS, Math.ceil(w.to / HOUR_MS) * HOUR_MS);
    return mergeBuckets(hours.map((h) => ({ ...h, start: h.hour })));
  }
  const first = localDate(w.from);
  const last = localDate(w.to - 1);
  const hours = await aggregateRawHours(db, deviceIds, key, startOfLocalDay(first), startOfLocalDay(addDays(last, 1)));
  // Hours fold into local days exactly: Paris offsets are whole hours.
  const days = new Map<string, DeviceBucket>();
  for (const h of hours) {
    const date = localDate(h.hour);
    const id = `${h.deviceId} ${date}`;
    const d = days.get(id);
    if (!d) days.set(id, { deviceId: h.deviceId, start: startOfLocalDay(date), date, count: h.count, sum: h.sum, min: h.min, max: h.max });
    else {
      d.count += h.count;
      d.sum += h.sum;
      d.min = Math.min(d.min, h.min);
      d.max = Math.max(d.max, h.max);
    }
  }
  return mergeBuckets([...days.values()]);
}
