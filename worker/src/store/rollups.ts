import { dayNumber, nextDay, previousDay } from "../rollups/paris-day.ts";
import { d1 } from "./db.ts";

/**
 * Reads of the rollup tables (migration 0006): hourly and daily aggregates of a set of devices ×
 * quantities over a time range, in real units. The tables hold count, sum, min and max in the
 * stored units of readings.value (× 10^quantities.decimals) and energy = Σ 10^(L/10) over the real
 * dB values L (null for a quantity that is not in dB); these functions divide by the scale, so
 * callers (series routes, indicators) never see stored units.
 *
 * Nothing writes these tables but the triggers on readings (migration 0006) — and, for the daily
 * statistics of hourly means (rollup_day_hourly), the triggers on rollup_hour (migration 0007) —
 * in the transaction of the readings write, and the rebuild below (backfill). A writer of readings has nothing to do for
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
 * its hours, its battery trend sums (trend_day) and its Datastream state (stream_state) from readings. The same figures the triggers
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
    db.prepare("DELETE FROM stream_state WHERE device_id = ?1").bind(deviceId),
    db.prepare(REBUILD_STREAMS_SQL).bind(deviceId),
  ];
}

/** stream_state of one device from its readings (migration 0009): count, bounds, last value. */
export const REBUILD_STREAMS_SQL = `
  INSERT INTO stream_state (device_id, quantity_id, count, first_time, last_time, last_value)
  SELECT g.device_id, g.quantity_id, g.n, g.first_time, g.last_time,
         (SELECT value FROM readings WHERE device_id = g.device_id AND quantity_id = g.quantity_id AND time = g.last_time)
  FROM (SELECT device_id, quantity_id, count(*) AS n, min(time) AS first_time, max(time) AS last_time FROM readings WHERE device_id = ?1 GROUP BY device_id, quantity_id) g`;

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

/** A statistic of a day's hourly means: the largest hourly mean or the mean of the hourly means. */
export type HourlyMeanStatistic = "max" | "mean";

/** One local day of listHighestDailyStatistics: per quantity key, the highest statistic over the devices, or null. */
export interface HighestDailyStatistics {
  /** Local date, "YYYY-MM-DD". */
  day: string;
  values: Record<string, number | null>;
}

/**
 * For local days from..to (both included) and each quantity key, the highest over the devices of
 * a statistic of the day's hourly means (real units) — counting only the devices with at least
 * `minHours` hours of that key that day — and how many of the devices have any day of these keys.
 * What a commune's ATMO needs: its sub-index is the highest of its stations', and a class is a
 * non-decreasing function of the concentration, so the class of the highest concentration is the
 * highest class. Read from rollup_day_hourly (migration 0007) and pivoted in SQL to one row per day
 * (a year of a commune is 365 rows, not 365 per station and key: each row and value returned costs
 * more than the seeks that make it). Only concentrations (ug/m3) and sound levels (dB) are
 * summarised (the migration says why). A key whose definition changed during a day (migration
 * 0003) counts each definition's part of the day as a device of its own.
 *
 * @example
 * await listHighestDailyStatistics(db, { deviceIds: stations, statistics: { "air.no2": "max", "air.pm10": "mean" }, from: "2026-07-01", to: "2026-07-01", minHours: 18 });
 * // { devices: 3, days: [{ day: "2026-07-01", values: { "air.no2": 61.5, "air.pm10": null } }] }
 */
export async function listHighestDailyStatistics(
  db: D1Database,
  q: { deviceIds: readonly number[]; statistics: Readonly<Record<string, HourlyMeanStatistic>>; from: string; to: string; minHours: number },
): Promise<{ devices: number; days: HighestDailyStatistics[] }> {
  const keys = Object.keys(q.statistics);
  if (q.deviceIds.length === 0 || keys.length === 0) return { devices: 0, days: [] };
  // ?1 devices, ?2 keys (JSON), ?3 from, ?4 to, ?5 minHours; q.pos is the key's index in keys.
  const quantities = "(SELECT quantities.id AS id, k.key AS pos, pow(10.0, decimals) AS scale FROM json_each(?2) AS k JOIN quantities ON quantities.key = k.value) AS q";
  const columns = keys.map((key, i) => {
    const statistic = q.statistics[key] === "max" ? "r.mean_max / q.scale" : "r.mean_sum / q.scale / r.hours";
    return `max(CASE WHEN q.pos = ${i} AND r.hours >= ?5 THEN ${statistic} END) AS v${i}`;
  });
  const params = [JSON.stringify(q.deviceIds), JSON.stringify(keys), q.from, q.to, q.minHours];
  const [devices, days] = await d1(() =>
    db.batch<Record<string, number | string | null>>([
      // A device counts when one seek finds it a day of one of the keys.
      db
        .prepare(
          `SELECT count(*) AS n FROM json_each(?1) AS d
           WHERE EXISTS (SELECT 1 FROM ${quantities} CROSS JOIN rollup_day_hourly AS r
                         WHERE r.device_id = d.value AND r.quantity_id = q.id AND r.day >= ?3 AND r.day <= ?4)`,
        )
        .bind(...params.slice(0, 4)),
      db
        .prepare(
          `SELECT r.day AS day, ${columns.join(", ")}
           FROM json_each(?1) AS d CROSS JOIN ${quantities} CROSS JOIN rollup_day_hourly AS r
           WHERE r.device_id = d.value AND r.quantity_id = q.id AND r.day >= ?3 AND r.day <= ?4
           GROUP BY r.day ORDER BY r.day`,
        )
        .bind(...params),
    ]),
  );
  return {
    devices: Number(devices?.results[0]?.n ?? 0),
    days: (days?.results ?? []).map((r) => ({
      day: String(r.day),
      values: Object.fromEntries(keys.map((key, i) => [key, r[`v${i}`] === null ? null : Number(r[`v${i}`])])),
    })),
  };
}

