import { bytesToHex, d1 } from "./db.ts";
import { chunkRows, prepareWithin } from "./limits.ts";
import { UPLINK_STORED } from "./uplinks.ts";

/**
 * Device state rows. Each kind of event owns a group of columns and only moves it forward in
 * time, so a replayed or late event never overwrites a newer one.
 */

export interface UplinkState {
  deviceId: number;
  time: number;
  fCnt: number;
  fPort: number;
  payload: Uint8Array;
  rssi: number | null;
  snr: number | null;
  dr: number | null;
  /** Battery volts, when the frame carried it. */
  battery: number | null;
  firmware: string | null;
}

/**
 * After prepareInsertNewUplinks in the same batch: moves each device's state forward to those
 * uplinks whose row is there, in order (a device may appear more than once). A stored
 * `last_seen_at` later than `believedUntil` (now plus the future tolerance of ingest/time.ts) came
 * from a wrong clock before ingest checked times, and gives way to any uplink: otherwise it would
 * hold the state until that date.
 */
export function prepareUplinkStates(db: D1Database, states: readonly UplinkState[], believedUntil: number): D1PreparedStatement {
  const json = states.map((s) => [s.deviceId, s.time, s.fCnt, s.fPort, s.rssi, s.snr, s.dr, s.battery, s.firmware, bytesToHex(s.payload)]);
  return db
    .prepare(
      `INSERT INTO device_state (device_id, last_seen_at, f_cnt, f_port, rssi, snr, dr, battery, firmware)
       SELECT s.device_id, s.time, s.f_cnt, s.f_port, s.rssi, s.snr, s.dr, s.battery, s.firmware
       FROM (SELECT j.value ->> 0 AS device_id, j.value ->> 1 AS time, j.value ->> 2 AS f_cnt, j.value ->> 3 AS f_port,
               j.value ->> 4 AS rssi, j.value ->> 5 AS snr, j.value ->> 6 AS dr, j.value ->> 7 AS battery, j.value ->> 8 AS firmware,
               j.value ->> 9 AS payload, j.key AS n
             FROM json_each(?1) AS j) AS s
       WHERE ${UPLINK_STORED("s.device_id", "s.time", "s.f_cnt", "s.payload")}
       ORDER BY s.n
       ON CONFLICT (device_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, f_cnt = excluded.f_cnt, f_port = excluded.f_port,
         rssi = excluded.rssi, snr = excluded.snr, dr = excluded.dr,
         battery = coalesce(excluded.battery, battery), firmware = coalesce(excluded.firmware, firmware)
       WHERE excluded.last_seen_at >= coalesce(device_state.last_seen_at, 0) OR device_state.last_seen_at > ?2`,
    )
    .bind(JSON.stringify(json), believedUntil);
}

/**
 * After devices' readings were rewritten (re-decoding): the battery and firmware of each state
 * become its newest stored readings of those quantities (none: null), as ingest would have set
 * them had the new decoder been there from the start. `battery.scale` is 10^decimals of its
 * stored values; a firmware reading is stored as major·65536 + minor·256 + patch.
 */
export function prepareReportedStates(
  db: D1Database,
  deviceIds: readonly number[],
  battery: { id: number; scale: number },
  firmware: { id: number },
): D1PreparedStatement[] {
  const newest = (id: string) => `FROM readings r WHERE r.device_id = device_state.device_id AND r.quantity_id = ${id} ORDER BY r.time DESC LIMIT 1`;
  return chunkRows(deviceIds).map((chunk) =>
    prepareWithin(
      db,
      `UPDATE device_state SET
         battery = (SELECT CAST(r.value AS REAL) / ?3 ${newest("?2")}),
         firmware = (SELECT printf('%d.%d.%d', CAST(r.value AS INTEGER) >> 16, (CAST(r.value AS INTEGER) >> 8) & 255, CAST(r.value AS INTEGER) & 255) ${newest("?4")})
       WHERE device_id IN (SELECT value FROM json_each(?1))`,
      JSON.stringify(chunk),
      battery.id,
      battery.scale,
      firmware.id,
    ),
  );
}

