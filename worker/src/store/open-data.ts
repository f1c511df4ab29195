import { ANONYMOUS, visibleDevicesSql } from "../auth/read-access.ts";
import { d1 } from "./db.ts";
import type { Device, DeviceRow } from "./devices.ts";

/**
 * Reads for open data. Only devices an anonymous reader may see (devices.public = 1) come out of
 * here: the visibility rule is auth/read-access.ts's, applied in SQL, so no route can forget it.
 */

/** A public device as open data publishes it: its registry row without the visibility flag and tags. */
export type OpenDevice = Omit<Device, "public" | "tags">;

type OpenDeviceRow = Omit<DeviceRow, "public" | "tags">;

export interface OpenDeviceFilter {
  /** Own profiles whose devices are included. */
  profiles: readonly string[];
  /** Commercial codecs whose devices are included. */
  codecs: readonly string[];
  /** Limit to one commune (INSEE code). */
  commune?: string | undefined;
  /** Limit to one device (DevEUI). */
  devEui?: string | undefined;
}

/**
 * Public devices of the given profiles or codecs, by id (the order every export follows). The
 * visibility condition comes last: its anonymous `?` parameters then number after ?4.
 */
export async function listOpenDevices(db: D1Database, filter: OpenDeviceFilter): Promise<OpenDevice[]> {
  const visible = visibleDevicesSql(ANONYMOUS, "d", "t.code");
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT d.id, d.dev_eui, d.name, d.commune, t.code AS territory, d.profile, d.codec, d.latitude, d.longitude,
                d.installed_at, d.created_at, d.updated_at
         FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
         WHERE (d.profile IN (SELECT value FROM json_each(?1)) OR d.codec IN (SELECT value FROM json_each(?2)))
           AND (?3 IS NULL OR d.commune = ?3) AND (?4 IS NULL OR d.dev_eui = ?4)
           AND ${visible.sql}
         ORDER BY d.id`,
      )
      .bind(JSON.stringify(filter.profiles), JSON.stringify(filter.codecs), filter.commune ?? null, filter.devEui ?? null, ...visible.params)
      .all<OpenDeviceRow>(),
  );
  return results.map((r) => ({
    id: r.id,
    devEui: r.dev_eui,
    name: r.name,
    commune: r.commune,
    territory: r.territory,
    profile: r.profile,
    codec: r.codec,
    latitude: r.latitude,
    longitude: r.longitude,
    installedAt: r.installed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** One stored reading of a device: quantity id, epoch ms, stored value. */
export interface OpenReading {
  q: number;
  t: number;
  v: number;
}

/** Where one quantity's scan of a device stands: readings strictly after `after` remain. */
export interface QuantityCursor {
  quantityId: number;
  after: number;
}

/**
 * The next page of each quantity's readings of one device, in one batch: per quantity, up to
 * `limit` readings with time in (after, to), by time. Each part is a range scan of the readings
 * primary key (device, quantity, time): no sort, no OFFSET, the same cost on the last page as on
 * the first. The caller merges the quantities by time (open/rows.ts).
 */
export async function readingsAfter(db: D1Database, deviceId: number, cursors: readonly QuantityCursor[], to: number, limit: number): Promise<OpenReading[]> {
  if (cursors.length === 0) return [];
  const statement = db.prepare(
    `SELECT quantity_id AS q, time AS t, value AS v FROM readings
     WHERE device_id = ?1 AND quantity_id = ?2 AND time > ?3 AND time < ?4 ORDER BY time LIMIT ?5`,
  );
  // One statement per quantity (D1 caps compound SELECTs at a few terms), all in one round trip.
  const results = await d1(() => db.batch<OpenReading>(cursors.map((c) => statement.bind(deviceId, c.quantityId, c.after, to, limit))));
  return results.flatMap((r) => r.results);
}

/**
 * The newest reading of each (device, quantity) pair at or before `at`: one primary-key seek per
 * pair (the correlated subquery reads the key backwards), never a scan of a device's history.
 */
export async function latestReadings(db: D1Database, deviceIds: readonly number[], quantityIds: readonly number[], at: number): Promise<Array<OpenReading & { d: number }>> {
  if (deviceIds.length === 0 || quantityIds.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT p.d, p.q, r.time AS t, r.value AS v
         FROM (SELECT dd.value AS d, qq.value AS q FROM json_each(?1) dd, json_each(?2) qq) p
         JOIN readings r ON r.device_id = p.d AND r.quantity_id = p.q
           AND r.time = (SELECT time FROM readings WHERE device_id = p.d AND quantity_id = p.q AND time <= ?3 ORDER BY time DESC LIMIT 1)`,
      )
      .bind(JSON.stringify(deviceIds), JSON.stringify(quantityIds), at)
      .all<OpenReading & { d: number }>(),
  );
  return results;
}

/** First and last reading time of the given devices and quantities (a dataset's temporal coverage), null when none. */
export async function readingTimeSpan(db: D1Database, deviceIds: readonly number[], quantityIds: readonly number[]): Promise<{ first: number; last: number } | null> {
  if (deviceIds.length === 0 || quantityIds.length === 0) return null;
  // The two ends of each (device, quantity) key range: two seeks per pair, never a scan.
  const row = await d1(() =>
    db
      .prepare(
        `SELECT min(f) AS first, max(l) AS last FROM (
           SELECT (SELECT min(time) FROM readings WHERE device_id = dd.value AND quantity_id = qq.value) AS f,
                  (SELECT max(time) FROM readings WHERE device_id = dd.value AND quantity_id = qq.value) AS l
           FROM json_each(?1) dd, json_each(?2) qq)`,
      )
      .bind(JSON.stringify(deviceIds), JSON.stringify(quantityIds))
      .first<{ first: number | null; last: number | null }>(),
  );
  return row && row.first !== null && row.last !== null ? { first: row.first, last: row.last } : null;
}
