import { d1 } from "./db.ts";

/**
 * Reads of the rollup tables (migration 0006): hourly and daily aggregates of a set of devices ×
 * quantities over a time range, in real units. The tables hold count, sum, min and max in the
 * stored units of readings.value (× 10^quantities.decimals) and energy = Σ 10^(L/10) over the real
 * dB values L (null for a quantity that is not in dB); these functions divide by the scale, so
 * callers (series routes, indicators) never see stored units.
 *
 * Nothing writes these tables but the triggers on readings (migration 0006), in the transaction of
 * the readings write, and the rebuild below (backfill). A writer of readings has nothing to do for
 * them — except never to use INSERT OR REPLACE on readings (no trigger sees the replaced row).
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
 * quantity row is one range seek on the table's primary key. A key whose definition changed has
 * several quantity rows (migration 0003): each is scaled with its own decimals, then the rows of
 * one key are merged per bucket.
 */
const rollupSql = (table: "rollup_hour" | "rollup_day", bucket: "hour" | "day") => `
  SELECT r.device_id AS deviceId, q.key AS quantity, r.${bucket} AS bucket, sum(r.count) AS count,
         sum(r.sum / q.scale) AS sum, min(r.min / q.scale) AS min, max(r.max / q.scale) AS max, sum(r.energy) AS energy
  FROM json_each(?1) AS d
  CROSS JOIN (SELECT id, key, pow(10.0, decimals) AS scale FROM quantities WHERE key IN (SELECT value FROM json_each(?2))) AS q
  CROSS JOIN ${table} AS r
  WHERE r.device_id = d.value AND r.quantity_id = q.id AND r.${bucket} >= ?3 AND r.${bucket} ${bucket === "hour" ? "<" : "<="} ?4
  GROUP BY r.device_id, q.key, r.${bucket}
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

/** SQL of a time's Europe/Paris local day, from the paris_offsets table (migration 0006). */
const parisDaySql = (t: string) => `date((${t} + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= ${t} ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch')`;

/**
 * Statements that rebuild one device's rollups from its readings, for one transaction: its rows
 * are deleted, its hours recomputed from readings (grouped in key order: no sort), its days from
 * its hours, and its battery trend sums (trend_day) from readings. The same figures the triggers
 * keep, computed at once (the backfill and its checks).
 */
export function prepareRebuildDeviceRollups(db: D1Database, deviceId: number): D1PreparedStatement[] {
  return [
    db.prepare("DELETE FROM rollup_hour WHERE device_id = ?1").bind(deviceId),
    db.prepare("DELETE FROM rollup_day WHERE device_id = ?1").bind(deviceId),
    db.prepare(REBUILD_HOURS_SQL).bind(deviceId),
    db.prepare(REBUILD_DAYS_SQL).bind(deviceId),
    db.prepare("DELETE FROM trend_day WHERE device_id = ?1").bind(deviceId),
    db.prepare(REBUILD_TRENDS_SQL).bind(deviceId),
  ];
}

/** trend_day of one device from its battery readings (migration 0008: τ = time % 32 days). */
export const REBUILD_TRENDS_SQL = `
  INSERT INTO trend_day (device_id, quantity_id, day, count, sum, t_sum, t2_sum, tv_sum)
  SELECT r.device_id, r.quantity_id, r.time - r.time % 86400000 AS day, count(*), total(r.value),
         total(r.time % 2764800000), total((r.time % 2764800000) * (r.time % 2764800000)), total((r.time % 2764800000) * r.value)
  FROM quantities q CROSS JOIN readings r
  WHERE q.key = 'battery' AND r.device_id = ?1 AND r.quantity_id = q.id
  GROUP BY r.device_id, r.quantity_id, day`;

export const REBUILD_HOURS_SQL = `
  INSERT INTO rollup_hour (device_id, quantity_id, hour, count, sum, min, max, energy)
  SELECT r.device_id, r.quantity_id, r.time - r.time % 3600000 AS hour, count(*), sum(r.value), min(r.value), max(r.value),
         CASE WHEN q.unit = 'dB' THEN sum(pow(10.0, r.value / pow(10.0, q.decimals) / 10.0)) END
  FROM readings r JOIN quantities q ON q.id = r.quantity_id
  WHERE r.device_id = ?1
  GROUP BY r.device_id, r.quantity_id, hour`;

export const REBUILD_DAYS_SQL = `
  INSERT INTO rollup_day (device_id, quantity_id, day, count, sum, min, max, energy)
  SELECT device_id, quantity_id, ${parisDaySql("hour")} AS day, sum(count), sum(sum), min(min), max(max), sum(energy)
  FROM rollup_hour WHERE device_id = ?1
  GROUP BY device_id, quantity_id, day`;

/** Ids of the devices that have readings or rollups: what a backfill goes through, in id order. */
export async function listDevicesWithData(db: D1Database): Promise<number[]> {
  // Skip-scan of the primary keys: one seek per device, not a read of every row.
  const { results } = await d1(() =>
    db
      .prepare(
        `WITH RECURSIVE ids (id) AS (
           SELECT min(device_id) FROM readings
           UNION ALL SELECT (SELECT min(device_id) FROM readings WHERE device_id > ids.id) FROM ids WHERE ids.id IS NOT NULL)
         SELECT id FROM ids WHERE id IS NOT NULL
         UNION SELECT DISTINCT device_id FROM rollup_day ORDER BY 1`,
      )
      .all<{ id: number }>(),
  );
  return results.map((r) => r.id);
}

/** Per device × quantity × local day: statistics of the day's hourly means (ATMO, noise periods). */
export interface HourMeanStats {
  deviceId: number;
  quantity: string;
  /** The local date the hours are counted to (see `dayStartHour`). */
  day: string;
  /** Hours with data. */
  hours: number;
  /** Smallest, largest and sum of the hourly means (real units). */
  meanMin: number;
  meanMax: number;
  meanSum: number;
  /** Σ over the hours of energy / count = Σ 10^(LAeq_h/10) for a dB quantity (energetic means of periods), else null. */
  energyMeanSum: number | null;
}

export interface HourMeanStatsQuery {
  deviceIds: readonly number[];
  quantity: string | readonly string[];
  /** Local days, both included. */
  from: string;
  to: string;
  /** Local hour at which a day starts (noise days run 06:00 → 06:00); default 0. */
  dayStartHour?: number;
  /** Only hours whose local start hour h is in [fromHour, toHour), or, when fromHour > toHour, past midnight (22 → 6). */
  window?: { fromHour: number; toHour: number };
}

/**
 * Daily statistics of hourly means, computed in SQL from rollup_hour, for indicators over long
 * ranges (a year of ATMO for a commune is 365 rows per station and pollutant instead of 8,760).
 * The UTC → Europe/Paris offset comes from paris_offsets joined by interval: each offset period
 * in the range is one range seek per device × quantity, not a lookup per hour.
 *
 * @example
 * // ATMO: NO2 daily maximum hourly mean and hours with data, per station
 * await listHourMeanStats(db, { deviceIds: stations, quantity: "air.no2", from: "2026-01-01", to: "2026-12-31" });
 * // Noise: Σ 10^(LAeq_h/10) over 22:00–06:00, counted to the day the night starts
 * await listHourMeanStats(db, { deviceIds: [id], quantity: "sound.laeq", from, to, dayStartHour: 6, window: { fromHour: 22, toHour: 6 } });
 */
export async function listHourMeanStats(db: D1Database, q: HourMeanStatsQuery): Promise<HourMeanStats[]> {
  if (q.deviceIds.length === 0) return [];
  const shift = (q.dayStartHour ?? 0) * 3_600_000;
  // A margin of a day each side: the days themselves are selected by their computed date.
  const fromMs = Date.parse(`${q.from}T00:00:00Z`) - 86_400_000 + shift;
  const toMs = Date.parse(`${q.to}T00:00:00Z`) + 2 * 86_400_000 + shift;
  const w = q.window ?? { fromHour: 0, toHour: 24 };
  const localHour = "(((r.hour + o.offset_ms) / 3600000) % 24)";
  const windowSql = w.fromHour <= w.toHour ? `AND ${localHour} >= ?7 AND ${localHour} < ?8` : `AND (${localHour} >= ?7 OR ${localHour} < ?8)`;
  const sql = `
    SELECT r.device_id AS deviceId, q.key AS quantity, date((r.hour + o.offset_ms - ?6) / 1000, 'unixepoch') AS day,
           count(*) AS hours, min(r.sum / r.count / q.scale) AS meanMin, max(r.sum / r.count / q.scale) AS meanMax,
           sum(r.sum / r.count / q.scale) AS meanSum, sum(r.energy / r.count) AS energyMeanSum
    FROM (SELECT from_ms, coalesce(lead(from_ms) OVER (ORDER BY from_ms), 9000000000000000) AS to_ms, offset_ms FROM paris_offsets) AS o
    CROSS JOIN json_each(?1) AS d
    CROSS JOIN (SELECT id, key, pow(10.0, decimals) AS scale FROM quantities WHERE key IN (SELECT value FROM json_each(?2))) AS q
    CROSS JOIN rollup_hour AS r
    WHERE o.to_ms > ?4 AND o.from_ms < ?5
      AND r.device_id = d.value AND r.quantity_id = q.id AND r.hour >= max(o.from_ms, ?4) AND r.hour < min(o.to_ms, ?5)
      ${windowSql}
      AND date((r.hour + o.offset_ms - ?6) / 1000, 'unixepoch') BETWEEN ?3 AND ?9
    GROUP BY r.device_id, q.key, day
    ORDER BY r.device_id, q.key, day`;
  const { results } = await d1(() =>
    db
      .prepare(sql)
      .bind(JSON.stringify(q.deviceIds), keys(q.quantity), q.from, fromMs, toMs, shift, w.fromHour, w.toHour, q.to)
      .all<HourMeanStats>(),
  );
  return results;
}
