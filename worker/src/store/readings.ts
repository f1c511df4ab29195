import { bytesToHex, d1 } from "./db.ts";
import { UPLINK_STORED } from "./uplinks.ts";

/** One row of the readings table: quantity id, epoch ms, stored value (see ingest/decode/values.ts). */
export type ReadingRow = readonly [quantityId: number, time: number, value: number];

/**
 * Inserts a device's readings in one statement: the rows travel as one JSON parameter, which
 * keeps a 32-sample frame under D1's 100-parameter limit and costs one round trip. `replace`
 * overwrites values (re-decoding); otherwise an existing (device, quantity, time) is kept, which
 * makes a replayed uplink a no-op. Overwriting is an upsert, never INSERT OR REPLACE: the rollup
 * triggers (migration 0006) see an update, while the row a REPLACE deletes fires no trigger.
 */
export function prepareInsertReadings(db: D1Database, deviceId: number, rows: readonly ReadingRow[], replace = false): D1PreparedStatement {
  return db
    .prepare(
      replace
        ? `INSERT INTO readings (device_id, quantity_id, time, value)
           SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j WHERE true
           ON CONFLICT DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value`
        : `INSERT OR IGNORE INTO readings (device_id, quantity_id, time, value)
           SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j`,
    )
    .bind(deviceId, JSON.stringify(rows));
}

/** The readings one uplink produced, to be stored if that uplink is. */
export interface UplinkReadings {
  deviceId: number;
  uplink: { time: number; fCnt: number; payload: Uint8Array };
  rows: readonly ReadingRow[];
}

/** Readings per statement: keeps the JSON parameter well under D1's 2 MB value limit. */
const ROWS_PER_STATEMENT = 5000;

/**
 * The readings of uplinks, written in the same batch after prepareInsertNewUplinks and only
 * where that uplink row is there: a delivery the insert turned away adds nothing. One statement
 * per 5,000 readings, each reading carrying its uplink's key.
 */
export function prepareInsertUplinkReadings(db: D1Database, uplinks: readonly UplinkReadings[]): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  let chunk: unknown[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO readings (device_id, quantity_id, time, value)
           SELECT r.device_id, r.quantity_id, r.time, r.value
           FROM (SELECT j.value ->> 0 AS device_id, j.value ->> 1 AS quantity_id, j.value ->> 2 AS time, j.value ->> 3 AS value,
                   j.value ->> 4 AS up_time, j.value ->> 5 AS up_f_cnt, j.value ->> 6 AS up_payload
                 FROM json_each(?1) AS j) AS r
           WHERE ${UPLINK_STORED("r.device_id", "r.up_time", "r.up_f_cnt", "r.up_payload")}`,
        )
        .bind(JSON.stringify(chunk)),
    );
    chunk = [];
  };
  for (const { deviceId, uplink, rows } of uplinks) {
    const payload = bytesToHex(uplink.payload);
    for (const [quantityId, time, value] of rows) {
      chunk.push([deviceId, quantityId, time, value, uplink.time, uplink.fCnt, payload]);
      if (chunk.length === ROWS_PER_STATEMENT) flush();
    }
  }
  flush();
  return statements;
}

/** Deletes every reading of a device at the given times (all quantities): what a re-decode replaces. */
export function prepareDeleteReadingsAt(db: D1Database, deviceId: number, times: readonly number[]): D1PreparedStatement {
  // `quantity_id IN (…)` lets SQLite seek the (device, quantity, time) key instead of scanning the device.
  return db
    .prepare(
      `DELETE FROM readings WHERE device_id = ?1 AND quantity_id IN (SELECT id FROM quantities)
         AND time IN (SELECT value FROM json_each(?2))`,
    )
    .bind(deviceId, JSON.stringify(times));
}

export interface StoredReading {
  key: string;
  time: number;
  value: number;
}

export interface ReadingQuery {
  quantity?: string | undefined;
  from: number;
  to: number;
  limit: number;
}

/** Readings of a device in [from, to), by quantity key then time. */
export async function listReadings(db: D1Database, deviceId: number, q: ReadingQuery): Promise<StoredReading[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT q.key, r.time, r.value FROM readings r JOIN quantities q ON q.id = r.quantity_id
         WHERE r.device_id = ?1 AND (?2 IS NULL OR q.key = ?2) AND r.time >= ?3 AND r.time < ?4
         ORDER BY q.key, r.time LIMIT ?5`,
      )
      .bind(deviceId, q.quantity ?? null, q.from, q.to, q.limit)
      .all<StoredReading>(),
  );
  return results;
}

export async function countReadings(db: D1Database, deviceId: number): Promise<number> {
  const row = await d1(() => db.prepare("SELECT count(*) AS n FROM readings WHERE device_id = ?1").bind(deviceId).first<{ n: number }>());
  return row?.n ?? 0;
}
