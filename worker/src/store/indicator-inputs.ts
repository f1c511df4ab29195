import { type ReadAccess, visibleDevicesSql } from "../auth/read-access.ts";
import type { FitSums } from "../indicators/math.ts";
import { d1 } from "./db.ts";

/**
 * What the indicators read (worker/src/indicators) besides rollups (store/rollups.ts): the devices
 * a reader may see in a commune or by devEui and, for the indicators that need single readings
 * (waste, meters, mobility, health), readings and aggregates of readings and uplinks.
 * Values come back in real units (stored value / 10^quantities.decimals). Device ids travel as one
 * JSON parameter (json_each), which keeps any number of devices under D1's parameter limit.
 */

/**
 * Devices × quantities drive the join (CROSS JOIN keeps that order), so that each pair is one
 * range seek on the readings key (device_id, quantity_id, time) instead of a scan of the device's
 * readings. `keys` is SQL selecting quantity keys; a key with several quantity rows (migration
 * 0003) gives each row its own scale.
 */
const readingsOf = (devices: string, keys: string) => `json_each(${devices}) AS d
  CROSS JOIN (SELECT id, key, pow(10.0, decimals) AS scale FROM quantities WHERE key IN (${keys})) AS q
  CROSS JOIN readings AS r`;
const seek = "r.device_id = d.value AND r.quantity_id = q.id";

export interface IndicatorDevice {
  id: number;
  devEui: string;
  name: string;
  commune: string;
  territory: string;
  public: boolean;
  profile: string | null;
  codec: string | null;
  tags: Record<string, string>;
}

interface DeviceRow {
  id: number;
  dev_eui: string;
  name: string;
  commune: string;
  territory: string;
  public: number;
  profile: string | null;
  codec: string | null;
  tags: string;
}

export interface DeviceScope {
  commune?: string | undefined;
  devEui?: string | undefined;
}

/** The devices of a commune (or one device, or every device) that `access` may see, by devEui. */
export async function listVisibleDevices(db: D1Database, access: ReadAccess, scope: DeviceScope): Promise<IndicatorDevice[]> {
  const visible = visibleDevicesSql(access, "d", "t.code");
  // ?1 and ?2 are the scope; the visibility rule's own parameters are numbered after them.
  let n = 2;
  const visibleSql = visible.sql.replace(/\?/g, () => `?${++n}`);
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT d.id, d.dev_eui, d.name, d.commune, t.code AS territory, d.public, d.profile, d.codec, d.tags
         FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
         WHERE (?1 IS NULL OR d.commune = ?1) AND (?2 IS NULL OR d.dev_eui = ?2) AND ${visibleSql} ORDER BY d.dev_eui`,
      )
      .bind(scope.commune ?? null, scope.devEui ?? null, ...visible.params)
      .all<DeviceRow>(),
  );
  return results.map((r) => ({
    id: r.id,
    devEui: r.dev_eui,
    name: r.name,
    commune: r.commune,
    territory: r.territory,
    public: r.public === 1,
    profile: r.profile,
    codec: r.codec,
    tags: JSON.parse(r.tags) as Record<string, string>,
  }));
}

/** One reading in real units. */
export interface ReadingValue {
  deviceId: number;
  key: string;
  time: number;
  value: number;
}

/** Readings of some quantities of some devices with time in [fromMs, toMs]. */
export async function loadReadings(db: D1Database, deviceIds: readonly number[], keys: readonly string[], fromMs: number, toMs: number): Promise<ReadingValue[]> {
  if (deviceIds.length === 0 || keys.length === 0 || toMs < fromMs) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS deviceId, q.key AS key, r.time AS time, r.value / q.scale AS value
         FROM ${readingsOf("?1", "SELECT value FROM json_each(?2)")}
         WHERE ${seek} AND r.time >= ?3 AND r.time <= ?4
         ORDER BY r.device_id, r.time`,
      )
      .bind(JSON.stringify(deviceIds), JSON.stringify(keys), fromMs, toMs)
      .all<ReadingValue>(),
  );
  return results;
}

