import { bytesToHex, d1 } from "./db.ts";
import { chunkRows, prepareWithin } from "./limits.ts";
import type { ValueEncoding } from "./quantities.ts";
import { UPLINK_STORED } from "./uplinks.ts";

/** One reading as decoded: quantity id, epoch ms, stored value (see ingest/decode/values.ts). */
export type ReadingRow = readonly [quantityId: number, time: number, value: number];

/** The uplink a reading belongs to: the key of its uplinks row. */
export interface UplinkRef {
  time: number;
  fCnt: number;
}

/**
 * The one rule for two writers of the same (device, quantity, time): the earliest uplink — by
 * time, then frame counter — owns the reading, whatever order the uplinks arrive or are
 * re-decoded in. A resent buffered sample therefore stays the reading its first frame wrote, and
 * an uplink's own readings are never overwritten by a later one. A reading written by a status
 * event (no uplink) yields to any uplink's. As SQL: the incoming row (`excluded`) takes over the
 * stored one (`readings`) when this holds.
 */
const EARLIER_UPLINK_WINS = `readings.uplink_lag IS NULL
  OR (excluded.time + excluded.uplink_lag, excluded.uplink_f_cnt) < (readings.time + readings.uplink_lag, readings.uplink_f_cnt)`;

/** The readings one uplink produced, to be stored if that uplink is. */
export interface UplinkReadings {
  deviceId: number;
  uplink: UplinkRef & { payload: Uint8Array };
  rows: readonly ReadingRow[];
  /**
   * ms between the samples of a multi-sample frame, or null. Reception jitter dates a resent
   * sample a few ms to seconds away from its first copy: within half this interval of a reading
   * another uplink wrote for the same quantity, it is that same sample, and the rule applies to it.
   */
  sampleInterval: number | null;
}

/** What RETURNING gives back for each reading written: enough to name its uplink. */
export interface WrittenReading {
  device_id: number;
  quantity_id: number;
  time: number;
  uplink_lag: number;
  uplink_f_cnt: number;
}

/** The rows of one statement, as JSON: [device, quantity, time, value, uplink time, uplink fCnt, payload hex, tolerance ms]. */
type ReadingJson = [number, number, number, number, number, number, string, number];

const READING_ROWS = `SELECT j.value ->> 0 AS device_id, j.value ->> 1 AS quantity_id, j.value ->> 2 AS time, j.value ->> 3 AS value,
    j.value ->> 4 AS up_time, j.value ->> 5 AS up_f_cnt, j.value ->> 6 AS up_payload, j.value ->> 7 AS tol
  FROM json_each(?1) AS j`;

/**
 * The readings of uplinks, written in the same batch after prepareInsertNewUplinks and only
 * where that uplink row is there: a delivery the insert turned away adds nothing. Each reading
 * carries its uplink's identity; a (device, quantity, time) stored already goes to the earlier
 * uplink (EARLIER_UPLINK_WINS), and so does a resent sample of a multi-sample frame dated a little
 * apart by reception jitter (UplinkReadings.sampleInterval): the later uplink's copy is removed or
 * not written. RETURNING lists the readings written (inserted or taken over), so the caller sees
 * which an earlier uplink holds. As many statements as D1's limits need.
 */
