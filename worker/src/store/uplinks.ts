import { d1 } from "./db.ts";

/** Decode status of a stored uplink (uplinks.decode). */
export const DECODE = { ok: 0, failed: 1, partial: 2, empty: 3 } as const;
export type DecodeStatus = keyof typeof DECODE;
const DECODE_NAMES = Object.fromEntries(Object.entries(DECODE).map(([k, v]) => [v, k])) as Record<number, DecodeStatus>;

export const SOURCES = { chirpstack: 1, ttn: 2 } as const;
const SOURCE_NAMES = { 1: "chirpstack", 2: "ttn" } as Record<number, "chirpstack" | "ttn">;

/**
 * How far apart in time two deliveries of one frame can be and still count as duplicates when
 * they do not share the network server's id: the same frame through two network servers,
 * a LoRaWAN retransmission (same fCnt, same payload), a webhook retry with a new id.
 */
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

export interface IngestDevice {
  id: number;
  commune: string;
  territory: string;
  profile: string | null;
  codec: string | null;
}

export interface UplinkProbe {
  time: number;
  fCnt: number;
  payload: Uint8Array;
  dedupId: Uint8Array | null;
}

/**
 * The device an uplink belongs to and whether this uplink is stored already: one read for both.
 * Seen = an uplink of the device within the duplicate window with the same network-server id,
 * or with the same frame counter and payload.
 */
export async function findUplinkTarget(db: D1Database, devEui: string, probe: UplinkProbe): Promise<{ device: IngestDevice | null; seen: boolean }> {
  const row = await d1(() =>
    db
      .prepare(
        `SELECT d.id, d.commune, t.code AS territory, d.profile, d.codec,
           EXISTS (SELECT 1 FROM uplinks u WHERE u.device_id = d.id AND u.time BETWEEN ?2 AND ?3
                   AND ((?4 IS NOT NULL AND u.dedup_id = ?4) OR (u.f_cnt = ?5 AND u.payload = ?6))) AS seen
         FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
         WHERE d.dev_eui = ?1`,
      )
      .bind(devEui, probe.time - DUPLICATE_WINDOW_MS, probe.time + DUPLICATE_WINDOW_MS, probe.dedupId, probe.fCnt, probe.payload)
      .first<IngestDevice & { seen: number }>(),
  );
  if (!row) return { device: null, seen: false };
  const { seen, ...device } = row;
  return { device, seen: seen === 1 };
}

export interface UplinkRecord {
  deviceId: number;
  time: number;
  fCnt: number;
  fPort: number;
  payload: Uint8Array;
  dedupId: Uint8Array | null;
  rssi: number | null;
  snr: number | null;
  dr: number | null;
  gateways: number;
  source: "chirpstack" | "ttn";
  decode: DecodeStatus;
  note: string | null;
}

/** What an uplink was decoded and authorized against: the insert only happens if the registry still says so. */
export interface RegistryExpectation {
  devEui: string;
  commune: string;
  territory: string;
  profile: string | null;
  codec: string | null;
}

/**
 * Inserts the uplink if it is new and the device is still registered as `expected`; changes 0
 * rows otherwise. "New" is the duplicate rule of findUplinkTarget, checked inside the insert, so
 * concurrent deliveries cannot both pass it. Ingest can therefore decode with a cached registry
 * entry and still never store under a stale one: a 0 sends it back to read the registry.
 */