/** The latest reading before `beforeMs` of each device × quantity (a state that still holds at `beforeMs`). */
export async function loadLastReadingsBefore(db: D1Database, deviceIds: readonly number[], keys: readonly string[], beforeMs: number): Promise<ReadingValue[]> {
  if (deviceIds.length === 0 || keys.length === 0) return [];
  // One descending seek per device × quantity row; the latest of a key's rows wins.
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS deviceId, q.key AS key, r.time AS time, r.value / q.scale AS value
         FROM ${readingsOf("?1", "SELECT value FROM json_each(?2)")}
         WHERE ${seek} AND r.time = (SELECT max(time) FROM readings WHERE device_id = d.value AND quantity_id = q.id AND time < ?3)`,
      )
      .bind(JSON.stringify(deviceIds), JSON.stringify(keys), beforeMs)
      .all<ReadingValue>(),
  );
  const latest = new Map<string, ReadingValue>();
  for (const r of results) {
    const k = `${r.deviceId}/${r.key}`;
    const cur = latest.get(k);
    if (!cur || r.time > cur.time) latest.set(k, r);
  }
  return [...latest.values()];
}

/** The times of each device's last `limit` uplinks up to `at` (oldest first): last seen and the median gap. */
export async function loadRecentUplinkTimes(db: D1Database, deviceIds: readonly number[], at: number, limit: number): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (deviceIds.length === 0) return out;
  const statements = deviceIds.map((id) =>
    db.prepare("SELECT time FROM uplinks WHERE device_id = ?1 AND time <= ?2 ORDER BY time DESC LIMIT ?3").bind(id, at, limit),
  );
  const results = await d1(() => db.batch<{ time: number }>(statements));
  deviceIds.forEach((id, i) => out.set(id, (results[i]?.results ?? []).map((r) => r.time).reverse()));
  return out;
}

/** Codec outcomes per device over uplinks with time in (fromMs, toMs]: failed ones and those with a payload. */
export async function loadCodecCounts(db: D1Database, deviceIds: readonly number[], fromMs: number, toMs: number): Promise<Map<number, { failed: number; attempts: number }>> {
  const out = new Map<number, { failed: number; attempts: number }>();
  if (deviceIds.length === 0) return out;
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT u.device_id AS deviceId, sum(u.decode = 1) AS failed, sum(u.decode <> 3) AS attempts
         FROM json_each(?1) AS d CROSS JOIN uplinks AS u
         WHERE u.device_id = d.value AND u.time > ?2 AND u.time <= ?3 GROUP BY u.device_id`,
      )
      .bind(JSON.stringify(deviceIds), fromMs, toMs)
      .all<{ deviceId: number; failed: number; attempts: number }>(),
  );
  for (const r of results) out.set(r.deviceId, { failed: r.failed, attempts: r.attempts });
  return out;
}

/**
 * Least-squares sums of one quantity per device over readings with time in (fromMs, toMs], with x
 * = (time − originMs) in days and y the real value, aggregated in SQL (a month of readings per
 * device stays in the database), plus the latest value. The routes read the battery's sums from
 * trend_day instead (store/alert-inputs.ts loadBatteryFits); this raw-readings form is the
 * reference that trend_day is tested and benchmarked against.
 */
export async function loadFitSums(
  db: D1Database,
  deviceIds: readonly number[],
  key: string,
  fromMs: number,
  toMs: number,
  originMs: number,
): Promise<Map<number, { sums: FitSums; last: number | null }>> {
  const out = new Map<number, { sums: FitSums; last: number | null }>();
  if (deviceIds.length === 0) return out;
  const { results } = await d1(() =>
    db
      .prepare(
        `WITH p AS (
           SELECT r.device_id AS deviceId, (r.time - ?5) / 86400000.0 AS x, r.value / q.scale AS y, r.time AS time
           FROM ${readingsOf("?1", "?2")}
           WHERE ${seek} AND r.time > ?3 AND r.time <= ?4)
         SELECT deviceId, count(*) AS n, sum(x) AS sx, sum(y) AS sy, sum(x * x) AS sxx, sum(x * y) AS sxy, y AS last, max(time) AS lastTime
         FROM p GROUP BY deviceId`,
      )
      .bind(JSON.stringify(deviceIds), key, fromMs, toMs, originMs)
      .all<FitSums & { deviceId: number; last: number }>(),
  );
  for (const r of results) out.set(r.deviceId, { sums: { n: r.n, sx: r.sx, sy: r.sy, sxx: r.sxx, sxy: r.sxy }, last: r.last });
  return out;
}

/**
 * Where each bin's fill history for the waste indicator starts: the reading just before its last
 * drop of at least `drop` points, or its last pickup alarm, whichever is later, within (fromMs,
 * toMs]; null for a bin with neither (read the whole window). Found in SQL so that only the
 * readings since the last emptying leave the database.
 */