export function prepareJoinState(db: D1Database, deviceId: number, time: number, devAddr: string | null): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO device_state (device_id, joined_at, dev_addr) VALUES (?1, ?2, ?3)
       ON CONFLICT (device_id) DO UPDATE SET joined_at = excluded.joined_at, dev_addr = coalesce(excluded.dev_addr, dev_addr)
       WHERE excluded.joined_at >= coalesce(device_state.joined_at, 0)`,
    )
    .bind(deviceId, time, devAddr);
}

export function prepareStatusState(
  db: D1Database,
  deviceId: number,
  s: { time: number; batteryLevel: number | null; margin: number; externalPower: boolean },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO device_state (device_id, status_at, battery_level, margin, external_power) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (device_id) DO UPDATE SET status_at = excluded.status_at, battery_level = excluded.battery_level,
         margin = excluded.margin, external_power = excluded.external_power
       WHERE excluded.status_at >= coalesce(device_state.status_at, 0)`,
    )
    .bind(deviceId, s.time, s.batteryLevel, s.margin, s.externalPower ? 1 : 0);
}

export function prepareLocationState(
  db: D1Database,
  deviceId: number,
  l: { time: number; latitude: number; longitude: number; altitude: number | null; accuracy: number | null; source: string | null },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO device_state (device_id, location_at, location_latitude, location_longitude, location_altitude, location_accuracy, location_source)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (device_id) DO UPDATE SET location_at = excluded.location_at, location_latitude = excluded.location_latitude,
         location_longitude = excluded.location_longitude, location_altitude = excluded.location_altitude,
         location_accuracy = excluded.location_accuracy, location_source = excluded.location_source
       WHERE excluded.location_at >= coalesce(device_state.location_at, 0)`,
    )
    .bind(deviceId, l.time, l.latitude, l.longitude, l.altitude, l.accuracy, l.source);
}

export interface DeviceState {
  lastSeenAt: number | null;
  fCnt: number | null;
  fPort: number | null;
  rssi: number | null;
  snr: number | null;
  dr: number | null;
  battery: number | null;
  firmware: string | null;
  batteryLevel: number | null;
  margin: number | null;
  externalPower: boolean | null;
  statusAt: number | null;
  devAddr: string | null;
  joinedAt: number | null;
  location: { time: number; latitude: number; longitude: number; altitude: number | null; accuracy: number | null; source: string | null } | null;
}

interface StateRow {
  last_seen_at: number | null;
  f_cnt: number | null;
  f_port: number | null;
  rssi: number | null;
  snr: number | null;
  dr: number | null;
  battery: number | null;
  firmware: string | null;
  battery_level: number | null;
  margin: number | null;
  external_power: number | null;
  status_at: number | null;
  dev_addr: string | null;
  joined_at: number | null;
  location_at: number | null;
  location_latitude: number | null;
  location_longitude: number | null;
  location_altitude: number | null;
  location_accuracy: number | null;
  location_source: string | null;
}

export async function findDeviceState(db: D1Database, deviceId: number): Promise<DeviceState | null> {
  const r = await d1(() => db.prepare("SELECT * FROM device_state WHERE device_id = ?1").bind(deviceId).first<StateRow>());
  if (!r) return null;
  return {
    lastSeenAt: r.last_seen_at,
    fCnt: r.f_cnt,
    fPort: r.f_port,
    rssi: r.rssi,
    snr: r.snr,
    dr: r.dr,
    battery: r.battery,
    firmware: r.firmware,
    batteryLevel: r.battery_level,
    margin: r.margin,
    externalPower: r.external_power === null ? null : r.external_power === 1,
    statusAt: r.status_at,
    devAddr: r.dev_addr,
    joinedAt: r.joined_at,
    location:
      r.location_at !== null && r.location_latitude !== null && r.location_longitude !== null
        ? {
            time: r.location_at,
            latitude: r.location_latitude,
            longitude: r.location_longitude,
            altitude: r.location_altitude,
            accuracy: r.location_accuracy,
            source: r.location_source,
          }
        : null,
  };
}
