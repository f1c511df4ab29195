import { bytesToHex, d1 } from "./db.ts";
import { DUPLICATE_WINDOW_MS, storedDuplicateSql } from "./duplicates.ts";
import { chunkRows, prepareWithin } from "./limits.ts";

/** Decode status of a stored uplink (uplinks.decode). */
export const DECODE = { ok: 0, failed: 1, partial: 2, empty: 3 } as const;
export type DecodeStatus = keyof typeof DECODE;
const DECODE_NAMES = Object.fromEntries(Object.entries(DECODE).map(([k, v]) => [v, k])) as Record<number, DecodeStatus>;

export const SOURCES = { chirpstack: 1, ttn: 2 } as const;
const SOURCE_NAMES = { 1: "chirpstack", 2: "ttn" } as Record<number, "chirpstack" | "ttn">;

export interface IngestDevice {
  id: number;
  commune: string;
  territory: string;
  profile: string | null;
  codec: string | null;
}

/** One delivery to look up: its device, and what the duplicate rule compares (store/duplicates.ts). */
export interface UplinkProbe {
  devEui: string;
  time: number;
  fCnt: number;
  payload: Uint8Array;
  dedupId: Uint8Array | null;
}

/** A delivery's device (null: not registered), whether it is stored already, and whether its key (time, fCnt) is. */
export interface UplinkTarget {
  device: IngestDevice | null;
  seen: boolean;
  taken: boolean;
}

/**
 * For each delivery, the registry entry of its device (null: not registered) and whether the
 * uplink is stored already (the duplicate rule): one query for all of them.
 */
export async function findUplinkTargets(db: D1Database, probes: readonly UplinkProbe[]): Promise<UplinkTarget[]> {
  const out: UplinkTarget[] = probes.map(() => ({ device: null, seen: false, taken: false }));
  let offset = 0;
  for (const chunk of chunkRows(probes.map((p) => [p.devEui, p.time, p.fCnt, bytesToHex(p.payload), p.dedupId === null ? null : bytesToHex(p.dedupId)]))) {
    const { results } = await d1(() =>
      prepareWithin(
        db,
        `SELECT p.i, d.id, d.commune, t.code AS territory, d.profile, d.codec,
           ${storedDuplicateSql("u", { deviceId: "d.id", time: "p.time", fCnt: "p.f_cnt", payload: "p.payload", dedupId: "p.dedup_id" }, "?2")} AS seen,
           EXISTS (SELECT 1 FROM uplinks k WHERE k.device_id = d.id AND k.time = p.time AND k.f_cnt = p.f_cnt) AS taken
         FROM (SELECT j.key AS i, j.value ->> 0 AS dev_eui, j.value ->> 1 AS time, j.value ->> 2 AS f_cnt,
                 unhex(j.value ->> 3) AS payload, unhex(j.value ->> 4) AS dedup_id FROM json_each(?1) AS j) AS p
         JOIN devices d ON d.dev_eui = p.dev_eui JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id`,
        JSON.stringify(chunk),
        DUPLICATE_WINDOW_MS,
      ).all<IngestDevice & { i: number; seen: number; taken: number }>(),
    );
    for (const { i, seen, taken, ...device } of results) out[offset + i] = { device, seen: seen === 1, taken: taken === 1 };
    offset += chunk.length;
  }
  return out;
}

export interface UplinkRecord {
  deviceId: number;
  time: number;
  fCnt: number;
  fPort: number;
  payload: Uint8Array;
  dedupId: Uint8Array | null;
  /** The network server's receive time (null: not given). `time` is the one it chose. */
  nsTime: number | null;
  /** When the Worker received the event (null: stored before it was recorded). */
  receivedAt: number | null;
  rssi: number | null;
  snr: number | null;
  dr: number | null;
  gateways: number;
  source: "chirpstack" | "ttn";
  decode: DecodeStatus;
  note: string | null;
  /** Earliest and latest time of the readings it decoded to (null: none), where re-decoding looks for them. */
  readingsFrom: number | null;
  readingsTo: number | null;
}

/** What an uplink was decoded and authorized against: the insert only happens if the registry still says so. */
export interface RegistryExpectation {
  devEui: string;
  commune: string;
  territory: string;
  profile: string | null;
  codec: string | null;
}