export async function loadLastEmptyings(
  db: D1Database,
  deviceIds: readonly number[],
  drop: number,
  fromMs: number,
  toMs: number,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (deviceIds.length === 0) return out;
  const { results } = await d1(() =>
    db
      .prepare(
        `WITH f AS (
           SELECT r.device_id AS deviceId, r.time AS time, r.value / q.scale AS fill,
             lag(r.value / q.scale) OVER w AS prevFill, lag(r.time) OVER w AS prevTime
           FROM ${readingsOf("?1", "'level.fill'")}
           WHERE ${seek} AND r.time > ?2 AND r.time <= ?3
           WINDOW w AS (PARTITION BY r.device_id ORDER BY r.time)),
         drops AS (SELECT deviceId, max(prevTime) AS start FROM f WHERE prevFill - fill >= ?4 GROUP BY deviceId),
         pickups AS (
           SELECT r.device_id AS deviceId, max(r.time) AS start FROM ${readingsOf("?1", "'alarm.pickup'")}
           WHERE ${seek} AND r.value <> 0 AND r.time > ?2 AND r.time <= ?3
           GROUP BY r.device_id)
         SELECT deviceId, max(start) AS start FROM (SELECT * FROM drops UNION ALL SELECT * FROM pickups) GROUP BY deviceId`,
      )
      .bind(JSON.stringify(deviceIds), fromMs, toMs, drop)
      .all<{ deviceId: number; start: number }>(),
  );
  for (const r of results) out.set(r.deviceId, r.start);
  return out;
}

/** Readings of some quantities with time in [start of each device, toMs]; `starts` gives each device's start. */
export async function loadReadingsFrom(db: D1Database, starts: ReadonlyMap<number, number>, keys: readonly string[], toMs: number): Promise<ReadingValue[]> {
  if (starts.size === 0 || keys.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS deviceId, q.key AS key, r.time AS time, r.value / q.scale AS value
         FROM json_each(?1) AS s
           CROSS JOIN (SELECT id, key, pow(10.0, decimals) AS scale FROM quantities WHERE key IN (SELECT value FROM json_each(?2))) AS q
           CROSS JOIN readings AS r
         WHERE r.device_id = s.value ->> 0 AND r.quantity_id = q.id AND r.time >= s.value ->> 1 AND r.time <= ?3
         ORDER BY r.device_id, r.time`,
      )
      .bind(JSON.stringify([...starts]), JSON.stringify(keys), toMs)
      .all<ReadingValue>(),
  );
  return results;
}

/**
 * Median SNR (dB) per device of the uplinks with time in (splitMs, toMs] ("recent") and in
 * (fromMs, splitMs] ("previous"), computed in SQL (row_number over the sorted values: the middle
 * one, or the mean of the two middle ones).
 */
export async function loadSnrMedians(
  db: D1Database,
  deviceIds: readonly number[],
  fromMs: number,
  splitMs: number,
  toMs: number,
): Promise<Map<number, { recent: number | null; previous: number | null }>> {
  const out = new Map<number, { recent: number | null; previous: number | null }>();
  if (deviceIds.length === 0) return out;
  const { results } = await d1(() =>
    db
      .prepare(
        `WITH s AS (
           SELECT u.device_id, u.snr_cdb, u.time > ?3 AS recent FROM json_each(?1) AS d CROSS JOIN uplinks AS u
           WHERE u.device_id = d.value AND u.time > ?2 AND u.time <= ?4 AND u.snr_cdb IS NOT NULL),
         r AS (
           SELECT device_id, recent, snr_cdb, row_number() OVER (PARTITION BY device_id, recent ORDER BY snr_cdb) AS i,
             count(*) OVER (PARTITION BY device_id, recent) AS n FROM s)
         SELECT device_id AS deviceId, recent, avg(snr_cdb) / 100.0 AS median FROM r
         WHERE i IN ((n + 1) / 2, (n + 2) / 2) GROUP BY device_id, recent`,
      )
      .bind(JSON.stringify(deviceIds), fromMs, splitMs, toMs)
      .all<{ deviceId: number; recent: number; median: number }>(),
  );
  for (const r of results) {
    const cur = out.get(r.deviceId) ?? { recent: null, previous: null };
    if (r.recent === 1) cur.recent = r.median;
    else cur.previous = r.median;
    out.set(r.deviceId, cur);
  }
  return out;
}
