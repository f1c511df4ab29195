import { type ReadAccess, visibleDevicesSql } from "../auth/read-access.ts";
import { d1 } from "./db.ts";
import { type Device, type DeviceRow, toDevice } from "./devices.ts";

/**
 * The devices a reader may see (read-access.ts: public ones, private ones with read:private,
 * within the key's territory or commune), with what the public API says of their liveness.
 * Every public route finds its devices here, so the visibility rule is applied in one place.
 */

/** online: heard within 3 reporting intervals; offline: not since; never: no uplink stored. */
export const DEVICE_STATUSES = ["online", "offline", "never"] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** The reporting interval assumed for a device that has not reported its own (`device.interval`). */
export const DEFAULT_INTERVAL_S = 3600;
/** Intervals without an uplink after which a device is offline. */
export const MISSED_INTERVALS = 3;

export interface VisibleDevice extends Device {
  lastSeenAt: number | null;
  /** Seconds between uplinks: the device's latest `device.interval` reading, else DEFAULT_INTERVAL_S. */
  interval: number;
  status: DeviceStatus;
}

interface Row extends DeviceRow {
  last_seen_at: number | null;
  interval_s: number;
  status: DeviceStatus;
}

/**
 * Where the reporting interval comes from: the `device.interval` quantity (its id and the scale of
 * its stored values, 10^decimals), or none when that quantity is not in the table yet.
 */
export interface IntervalQuantity {
  id: number;
  scale: number;
}

/** Devices joined to their territory, state and reporting interval; the status as of ?2 (now). Binds ?1 (interval quantity id), ?2, ?3 (scale). */
const SELECT = `SELECT d.id, d.dev_eui, d.name, d.commune, t.code AS territory, d.profile, d.codec, d.latitude, d.longitude,
    d.installed_at, d.public, d.tags, d.created_at, d.updated_at, s.last_seen_at,
    coalesce((SELECT r.value FROM readings r WHERE r.device_id = d.id AND r.quantity_id = ?1 ORDER BY r.time DESC LIMIT 1) / ?3, ${DEFAULT_INTERVAL_S}) AS interval_s,
    CASE WHEN s.last_seen_at IS NULL THEN 'never'
         WHEN s.last_seen_at >= ?2 - ${MISSED_INTERVALS} * 1000 * coalesce((SELECT r.value FROM readings r WHERE r.device_id = d.id AND r.quantity_id = ?1 ORDER BY r.time DESC LIMIT 1) / ?3, ${DEFAULT_INTERVAL_S}) THEN 'online'
         ELSE 'offline' END AS status
  FROM devices d
  JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
  LEFT JOIN device_state s ON s.device_id = d.id`;

function toVisible(r: Row): VisibleDevice {
  return { ...toDevice(r), lastSeenAt: r.last_seen_at, interval: r.interval_s, status: r.status };
}

export interface VisibleDeviceFilter {
  commune?: string | undefined;
  profile?: string | undefined;
  codec?: string | undefined;
  status?: DeviceStatus | undefined;
  /** Keyset: devices whose devEui sorts after this one. */
  after?: string | undefined;
  limit: number;
}

/** One page of the devices `access` may see, by devEui. */
export async function listDevicesPage(
  db: D1Database,
  access: ReadAccess,
  interval: IntervalQuantity | null,
  filter: VisibleDeviceFilter,
  now: number,
): Promise<VisibleDevice[]> {
  const rule = visibleDevicesSql(access, "d", "t.code");
  // ?4… are the visibility rule's values; the filters follow them.
  const base = 4 + rule.params.length;
  const sql = `SELECT * FROM (${SELECT} WHERE ${renumber(rule.sql, 4)}
      AND (?${base} IS NULL OR d.commune = ?${base}) AND (?${base + 1} IS NULL OR d.profile = ?${base + 1})
      AND (?${base + 2} IS NULL OR d.codec = ?${base + 2}) AND (?${base + 3} IS NULL OR d.dev_eui > ?${base + 3}))
    WHERE ?${base + 4} IS NULL OR status = ?${base + 4}
    ORDER BY dev_eui LIMIT ?${base + 5}`;
  const { results } = await d1(() =>
    db
      .prepare(sql)
      .bind(interval?.id ?? -1, now, interval?.scale ?? 1, ...rule.params, filter.commune ?? null, filter.profile ?? null, filter.codec ?? null, filter.after ?? null, filter.status ?? null, filter.limit)
      .all<Row>(),
  );
  return results.map(toVisible);
}

/** One device if `access` may see it; null when it does not exist or may not be seen (the caller cannot tell which). */
export async function findVisibleDevice(db: D1Database, access: ReadAccess, interval: IntervalQuantity | null, devEui: string, now: number): Promise<VisibleDevice | null> {
  const rule = visibleDevicesSql(access, "d", "t.code");
  const row = await d1(() =>
    db
      .prepare(`${SELECT} WHERE d.dev_eui = ?4 AND ${renumber(rule.sql, 5)}`)
      .bind(interval?.id ?? -1, now, interval?.scale ?? 1, devEui, ...rule.params)
      .first<Row>(),
  );
  return row ? toVisible(row) : null;
}

/** Visible devices of one commune (every page at once: a commune holds at most a few thousand). */
export async function listVisibleCommuneDevices(db: D1Database, access: ReadAccess, interval: IntervalQuantity | null, commune: string, now: number): Promise<VisibleDevice[]> {
  const rule = visibleDevicesSql(access, "d", "t.code");
  const { results } = await d1(() =>
    db
      .prepare(`${SELECT} WHERE d.commune = ?4 AND ${renumber(rule.sql, 5)} ORDER BY d.dev_eui`)
      .bind(interval?.id ?? -1, now, interval?.scale ?? 1, commune, ...rule.params)
      .all<Row>(),
  );
  return results.map(toVisible);
}

/** Visible devices per commune and profile (a commercial codec counts under its codec id). */
export async function countVisibleDevices(db: D1Database, access: ReadAccess): Promise<{ commune: string; kind: string; devices: number }[]> {
  const rule = visibleDevicesSql(access, "d", "t.code");
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT d.commune, coalesce(d.profile, d.codec) AS kind, count(*) AS devices FROM devices d
         JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
         WHERE ${renumber(rule.sql, 1)} GROUP BY d.commune, kind ORDER BY d.commune, kind`,
      )
      .bind(...rule.params)
      .all<{ commune: string; kind: string; devices: number }>(),
  );
  return results;
}

/** visibleDevicesSql writes bare `?` placeholders; number them from `first` so they sit after the query's own. */
function renumber(sql: string, first: number): string {
  let n = first;
  return sql.replace(/\?/g, () => `?${n++}`);
}
