import { d1 } from "./db.ts";
import { chunkRows, prepareWithin } from "./limits.ts";

export interface QuarantineRecord {
  eventKey: string;
  receivedAt: number;
  source: string;
  kind: string;
  devEui: string;
  time: number;
  reasonCode: string;
  reason: string;
  tokenId: number | null;
  /** The whole event and the scope it was accepted under, JSON (see ingest/quarantine.ts). */
  event: string;
}

/** Insert-if-new on the event's global key: a redelivered quarantined event is kept once. */
export function prepareInsertQuarantined(db: D1Database, q: QuarantineRecord): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO quarantine (event_key, received_at, source, kind, dev_eui, time, reason_code, reason, token_id, event)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
    )
    .bind(q.eventKey, q.receivedAt, q.source, q.kind, q.devEui, q.time, q.reasonCode, q.reason, q.tokenId, q.event);
}

export interface QuarantinedEvent extends QuarantineRecord {
  id: number;
  resolvedAt: number | null;
  resolution: string | null;
}

interface QuarantineRow {
  id: number;
  event_key: string;
  received_at: number;
  source: string;
  kind: string;
  dev_eui: string;
  time: number;
  reason_code: string;
  reason: string;
  token_id: number | null;
  event: string;
  resolved_at: number | null;
  resolution: string | null;
}

const toQuarantined = (r: QuarantineRow): QuarantinedEvent => ({
  id: r.id,
  eventKey: r.event_key,
  receivedAt: r.received_at,
  source: r.source,
  kind: r.kind,
  devEui: r.dev_eui,
  time: r.time,
  reasonCode: r.reason_code,
  reason: r.reason,
  tokenId: r.token_id,
  event: r.event,
  resolvedAt: r.resolved_at,
  resolution: r.resolution,
});

export interface QuarantineFilter {
  /** Only events not resolved yet (default), or every event. */
  open: boolean;
  devEui?: string | undefined;
  reasonCode?: string | undefined;
  /** Events with an id above this (pagination cursor, oldest first). */
  after?: number | undefined;
  limit: number;
}

export async function listQuarantined(db: D1Database, f: QuarantineFilter): Promise<QuarantinedEvent[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT * FROM quarantine WHERE (?1 = 0 OR resolved_at IS NULL) AND (?2 IS NULL OR dev_eui = ?2)
           AND (?3 IS NULL OR reason_code = ?3) AND id > ?4
         ORDER BY id LIMIT ?5`,
      )
      .bind(f.open ? 1 : 0, f.devEui ?? null, f.reasonCode ?? null, f.after ?? 0, f.limit)
      .all<QuarantineRow>(),
  );
  return results.map(toQuarantined);
}

export async function countOpenQuarantine(db: D1Database): Promise<number> {
  const row = await d1(() => db.prepare("SELECT count(*) AS n FROM quarantine WHERE resolved_at IS NULL").first<{ n: number }>());
  return row?.n ?? 0;
}

export async function resolveQuarantined(db: D1Database, id: number, resolution: string, now: number): Promise<void> {
  await d1(() => db.prepare("UPDATE quarantine SET resolved_at = ?2, resolution = ?3 WHERE id = ?1").bind(id, now, resolution).run());
}

export async function updateQuarantineReason(db: D1Database, id: number, reasonCode: string, reason: string): Promise<void> {
  await d1(() => db.prepare("UPDATE quarantine SET reason_code = ?2, reason = ?3 WHERE id = ?1").bind(id, reasonCode, reason).run());
}

/** Marks quarantined events resolved (replayed: stored or found a duplicate). Rows: [id, resolution]. */
export function prepareResolveQuarantined(db: D1Database, rows: readonly (readonly [number, string])[], now: number): D1PreparedStatement[] {
  return chunkRows(rows).map((chunk) =>
    prepareWithin(
      db,
      `UPDATE quarantine SET resolved_at = ?2, resolution = n.resolution
       FROM (SELECT j.value ->> 0 AS id, j.value ->> 1 AS resolution FROM json_each(?1) AS j) AS n WHERE quarantine.id = n.id`,
      JSON.stringify(chunk),
      now,
    ),
  );
}

/** Gives still-quarantined events their current reason. Rows: [id, code, reason]. */
export function prepareUpdateQuarantineReasons(db: D1Database, rows: readonly (readonly [number, string, string])[]): D1PreparedStatement[] {
  return chunkRows(rows).map((chunk) =>
    prepareWithin(
      db,
      `UPDATE quarantine SET reason_code = n.code, reason = n.reason
       FROM (SELECT j.value ->> 0 AS id, j.value ->> 1 AS code, j.value ->> 2 AS reason FROM json_each(?1) AS j) AS n WHERE quarantine.id = n.id`,
      JSON.stringify(chunk),
    ),
  );
}
