import { d1 } from "./db.ts";
import type { QuantitySpec } from "./quantities.ts";

/** The newest reading of one quantity of one device, with the quantity row it was stored under. */
export interface LatestReading extends QuantitySpec {
  deviceId: number;
  time: number;
  /** As stored (× 10^decimals for numbers); decode with ingest/decode/values.ts decodeValue. */
  value: number;
}

interface Row {
  deviceId: number;
  key: string;
  unit: string;
  encoding: QuantitySpec["encoding"];
  labels: string | null;
  decimals: number;
  time: number;
  value: number;
}

/**
 * The newest reading of each quantity (or of `key` only) of each device. Devices × quantity rows
 * drive the join, so each pair is one seek for max(time) on the readings key; a key with retired
 * rows (quantities.retired_at) keeps the newest over all of them.
 */
export async function listLatestReadings(db: D1Database, deviceIds: readonly number[], key?: string): Promise<LatestReading[]> {
  if (deviceIds.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT d.value AS deviceId, q.key, q.unit, q.encoding, q.labels, q.decimals, r.time, r.value
         FROM json_each(?1) AS d
         CROSS JOIN quantities AS q
         CROSS JOIN readings AS r
         WHERE (?2 IS NULL OR q.key = ?2)
           AND r.device_id = d.value AND r.quantity_id = q.id
           AND r.time = (SELECT max(m.time) FROM readings AS m WHERE m.device_id = d.value AND m.quantity_id = q.id)
         ORDER BY d.value, q.key, r.time DESC`,
      )
      .bind(JSON.stringify(deviceIds), key ?? null)
      .all<Row>(),
  );
  const newest = new Map<string, LatestReading>();
  for (const r of results) {
    const id = `${r.deviceId} ${r.key}`;
    if (newest.has(id)) continue; // ordered by time DESC within a key: the first is the newest
    newest.set(id, { ...r, labels: r.labels === null ? null : (JSON.parse(r.labels) as string[]) });
  }
  return [...newest.values()];
}
