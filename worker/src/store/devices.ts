import { d1 } from "./db.ts";
import { notFound, StoreError, unknownReference } from "./errors.ts";
import type { IngestDevice } from "./uplinks.ts";

/** A registered sensor. It is decoded by its own Cigale `profile` or by a commercial `codec`, never both. */
export interface DeviceFields {
  devEui: string;
  name: string;
  commune: string;
  profile: string | null;
  codec: string | null;
  latitude: number | null;
  longitude: number | null;
  installedAt: number | null;
  public: boolean;
  tags: Record<string, string>;
}

export interface Device extends DeviceFields {
  id: number;
  territory: string;
  createdAt: number;
  updatedAt: number;
}

/** A devices row joined to its territory's code, as D1 returns it. */
export interface DeviceRow {
  id: number;
  dev_eui: string;
  name: string;
  commune: string;
  territory: string;
  profile: string | null;
  codec: string | null;
  latitude: number | null;
  longitude: number | null;
  installed_at: number | null;
  public: number;
  tags: string;
  created_at: number;
  updated_at: number;
}

const SELECT = `SELECT d.*, t.code AS territory FROM devices d
  JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id`;

export function toDevice(r: DeviceRow): Device {
  return {
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
    public: r.public === 1,
    tags: JSON.parse(r.tags) as Record<string, string>,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function bindFields(d: DeviceFields): unknown[] {
  return [d.devEui, d.name, d.commune, d.profile, d.codec, d.latitude, d.longitude, d.installedAt, d.public ? 1 : 0, JSON.stringify(d.tags)];
}

const INSERT = `INSERT INTO devices (dev_eui, name, commune, profile, codec, latitude, longitude, installed_at, public, tags, created_at, updated_at)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11 WHERE EXISTS (SELECT 1 FROM communes WHERE insee = ?3)
  ON CONFLICT (dev_eui) DO NOTHING`;

/** Prepared insert, for callers that batch several (CSV import). Changes 0 rows if the devEui exists or the commune does not. */
export function prepareInsertDevice(db: D1Database, d: DeviceFields, now: number): D1PreparedStatement {
  return db.prepare(INSERT).bind(...bindFields(d), now);
}

export async function insertDevice(db: D1Database, d: DeviceFields, now: number): Promise<Device> {
  const result = await d1(() => prepareInsertDevice(db, d, now).run());
  if (result.meta.changes === 0) {
    if (await findDevice(db, d.devEui)) throw new StoreError("already_exists", "DEVICE_EXISTS", `device ${d.devEui} is already registered`);
    throw unknownReference("commune", d.commune, "create it with POST /v1/admin/communes");
  }
  return (await findDevice(db, d.devEui)) as Device;
}

export async function findDevice(db: D1Database, devEui: string): Promise<Device | null> {
  const row = await d1(() => db.prepare(`${SELECT} WHERE d.dev_eui = ?1`).bind(devEui).first<DeviceRow>());
  return row ? toDevice(row) : null;
}

/** What ingest needs of a device: its id, where it is (for the token's scope) and how to decode it. */
export async function findIngestDevice(db: D1Database, devEui: string): Promise<IngestDevice | null> {
  return d1(() =>
    db
      .prepare(
        `SELECT d.id, d.commune, t.code AS territory, d.profile, d.codec FROM devices d
         JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id WHERE d.dev_eui = ?1`,
      )
      .bind(devEui)
      .first<IngestDevice>(),
  );
}

/** findIngestDevice for many devices in one read: devEui → entry, for those registered. */
export async function findIngestDevices(db: D1Database, devEuis: readonly string[]): Promise<Map<string, IngestDevice>> {
  if (devEuis.length === 0) return new Map();
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT d.dev_eui, d.id, d.commune, t.code AS territory, d.profile, d.codec FROM devices d
         JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
         WHERE d.dev_eui IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(devEuis))
      .all<IngestDevice & { dev_eui: string }>(),
  );
  return new Map(results.map(({ dev_eui, ...device }) => [dev_eui, device]));
}

export async function requireDevice(db: D1Database, devEui: string): Promise<Device> {
  const found = await findDevice(db, devEui);
  if (!found) throw notFound("device", devEui);
  return found;
}

