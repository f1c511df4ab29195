import { type ReadAccess, visibleDevicesSql } from "../auth/read-access.ts";
import type { FitSums } from "../indicators/math.ts";
import { d1 } from "./db.ts";

/**
 * What the indicators read (worker/src/indicators): the devices a reader may see in a commune or
 * by devEui, their hourly and daily rollups (rollup_hour, rollup_day: migration 0006) and, for the
 * indicators that need single readings (waste, meters, mobility, health), readings and uplinks.
 * Values come back in real units (stored value / 10^quantities.decimals). Device ids travel as one
 * JSON parameter (json_each), which keeps any number of devices under D1's parameter limit.
 */

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

/** An hourly rollup in real units; `hour` is the UTC ms start of the hour. */
export interface HourRollup {
  deviceId: number;
  key: string;
  hour: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  energy: number | null;
}

/** Hourly rollups of some quantities of some devices, for hours in [fromMs, toMs). */
export async function loadHourRollups(db: D1Database, deviceIds: readonly number[], keys: readonly string[], fromMs: number, toMs: number): Promise<HourRollup[]> {
  if (deviceIds.length === 0 || keys.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS deviceId, q.key AS key, r.hour AS hour, r.count AS count,
           r.sum / pow(10.0, q.decimals) AS sum, r.min / pow(10.0, q.decimals) AS min, r.max / pow(10.0, q.decimals) AS max, r.energy AS energy
         FROM quantities q JOIN rollup_hour r ON r.quantity_id = q.id
         WHERE q.key IN (SELECT value FROM json_each(?2)) AND r.device_id IN (SELECT value FROM json_each(?1))
           AND r.hour >= ?3 AND r.hour < ?4
         ORDER BY r.device_id, r.hour`,
      )
      .bind(JSON.stringify(deviceIds), JSON.stringify(keys), fromMs, toMs)
      .all<HourRollup>(),
  );
  return results;
}

/** A daily rollup in real units; `day` is the Europe/Paris local date. */
export interface DayRollup {
  deviceId: number;
  key: string;
  day: string;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Daily rollups of some quantities of some devices, for local days from..to (both included). */
export async function loadDayRollups(db: D1Database, deviceIds: readonly number[], keys: readonly string[], from: string, to: string): Promise<DayRollup[]> {
  if (deviceIds.length === 0 || keys.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS deviceId, q.key AS key, r.day AS day, r.count AS count,
           r.sum / pow(10.0, q.decimals) AS sum, r.min / pow(10.0, q.decimals) AS min, r.max / pow(10.0, q.decimals) AS max
         FROM quantities q JOIN rollup_day r ON r.quantity_id = q.id
         WHERE q.key IN (SELECT value FROM json_each(?2)) AND r.device_id IN (SELECT value FROM json_each(?1))
           AND r.day >= ?3 AND r.day <= ?4
         ORDER BY r.device_id, r.day`,
      )
      .bind(JSON.stringify(deviceIds), JSON.stringify(keys), from, to)
      .all<DayRollup>(),
  );
  return results;
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
        `SELECT r.device_id AS deviceId, q.key AS key, r.time AS time, r.value / pow(10.0, q.decimals) AS value
         FROM quantities q JOIN readings r ON r.quantity_id = q.id
         WHERE q.key IN (SELECT value FROM json_each(?2)) AND r.device_id IN (SELECT value FROM json_each(?1))
           AND r.time >= ?3 AND r.time <= ?4
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
  // SQLite takes the bare columns of a max() aggregate from the row holding the maximum.
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS deviceId, q.key AS key, max(r.time) AS time, r.value / pow(10.0, q.decimals) AS value
         FROM quantities q JOIN readings r ON r.quantity_id = q.id
         WHERE q.key IN (SELECT value FROM json_each(?2)) AND r.device_id IN (SELECT value FROM json_each(?1)) AND r.time < ?3
         GROUP BY r.device_id, q.key`,
      )
      .bind(JSON.stringify(deviceIds), JSON.stringify(keys), beforeMs)
      .all<ReadingValue>(),
  );
  return results.filter((r) => r.time !== null);
}

/** An uplink as the health indicator sees it. */
export interface UplinkSampleRow {
  deviceId: number;
  time: number;
  snr: number | null;
  decode: number;
}

/** Uplinks of some devices with time in (fromMs, toMs]: SNR in dB and decode outcome. */
export async function loadUplinkSamples(db: D1Database, deviceIds: readonly number[], fromMs: number, toMs: number): Promise<UplinkSampleRow[]> {
  if (deviceIds.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT device_id AS deviceId, time, snr_cdb / 100.0 AS snr, decode FROM uplinks
         WHERE device_id IN (SELECT value FROM json_each(?1)) AND time > ?2 AND time <= ?3 ORDER BY device_id, time`,
      )
      .bind(JSON.stringify(deviceIds), fromMs, toMs)
      .all<UplinkSampleRow>(),
  );
  return results;
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
        `SELECT device_id AS deviceId, sum(decode = 1) AS failed, sum(decode <> 3) AS attempts FROM uplinks
         WHERE device_id IN (SELECT value FROM json_each(?1)) AND time > ?2 AND time <= ?3 GROUP BY device_id`,
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
 * device stays in the database), plus the latest value.
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
           SELECT r.device_id AS deviceId, (r.time - ?5) / 86400000.0 AS x, r.value / pow(10.0, q.decimals) AS y, r.time AS time
           FROM quantities q JOIN readings r ON r.quantity_id = q.id
           WHERE q.key = ?2 AND r.device_id IN (SELECT value FROM json_each(?1)) AND r.time > ?3 AND r.time <= ?4)
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
           SELECT r.device_id AS deviceId, r.time AS time, r.value / pow(10.0, q.decimals) AS fill,
             lag(r.value / pow(10.0, q.decimals)) OVER w AS prevFill, lag(r.time) OVER w AS prevTime
           FROM quantities q JOIN readings r ON r.quantity_id = q.id
           WHERE q.key = 'level.fill' AND r.device_id IN (SELECT value FROM json_each(?1)) AND r.time > ?2 AND r.time <= ?3
           WINDOW w AS (PARTITION BY r.device_id ORDER BY r.time)),
         drops AS (SELECT deviceId, max(prevTime) AS start FROM f WHERE prevFill - fill >= ?4 GROUP BY deviceId),
         pickups AS (
           SELECT r.device_id AS deviceId, max(r.time) AS start FROM quantities q JOIN readings r ON r.quantity_id = q.id
           WHERE q.key = 'alarm.pickup' AND r.value <> 0 AND r.device_id IN (SELECT value FROM json_each(?1)) AND r.time > ?2 AND r.time <= ?3
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
        `SELECT r.device_id AS deviceId, q.key AS key, r.time AS time, r.value / pow(10.0, q.decimals) AS value
         FROM json_each(?1) AS s JOIN quantities q ON q.key IN (SELECT value FROM json_each(?2))
           JOIN readings r ON r.device_id = s.value ->> 0 AND r.quantity_id = q.id AND r.time >= s.value ->> 1 AND r.time <= ?3
         ORDER BY r.device_id, r.time`,
      )
      .bind(JSON.stringify([...starts]), JSON.stringify(keys), toMs)
      .all<ReadingValue>(),
  );
  return results;
}
