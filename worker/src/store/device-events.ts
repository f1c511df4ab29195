import { d1 } from "./db.ts";

export interface DeviceEventRecord {
  deviceId: number;
  time: number;
  kind: string;
  eventKey: string;
  level: string | null;
  code: string | null;
  detail: Record<string, unknown>;
}

/** Insert-if-new on (device, kind, event key): a redelivered event changes nothing. */
export function prepareInsertDeviceEvent(db: D1Database, e: DeviceEventRecord): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO device_events (device_id, time, kind, event_key, level, code, detail)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
    )
    .bind(e.deviceId, e.time, e.kind, e.eventKey, e.level, e.code, JSON.stringify(e.detail));
}

export interface StoredDeviceEvent {
  time: number;
  kind: string;
  level: string | null;
  code: string | null;
  detail: Record<string, unknown>;
}

interface EventRow {
  time: number;
  kind: string;
  level: string | null;
  code: string | null;
  detail: string;
}

/** Events of a device in [from, to), newest first. */
export async function listDeviceEvents(
  db: D1Database,
  deviceId: number,
  q: { kind?: string | undefined; from: number; to: number; limit: number },
): Promise<StoredDeviceEvent[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT time, kind, level, code, detail FROM device_events
         WHERE device_id = ?1 AND (?2 IS NULL OR kind = ?2) AND time >= ?3 AND time < ?4
         ORDER BY time DESC, id DESC LIMIT ?5`,
      )
      .bind(deviceId, q.kind ?? null, q.from, q.to, q.limit)
      .all<EventRow>(),
  );
  return results.map((r) => ({ time: r.time, kind: r.kind, level: r.level, code: r.code, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