export function prepareInsertNewUplink(db: D1Database, u: UplinkRecord, expected: RegistryExpectation): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO uplinks (device_id, time, f_cnt, f_port, payload, dedup_id, rssi, snr_cdb, dr, gateways, source, decode, note)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13
       WHERE EXISTS (SELECT 1 FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
                     WHERE d.id = ?1 AND d.dev_eui = ?20 AND d.commune = ?14 AND t.code = ?15 AND d.profile IS ?16 AND d.codec IS ?17)
         AND NOT EXISTS (SELECT 1 FROM uplinks w WHERE w.device_id = ?1 AND w.time BETWEEN ?18 AND ?19
                         AND ((?6 IS NOT NULL AND w.dedup_id = ?6) OR (w.f_cnt = ?3 AND w.payload = ?5)))`,
    )
    .bind(
      u.deviceId,
      u.time,
      u.fCnt,
      u.fPort,
      u.payload,
      u.dedupId,
      u.rssi,
      u.snr === null ? null : Math.round(u.snr * 100),
      u.dr,
      u.gateways,
      SOURCES[u.source],
      DECODE[u.decode],
      u.note,
      expected.commune,
      expected.territory,
      expected.profile,
      expected.codec,
      u.time - DUPLICATE_WINDOW_MS,
      u.time + DUPLICATE_WINDOW_MS,
      expected.devEui,
    );
}

/** The SQL condition "this uplink row is stored" (?1 device, ?T time, ?F fCnt, ?P payload), for statements that follow the insert. */
export const UPLINK_STORED = (time: string, fCnt: string, payload: string) =>
  `EXISTS (SELECT 1 FROM uplinks WHERE device_id = ?1 AND time = ${time} AND f_cnt = ${fCnt} AND payload = ${payload})`;

/** Every stored uplink, counted (a full scan: operations and benchmarks, not a hot path). */
export async function countUplinks(db: D1Database): Promise<number> {
  const row = await d1(() => db.prepare("SELECT count(*) AS n FROM uplinks").first<{ n: number }>());
  return row?.n ?? 0;
}

export function prepareUpdateUplinkDecode(db: D1Database, deviceId: number, time: number, fCnt: number, decode: DecodeStatus, note: string | null): D1PreparedStatement {
  return db.prepare("UPDATE uplinks SET decode = ?4, note = ?5 WHERE device_id = ?1 AND time = ?2 AND f_cnt = ?3").bind(deviceId, time, fCnt, DECODE[decode], note);
}

export interface StoredUplink extends Omit<UplinkRecord, "deviceId"> {}

interface UplinkRow {
  time: number;
  f_cnt: number;
  f_port: number;
  payload: ArrayBuffer;
  dedup_id: ArrayBuffer | null;
  rssi: number | null;
  snr_cdb: number | null;
  dr: number | null;
  gateways: number;
  source: number;
  decode: number;
  note: string | null;
}

function toUplink(r: UplinkRow): StoredUplink {
  return {
    time: r.time,
    fCnt: r.f_cnt,
    fPort: r.f_port,
    payload: new Uint8Array(r.payload),
    dedupId: r.dedup_id ? new Uint8Array(r.dedup_id) : null,
    rssi: r.rssi,
    snr: r.snr_cdb === null ? null : r.snr_cdb / 100,
    dr: r.dr,
    gateways: r.gateways,
    source: SOURCE_NAMES[r.source] ?? "chirpstack",
    decode: DECODE_NAMES[r.decode] ?? "failed",
    note: r.note,
  };
}

export interface UplinkRange {
  from: number;
  to: number;
  /** Resume after this uplink (time, fCnt), oldest first. */
  after?: { time: number; fCnt: number } | undefined;
  limit: number;
}

/** Uplinks of a device in [from, to), oldest first. */
export async function listUplinks(db: D1Database, deviceId: number, range: UplinkRange): Promise<StoredUplink[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT time, f_cnt, f_port, payload, dedup_id, rssi, snr_cdb, dr, gateways, source, decode, note FROM uplinks
         WHERE device_id = ?1 AND time >= ?2 AND time < ?3 AND (?4 IS NULL OR (time, f_cnt) > (?4, ?5))
         ORDER BY time, f_cnt LIMIT ?6`,
      )
      .bind(deviceId, range.from, range.to, range.after?.time ?? null, range.after?.fCnt ?? 0, range.limit)
      .all<UplinkRow>(),
  );
  return results.map(toUplink);
}

export interface RedecodeSelection {
  devEui?: string | undefined;
  profile?: string | undefined;
  codec?: string | undefined;
  from: number;
  to: number;
  /** Only uplinks whose decoding failed or left values out. */
  failedOnly: boolean;
  after?: { deviceId: number; time: number; fCnt: number } | undefined;
  limit: number;
}

export interface UplinkToRedecode {
  deviceId: number;
  devEui: string;
  profile: string | null;
  codec: string | null;
  time: number;
  fCnt: number;
  fPort: number;
  payload: Uint8Array;
}

/** A page of stored uplinks to decode again, in key order (device, time, fCnt). */
export async function listUplinksToRedecode(db: D1Database, s: RedecodeSelection): Promise<UplinkToRedecode[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT u.device_id, d.dev_eui, d.profile, d.codec, u.time, u.f_cnt, u.f_port, u.payload
         FROM uplinks u JOIN devices d ON d.id = u.device_id
         WHERE (?1 IS NULL OR d.dev_eui = ?1) AND (?2 IS NULL OR d.profile = ?2) AND (?3 IS NULL OR d.codec = ?3)
           AND u.time >= ?4 AND u.time < ?5 AND (?6 = 0 OR u.decode IN (1, 2))
           AND (u.device_id, u.time, u.f_cnt) > (?7, ?8, ?9)
         ORDER BY u.device_id, u.time, u.f_cnt LIMIT ?10`,
      )
      .bind(
        s.devEui ?? null,
        s.profile ?? null,
        s.codec ?? null,
        s.from,
        s.to,
        s.failedOnly ? 1 : 0,
        s.after?.deviceId ?? -1,
        s.after?.time ?? 0,
        s.after?.fCnt ?? 0,
        s.limit,
      )
      .all<{ device_id: number; dev_eui: string; profile: string | null; codec: string | null; time: number; f_cnt: number; f_port: number; payload: ArrayBuffer }>(),
  );
  return results.map((r) => ({
    deviceId: r.device_id,
    devEui: r.dev_eui,
    profile: r.profile,
    codec: r.codec,
    time: r.time,
    fCnt: r.f_cnt,
    fPort: r.f_port,
    payload: new Uint8Array(r.payload),
  }));
}
