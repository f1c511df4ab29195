import { d1 } from "./db.ts";

/**
 * Reads of the rollup tables (migration 0006): hourly and daily aggregates of a set of devices ×
 * quantities over a time range, in real units. The tables hold count, sum, min and max in the
 * stored units of readings.value (× 10^quantities.decimals) and energy = Σ 10^(L/10) over the real
 * dB values L (null for a quantity that is not in dB); these functions divide by the scale, so
 * callers (series routes, indicators) never see stored units.
 *
 * Pass the database of the devices' territory (store/shard.ts territoryDb). Devices are ids, as
 * in readings: checking that the caller may see them is the caller's business (auth/read-access.ts).
 */

/** The aggregate of one bucket of one device and quantity, in the quantity's real unit. */
export interface RollupValues {
  deviceId: number;
  /** Normalized quantity key ("air.no2"). */
  quantity: string;
  /** Readings in the bucket (≥ 1: empty buckets have no row). */
  count: number;
  sum: number;
  min: number;
  max: number;
  /** sum / count. */
  mean: number;
  /**
   * Σ 10^(L/10) over the bucket's readings for a quantity in dB (sound levels), else null: the
   * energetic mean of the bucket is 10·log10(energy / count), and energies of buckets add up.
   */
  energy: number | null;
}

/** One UTC hour [hour, hour + 1 h) — hence also one Europe/Paris local hour. */
export interface HourRollup extends RollupValues {
  /** Epoch ms of the start of the hour. */
  hour: number;
}

/** One Europe/Paris local day (23 or 25 hours at the DST changes). */
export interface DayRollup extends RollupValues {
  /** Local date, "YYYY-MM-DD". */
  day: string;
}

export interface HourRollupQuery {
  deviceIds: readonly number[];
  /** One quantity key or several. Unknown keys give no rows. */
  quantity: string | readonly string[];
  /** Hours starting in [from, to), epoch ms. */
  from: number;
  to: number;
}

export interface DayRollupQuery {
  deviceIds: readonly number[];
  quantity: string | readonly string[];
  /** Local days from and to, both included, "YYYY-MM-DD". */
  from: string;
  to: string;
}

interface Row {
  deviceId: number;
  quantity: string;
  bucket: number | string;
  count: number;
  sum: number;
  min: number;
  max: number;
  energy: number | null;
}

/**
 * The devices and quantities drive the join (CROSS JOIN keeps that order), so each device ×
 * quantity is one range seek on the table's primary key.
 */
const rollupSql = (table: "rollup_hour" | "rollup_day", bucket: "hour" | "day") => `
  SELECT r.device_id AS deviceId, q.key AS quantity, r.${bucket} AS bucket, r.count AS count,
         r.sum / q.scale AS sum, r.min / q.scale AS min, r.max / q.scale AS max, r.energy AS energy
  FROM json_each(?1) AS d
  CROSS JOIN (SELECT id, key, pow(10.0, decimals) AS scale FROM quantities WHERE key IN (SELECT value FROM json_each(?2))) AS q
  CROSS JOIN ${table} AS r
  WHERE r.device_id = d.value AND r.quantity_id = q.id AND r.${bucket} >= ?3 AND r.${bucket} ${bucket === "hour" ? "<" : "<="} ?4
  ORDER BY r.device_id, q.key, r.${bucket}`;

const keys = (quantity: string | readonly string[]) => JSON.stringify(typeof quantity === "string" ? [quantity] : quantity);

const values = (r: Row): RollupValues => ({
  deviceId: r.deviceId,
  quantity: r.quantity,
  count: r.count,
  sum: r.sum,
  min: r.min,
  max: r.max,
  mean: r.sum / r.count,
  energy: r.energy,
});

/**
 * Hourly rollups of the devices × quantities for the hours starting in [from, to), ordered by
 * device, quantity, hour.
 *
 * @example
 * const hours = await listHourRollups(territoryDb(env, "amp"), { deviceIds: [12], quantity: "air.no2", from: Date.parse("2026-07-01T00:00Z"), to: Date.parse("2026-07-02T00:00Z") });
 * // [{ deviceId: 12, quantity: "air.no2", hour: Date.parse("2026-07-01T00:00Z"), count: 4, sum: 142, min: 31, max: 40, mean: 35.5, energy: null }, …]
 */
export async function listHourRollups(db: D1Database, q: HourRollupQuery): Promise<HourRollup[]> {
  if (q.deviceIds.length === 0) return [];
  const { results } = await d1(() =>
    db.prepare(rollupSql("rollup_hour", "hour")).bind(JSON.stringify(q.deviceIds), keys(q.quantity), q.from, q.to).all<Row>(),
  );
  return results.map((r) => ({ ...values(r), hour: r.bucket as number }));
}

/**
 * Daily rollups (Europe/Paris local days) of the devices × quantities from day `from` to day `to`,
 * both included, ordered by device, quantity, day.
 *
 * @example
 * const days = await listDayRollups(db, { deviceIds: [7], quantity: "sound.laeq", from: "2026-03-29", to: "2026-03-29" });
 * // [{ deviceId: 7, quantity: "sound.laeq", day: "2026-03-29", count: 92, …, energy: 1.3e6 }]  (a 23-hour day)
 */
export async function listDayRollups(db: D1Database, q: DayRollupQuery): Promise<DayRollup[]> {
  if (q.deviceIds.length === 0) return [];
  const { results } = await d1(() =>
    db.prepare(rollupSql("rollup_day", "day")).bind(JSON.stringify(q.deviceIds), keys(q.quantity), q.from, q.to).all<Row>(),
  );
  return results.map((r) => ({ ...values(r), day: r.bucket as string }));
}