export function prepareInsertUplinkReadings(db: D1Database, uplinks: readonly UplinkReadings[]): D1PreparedStatement[] {
  const rows = withoutLaterCopies(uplinks);
  const jittered = rows.filter((r) => r[7] > 0);
  const stored = UPLINK_STORED("r.device_id", "r.up_time", "r.up_f_cnt", "r.up_payload");
  // A later uplink's copy of a sample stored before this batch, a few ms away: the earlier uplink takes it over.
  const removeLaterCopies = chunkRows(jittered).map((chunk) =>
    prepareWithin(
      db,
      `DELETE FROM readings WHERE (device_id, quantity_id, time) IN (
         SELECT x.device_id, x.quantity_id, x.time FROM (${READING_ROWS}) AS r
         JOIN readings x ON x.device_id = r.device_id AND x.quantity_id = r.quantity_id AND x.time BETWEEN r.time - r.tol AND r.time + r.tol
         WHERE x.time <> r.time AND x.uplink_lag IS NOT NULL AND (x.time + x.uplink_lag, x.uplink_f_cnt) > (r.up_time, r.up_f_cnt) AND ${stored})`,
      JSON.stringify(chunk),
    ),
  );
  const inserts = chunkRows(rows).map((chunk) =>
    prepareWithin(
      db,
      `INSERT INTO readings (device_id, quantity_id, time, value, uplink_lag, uplink_f_cnt)
       SELECT r.device_id, r.quantity_id, r.time, r.value, r.up_time - r.time, r.up_f_cnt
       FROM (${READING_ROWS}) AS r
       WHERE ${stored}
         AND NOT EXISTS (SELECT 1 FROM readings x WHERE r.tol > 0 AND x.device_id = r.device_id AND x.quantity_id = r.quantity_id
                           AND x.time BETWEEN r.time - r.tol AND r.time + r.tol AND x.time <> r.time AND x.uplink_lag IS NOT NULL
                           AND (x.time + x.uplink_lag, x.uplink_f_cnt) < (r.up_time, r.up_f_cnt))
       ON CONFLICT (device_id, quantity_id, time) DO UPDATE SET value = excluded.value, uplink_lag = excluded.uplink_lag,
         uplink_f_cnt = excluded.uplink_f_cnt
       WHERE ${EARLIER_UPLINK_WINS}
       RETURNING device_id, quantity_id, time, uplink_lag, uplink_f_cnt`,
      JSON.stringify(chunk),
    ),
  );
  return [...removeLaterCopies, ...inserts];
}

/**
 * The same rule between uplinks of one batch, before SQL (a statement does not see its own rows
 * when it looks for nearby ones): a sample another uplink of the batch also decoded, within half
 * the frame's interval, is written by the earliest of them only.
 */
function withoutLaterCopies(uplinks: readonly UplinkReadings[]): ReadingJson[] {
  const rows: ReadingJson[] = [];
  for (const { deviceId, uplink, rows: readings, sampleInterval } of uplinks) {
    const payload = bytesToHex(uplink.payload);
    const tol = sampleInterval === null ? 0 : Math.floor(sampleInterval / 2);
    for (const [quantityId, time, value] of readings) rows.push([deviceId, quantityId, time, value, uplink.time, uplink.fCnt, payload, tol]);
  }
  if (!rows.some((r) => r[7] > 0)) return rows;
  const earlier = (a: ReadingJson, b: ReadingJson) => a[4] < b[4] || (a[4] === b[4] && a[5] < b[5]);
  const series = new Map<string, ReadingJson[]>();
  for (const r of rows) {
    const key = `${r[0]}:${r[1]}`;
    series.set(key, [...(series.get(key) ?? []), r]);
  }
  const dropped = new Set<ReadingJson>();
  for (const list of series.values()) {
    for (const r of list) {
      if (r[7] === 0) continue;
      const other = list.find((o) => o !== r && !dropped.has(o) && o[2] !== r[2] && Math.abs(o[2] - r[2]) <= r[7] && (o[4] !== r[4] || o[5] !== r[5]));
      if (other && earlier(other, r)) dropped.add(r);
    }
  }
  return rows.filter((r) => !dropped.has(r));
}

/** A stored uplink being decoded again: its key, where its readings are, what it decodes to now. */
export interface UplinkRewrite {
  deviceId: number;
  uplink: UplinkRef;
  /** The span of the readings it wrote before (uplinks.readings_from/to); null: none. */
  before: { from: number; to: number } | null;
  rows: readonly ReadingRow[];
}

/**
 * Re-decoding: deletes exactly the readings these uplinks wrote (found within the span each
 * uplink recorded, by its identity), then writes what they decode to now under the same rule as
 * ingest. Readings another uplink wrote at the same times are left alone, and readings the new
 * decoder no longer produces are gone.
 */