/** Which devEuis of `devEuis` are registered already (CSV import checks a whole file at once). */
export async function listRegisteredEuis(db: D1Database, devEuis: readonly string[]): Promise<Set<string>> {
  if (devEuis.length === 0) return new Set();
  const { results } = await d1(() =>
    db.prepare("SELECT dev_eui FROM devices WHERE dev_eui IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(devEuis)).all<{ dev_eui: string }>(),
  );
  return new Set(results.map((r) => r.dev_eui));
}

export interface DeviceFilter {
  commune?: string | undefined;
  territory?: string | undefined;
  profile?: string | undefined;
  codec?: string | undefined;
  /** Devices after this devEui (pagination cursor). */
  after?: string | undefined;
  limit: number;
}

export async function listDevices(db: D1Database, f: DeviceFilter): Promise<Device[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `${SELECT} WHERE (?1 IS NULL OR d.commune = ?1) AND (?2 IS NULL OR t.code = ?2) AND (?3 IS NULL OR d.profile = ?3)
           AND (?4 IS NULL OR d.codec = ?4) AND (?5 IS NULL OR d.dev_eui > ?5)
         ORDER BY d.dev_eui LIMIT ?6`,
      )
      .bind(f.commune ?? null, f.territory ?? null, f.profile ?? null, f.codec ?? null, f.after ?? null, f.limit)
      .all<DeviceRow>(),
  );
  return results.map(toDevice);
}

/** Replaces the registry fields of a device (the API merges a PATCH into the current fields first). */
export async function updateDevice(db: D1Database, devEui: string, d: DeviceFields, now: number): Promise<Device> {
  const result = await d1(() =>
    db
      .prepare(
        `UPDATE devices SET name = ?2, commune = ?3, profile = ?4, codec = ?5, latitude = ?6, longitude = ?7, installed_at = ?8,
           public = ?9, tags = ?10, updated_at = ?11
         WHERE dev_eui = ?1 AND EXISTS (SELECT 1 FROM communes WHERE insee = ?3)`,
      )
      .bind(...bindFields(d), now)
      .run(),
  );
  if (result.meta.changes === 0) {
    await requireDevice(db, devEui);
    throw unknownReference("commune", d.commune, "create it with POST /v1/admin/communes");
  }
  return requireDevice(db, devEui);
}

/**
 * Removes a device from the registry. A device with stored data is only removed with `purge`,
 * which deletes its uplinks, readings, rollups, events and state with it.
 */
export async function deleteDevice(db: D1Database, devEui: string, purge: boolean): Promise<{ uplinks: number; readings: number }> {
  const device = await requireDevice(db, devEui);
  const counts = await d1(() =>
    db
      .prepare(
        `SELECT (SELECT count(*) FROM uplinks WHERE device_id = ?1) AS uplinks,
                (SELECT count(*) FROM readings WHERE device_id = ?1) AS readings,
                (SELECT count(*) FROM device_events WHERE device_id = ?1) AS events`,
      )
      .bind(device.id)
      .first<{ uplinks: number; readings: number; events: number }>(),
  );
  const uplinks = counts?.uplinks ?? 0;
  const readings = counts?.readings ?? 0;
  if (!purge && (uplinks > 0 || (counts?.events ?? 0) > 0)) {
    throw new StoreError(
      "conflict",
      "DEVICE_HAS_DATA",
      `device ${devEui} has ${uplinks} stored uplink(s) and ${readings} reading(s): add ?purge=true to delete them too`,
    );
  }
  await d1(() =>
    db.batch([
      // Its rollups and Datastream state first: the triggers of the readings deleted next then
      // find nothing to correct, which spares them a recount (a seek for the new first reading) per reading.
      db.prepare("DELETE FROM rollup_hour WHERE device_id = ?1").bind(device.id),
      db.prepare("DELETE FROM rollup_day WHERE device_id = ?1").bind(device.id),
      db.prepare("DELETE FROM stream_state WHERE device_id = ?1").bind(device.id),
      db.prepare("DELETE FROM readings WHERE device_id = ?1").bind(device.id),
      db.prepare("DELETE FROM uplinks WHERE device_id = ?1").bind(device.id),
      db.prepare("DELETE FROM device_events WHERE device_id = ?1").bind(device.id),
      db.prepare("DELETE FROM device_state WHERE device_id = ?1").bind(device.id),
      db.prepare("DELETE FROM devices WHERE id = ?1").bind(device.id),
    ]),
  );
  return { uplinks, readings };
}