export interface NewUplink {
  uplink: UplinkRecord;
  expected: RegistryExpectation;
}

/** An uplink's key, as RETURNING gives it back: "device:time:fCnt". */
export const uplinkKey = (deviceId: number, time: number, fCnt: number) => `${deviceId}:${time}:${fCnt}`;

/**
 * Inserts each uplink that is new and whose device is still registered as expected (the rows
 * travel as one JSON parameter per statement, as many statements as D1's statement size needs);
 * RETURNING gives the keys of those inserted, the others changed nothing. "New" is the duplicate
 * rule (store/duplicates.ts), checked inside the insert, so concurrent deliveries cannot both pass
 * it. Ingest can therefore decode with a cached registry entry and still never store under a
 * stale one: a refused row sends ingest back to read the registry. The rule is checked against
 * rows stored before the statement: two copies of one frame in the same call are the caller's to
 * tell apart (the pipeline stores the second one in a later round).
 */
export function prepareInsertNewUplinks(db: D1Database, rows: readonly NewUplink[]): D1PreparedStatement[] {
  const json = rows.map(({ uplink: u, expected: e }) => [
    u.deviceId,
    u.time,
    u.fCnt,
    u.fPort,
    bytesToHex(u.payload),
    u.dedupId === null ? null : bytesToHex(u.dedupId),
    u.rssi,
    u.snr === null ? null : Math.round(u.snr * 100),
    u.dr,
    u.gateways,
    SOURCES[u.source],
    DECODE[u.decode],
    u.note,
    e.devEui,
    e.commune,
    e.territory,
    e.profile,
    e.codec,
    u.readingsFrom,
    u.readingsTo,
    u.nsTime,
    u.receivedAt,
  ]);
  return chunkRows(json).map((chunk) =>
    prepareWithin(
      db,
      `INSERT OR IGNORE INTO uplinks (device_id, time, f_cnt, f_port, payload, dedup_id, rssi, snr_cdb, dr, gateways, source, decode, note, readings_from, readings_to,
                                      ns_time, received_at)
       SELECT n.device_id, n.time, n.f_cnt, n.f_port, n.payload, n.dedup_id, n.rssi, n.snr_cdb, n.dr, n.gateways, n.source, n.decode, n.note,
              n.readings_from, n.readings_to, n.ns_time, n.received_at
       FROM (SELECT j.value ->> 0 AS device_id, j.value ->> 1 AS time, j.value ->> 2 AS f_cnt, j.value ->> 3 AS f_port,
               unhex(j.value ->> 4) AS payload, unhex(j.value ->> 5) AS dedup_id, j.value ->> 6 AS rssi, j.value ->> 7 AS snr_cdb,
               j.value ->> 8 AS dr, j.value ->> 9 AS gateways, j.value ->> 10 AS source, j.value ->> 11 AS decode, j.value ->> 12 AS note,
               j.value ->> 13 AS dev_eui, j.value ->> 14 AS commune, j.value ->> 15 AS territory, j.value ->> 16 AS profile,
               j.value ->> 17 AS codec, j.value ->> 18 AS readings_from, j.value ->> 19 AS readings_to,
               j.value ->> 20 AS ns_time, j.value ->> 21 AS received_at
             FROM json_each(?1) AS j) AS n
       WHERE EXISTS (SELECT 1 FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
                     WHERE d.id = n.device_id AND d.dev_eui = n.dev_eui AND d.commune = n.commune AND t.code = n.territory
                       AND d.profile IS n.profile AND d.codec IS n.codec)
         AND NOT ${storedDuplicateSql("w", { deviceId: "n.device_id", time: "n.time", fCnt: "n.f_cnt", payload: "n.payload", dedupId: "n.dedup_id" }, "?2")}
       RETURNING device_id, time, f_cnt`,
      JSON.stringify(chunk),
      DUPLICATE_WINDOW_MS,
    ),
  );
}

/**
 * The SQL condition "this uplink row is stored", for statements that follow the insert in the same
 * batch; the arguments are SQL expressions for the device, time, fCnt and payload (hex).
 */
