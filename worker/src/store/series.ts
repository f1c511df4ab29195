import { HOUR_MS } from "../indicators/paris-time.ts";
import { d1 } from "./db.ts";

/**
 * Time series of a numeric quantity read from raw readings, in real units (stored values ÷
 * 10^decimals of the quantity row each was stored under). Rollups (store/rollups.ts) answer the
 * hourly and daily series; these are the raw points, and the same buckets from raw readings: the
 * reference the rollups must agree with, and the baseline benchmarks compare them to.
 */

export interface RawPoint {
  time: number;
  value: number;
}

/** A device's readings of `key` in [from, to), oldest first, at most `limit`. */
export async function listRawPoints(db: D1Database, deviceId: number, key: string, from: number, to: number, limit: number): Promise<RawPoint[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.time, r.value / pow(10.0, q.decimals) AS value
         FROM quantities AS q CROSS JOIN readings AS r
         WHERE q.key = ?2 AND q.encoding = 'number' AND r.device_id = ?1 AND r.quantity_id = q.id AND r.time >= ?3 AND r.time < ?4
         ORDER BY r.time LIMIT ?5`,
      )
      .bind(deviceId, key, from, to, limit)
      .all<RawPoint>(),
  );
  return results;
}

/** Aggregate of one device's readings in one UTC hour, real units. */
export interface HourAggregate {
  deviceId: number;
  hour: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Hourly aggregates of `key` per device, for readings in [from, to), computed from raw readings. */
export async function aggregateRawHours(db: D1Database, deviceIds: readonly number[], key: string, from: number, to: number): Promise<HourAggregate[]> {
  if (deviceIds.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS deviceId, (r.time / ${HOUR_MS}) * ${HOUR_MS} AS hour, count(*) AS count, sum(r.value / pow(10.0, q.decimals)) AS sum,
           min(r.value / pow(10.0, q.decimals)) AS min, max(r.value / pow(10.0, q.decimals)) AS max
         FROM json_each(?1) AS d CROSS JOIN quantities AS q CROSS JOIN readings AS r
         WHERE q.key = ?2 AND q.encoding = 'number' AND r.device_id = d.value AND r.quantity_id = q.id AND r.time >= ?3 AND r.time < ?4
         GROUP BY r.device_id, hour ORDER BY hour`,
      )
      .bind(JSON.stringify(deviceIds), key, from, to)
      .all<HourAggregate>(),
  );
  return results;
}