/** One device × noise day × period: hours with data and the mean over them of 10^(LAeq_h/10). */
export interface NoisePeriodEnergy {
  deviceId: number;
  /** The noise day D, which runs from 06:00 on D to 06:00 on D+1 (local). */
  day: string;
  period: "day" | "evening" | "night";
  hours: number;
  /** The period's energetic mean is 10·log10(meanEnergy). */
  meanEnergy: number;
}

interface BandRow {
  deviceId: number;
  day: string;
  h0006: number;
  e0006: number | null;
  h0618: number;
  e0618: number | null;
  h1822: number;
  e1822: number | null;
  h2224: number;
  e2224: number | null;
}

/**
 * The noise periods of a sound level (default `sound.laeq`) for noise days from..to, from the
 * local-hour bands of rollup_day_hourly: day 06–18 and evening 18–22 of D, night 22–24 of D plus
 * 00–06 of D+1. Periods without an hour of data have no row.
 *
 * @example
 * await listNoisePeriods(db, { deviceIds: [7], from: "2026-07-14", to: "2026-07-14" });
 * // [{ deviceId: 7, day: "2026-07-14", period: "day", hours: 12, meanEnergy: 3.2e6 }, { …, period: "evening" }, { …, period: "night", hours: 8 }]
 */
export async function listNoisePeriods(db: D1Database, q: { deviceIds: readonly number[]; quantity?: string; from: string; to: string }): Promise<NoisePeriodEnergy[]> {
  if (q.deviceIds.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS deviceId, r.day AS day,
                sum(r.hours_0006) AS h0006, sum(r.energy_0006) AS e0006, sum(r.hours_0618) AS h0618, sum(r.energy_0618) AS e0618,
                sum(r.hours_1822) AS h1822, sum(r.energy_1822) AS e1822, sum(r.hours_2224) AS h2224, sum(r.energy_2224) AS e2224
         FROM json_each(?1) AS d
         CROSS JOIN (SELECT id FROM quantities WHERE key = ?2) AS q
         CROSS JOIN rollup_day_hourly AS r
         WHERE r.device_id = d.value AND r.quantity_id = q.id AND r.day >= ?3 AND r.day <= ?4
         GROUP BY r.device_id, r.day
         ORDER BY r.device_id, r.day`,
      )
      .bind(JSON.stringify(q.deviceIds), q.quantity ?? "sound.laeq", q.from, nextDay(q.to))
      .all<BandRow>(),
  );
  // One pass over the rows, which come ordered by device then day: the night of D needs the
  // 00–06 band of D+1, which is the next row when it exists. Day numbers rather than date
  // strings for adjacency: a year of one device is 365 rows, and string date arithmetic per
  // day was most of this function's time.
  const out: NoisePeriodEnergy[] = [];
  const push = (deviceId: number, day: string, period: NoisePeriodEnergy["period"], hours: number, energy: number | null) => {
    if (hours > 0 && energy !== null) out.push({ deviceId, day, period, hours, meanEnergy: energy / hours });
  };
  const days = results.map((r) => dayNumber(r.day));
  const from = dayNumber(q.from);
  const to = dayNumber(q.to);
  results.forEach((r, i) => {
    const n = days[i]!;
    const previous = i > 0 && results[i - 1]!.deviceId === r.deviceId && days[i - 1] === n - 1;
    // A night whose evening day has no row: only its 00–06 band, from this row.
    if (!previous && n - 1 >= from) push(r.deviceId, previousDay(r.day), "night", r.h0006, r.e0006 ?? 0);
    if (n > to) return;
    push(r.deviceId, r.day, "day", r.h0618, r.e0618);
    push(r.deviceId, r.day, "evening", r.h1822, r.e1822);
    const next = results[i + 1];
    const adjacent = next !== undefined && next.deviceId === r.deviceId && days[i + 1] === n + 1;
    push(r.deviceId, r.day, "night", r.h2224 + (adjacent ? next.h0006 : 0), (r.e2224 ?? 0) + (adjacent ? (next.e0006 ?? 0) : 0));
  });
  return out;
}