export const UPLINK_STORED = (deviceId: string, time: string, fCnt: string, payloadHex: string) =>
  `EXISTS (SELECT 1 FROM uplinks WHERE device_id = ${deviceId} AND time = ${time} AND f_cnt = ${fCnt} AND payload = unhex(${payloadHex}))`;

/** A re-decoded uplink's new status, note and readings span. */
export interface UplinkDecodeUpdate {
  deviceId: number;
  time: number;
  fCnt: number;
  decode: DecodeStatus;
  note: string | null;
  readingsFrom: number | null;
  readingsTo: number | null;
}

/** Updates the decode columns of re-decoded uplinks (rows as JSON, statements within D1's limits). */
export function prepareUpdateUplinkDecodes(db: D1Database, updates: readonly UplinkDecodeUpdate[]): D1PreparedStatement[] {
  const json = updates.map((u) => [u.deviceId, u.time, u.fCnt, DECODE[u.decode], u.note, u.readingsFrom, u.readingsTo]);
  return chunkRows(json).map((chunk) =>
    prepareWithin(
      db,
      `UPDATE uplinks SET decode = n.decode, note = n.note, readings_from = n.readings_from, readings_to = n.readings_to
       FROM (SELECT j.value ->> 0 AS device_id, j.value ->> 1 AS time, j.value ->> 2 AS f_cnt, j.value ->> 3 AS decode,
               j.value ->> 4 AS note, j.value ->> 5 AS readings_from, j.value ->> 6 AS readings_to FROM json_each(?1) AS j) AS n
       WHERE uplinks.device_id = n.device_id AND uplinks.time = n.time AND uplinks.f_cnt = n.f_cnt`,
      JSON.stringify(chunk),
    ),
  );
}

/**
 * Appends to the note of stored uplinks (why some of their readings are not theirs: the rule of
 * store/readings.ts). Rows: [deviceId, time, fCnt, text].
 */
export function prepareAppendUplinkNotes(db: D1Database, notes: readonly (readonly [number, number, number, string])[]): D1PreparedStatement[] {
  return chunkRows(notes).map((chunk) =>
    prepareWithin(
      db,
      `UPDATE uplinks SET note = CASE WHEN note IS NULL THEN n.text ELSE note || '; ' || n.text END
       FROM (SELECT j.value ->> 0 AS device_id, j.value ->> 1 AS time, j.value ->> 2 AS f_cnt, j.value ->> 3 AS text FROM json_each(?1) AS j) AS n
       WHERE uplinks.device_id = n.device_id AND uplinks.time = n.time AND uplinks.f_cnt = n.f_cnt`,
      JSON.stringify(chunk),
    ),
  );
}

/** Every stored uplink, counted (a full scan: operations and benchmarks, not a hot path). */
export async function countUplinks(db: D1Database): Promise<number> {
  const row = await d1(() => db.prepare("SELECT count(*) AS n FROM uplinks").first<{ n: number }>());
  return row?.n ?? 0;
}

export interface StoredUplink extends Omit<UplinkRecord, "deviceId" | "readingsFrom" | "readingsTo"> {}

interface UplinkRow {
  time: number;
  f_cnt: number;
  f_port: number;
  payload: ArrayBuffer;
  dedup_id: ArrayBuffer | null;
  ns_time: number | null;
  received_at: number | null;
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
    nsTime: r.ns_time,
    receivedAt: r.received_at,
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
        `SELECT time, f_cnt, f_port, payload, dedup_id, ns_time, received_at, rssi, snr_cdb, dr, gateways, source, decode, note FROM uplinks
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
  readingsFrom: number | null;
  readingsTo: number | null;
}

/** A page of stored uplinks to decode again, in key order (device, time, fCnt). */
export async function listUplinksToRedecode(db: D1Database, s: RedecodeSelection): Promise<UplinkToRedecode[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT u.device_id, d.dev_eui, d.profile, d.codec, u.time, u.f_cnt, u.f_port, u.payload, u.readings_from, u.readings_to
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
      .all<{ device_id: number; dev_eui: string; profile: string | null; codec: string | null; time: number; f_cnt: number; f_port: number; payload: ArrayBuffer; readings_from: number | null; readings_to: number | null }>(),
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
    readingsFrom: r.readings_from,
    readingsTo: r.readings_to,
  }));
}