export function prepareRewriteUplinkReadings(db: D1Database, rewrites: readonly UplinkRewrite[]): D1PreparedStatement[] {
  const spans = rewrites.filter((r) => r.before !== null).map((r) => [r.deviceId, r.uplink.time, r.uplink.fCnt, r.before!.from, r.before!.to]);
  const deletes = chunkRows(spans).map((chunk) =>
    prepareWithin(
      db,
      // Driven from the uplinks' side: `quantity_id IN (…)` and the span let SQLite seek the
      // (device, quantity, time) key instead of scanning the table.
      `DELETE FROM readings WHERE (device_id, quantity_id, time) IN (
         SELECT x.device_id, x.quantity_id, x.time
         FROM (SELECT j.value ->> 0 AS device_id, j.value ->> 1 AS up_time, j.value ->> 2 AS up_f_cnt,
                 j.value ->> 3 AS "from", j.value ->> 4 AS "to" FROM json_each(?1) AS j) AS u
         JOIN readings x ON x.device_id = u.device_id AND x.quantity_id IN (SELECT id FROM quantities)
           AND x.time BETWEEN u."from" AND u."to"
         WHERE x.time + x.uplink_lag = u.up_time AND x.uplink_f_cnt = u.up_f_cnt)`,
      JSON.stringify(chunk),
    ),
  );
  const rows: unknown[] = [];
  for (const { deviceId, uplink, rows: readings } of rewrites) {
    for (const [quantityId, time, value] of readings) rows.push([deviceId, quantityId, time, value, uplink.time - time, uplink.fCnt]);
  }
  const inserts = chunkRows(rows).map((chunk) =>
    prepareWithin(
      db,
      `INSERT INTO readings (device_id, quantity_id, time, value, uplink_lag, uplink_f_cnt)
       SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5 FROM json_each(?1) AS j WHERE true
       ON CONFLICT (device_id, quantity_id, time) DO UPDATE SET value = excluded.value, uplink_lag = excluded.uplink_lag,
         uplink_f_cnt = excluded.uplink_f_cnt
       WHERE ${EARLIER_UPLINK_WINS}`,
      JSON.stringify(chunk),
    ),
  );
  return [...deletes, ...inserts];
}

/**
 * Readings a network-server status event reports (DevStatusAns battery %): no uplink identity,
 * and never over a reading an uplink wrote.
 */
export function prepareInsertStatusReadings(db: D1Database, deviceId: number, rows: readonly ReadingRow[]): D1PreparedStatement {
  return prepareWithin(
    db,
    `INSERT INTO readings (device_id, quantity_id, time, value)
     SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j WHERE true
     ON CONFLICT (device_id, quantity_id, time) DO NOTHING`,
    deviceId,
    JSON.stringify(rows),
  );
}

/** A stored reading with the definition of its quantity row (the one its value was stored under). */
export interface StoredReading {
  key: string;
  time: number;
  value: number;
  unit: string;
  encoding: ValueEncoding;
  labels: readonly string[] | null;
  decimals: number;
}

export interface ReadingQuery {
  quantity?: string | undefined;
  from: number;
  to: number;
  limit: number;
}

/**
 * Readings of a device in [from, to), by quantity key then time. Each comes with its own quantity
 * row: a key whose unit or encoding changed has readings under both rows, each read its own way.
 */
export async function listReadings(db: D1Database, deviceId: number, q: ReadingQuery): Promise<StoredReading[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT q.key, r.time, r.value, q.unit, q.encoding, q.labels, q.decimals FROM readings r JOIN quantities q ON q.id = r.quantity_id
         WHERE r.device_id = ?1 AND (?2 IS NULL OR q.key = ?2) AND r.time >= ?3 AND r.time < ?4
         ORDER BY q.key, r.time LIMIT ?5`,
      )
      .bind(deviceId, q.quantity ?? null, q.from, q.to, q.limit)
      .all<Omit<StoredReading, "labels"> & { labels: string | null }>(),
  );
  return results.map((r) => ({ ...r, labels: r.labels === null ? null : (JSON.parse(r.labels) as string[]) }));
}

export async function countReadings(db: D1Database, deviceId: number): Promise<number> {
  const row = await d1(() => db.prepare("SELECT count(*) AS n FROM readings WHERE device_id = ?1").bind(deviceId).first<{ n: number }>());
  return row?.n ?? 0;
}
