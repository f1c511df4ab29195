import { env } from "cloudflare:workers";
import type { ReadingRow } from "../../../worker/src/store/readings.ts";

/**
 * Readings written straight to D1 for the rollup suites that need no uplink: an insert-if-new like
 * ingest's, or, with `overwrite`, the upsert a re-decode does (ON CONFLICT DO UPDATE: an update to
 * the triggers). Rows are [quantity id, time, stored value].
 */
export async function writeReadings(deviceId: number, rows: readonly ReadingRow[], overwrite = false): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO readings (device_id, quantity_id, time, value)
     SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j WHERE true
     ON CONFLICT (device_id, quantity_id, time) DO ${overwrite ? "UPDATE SET value = excluded.value" : "NOTHING"}`,
  )
    .bind(deviceId, JSON.stringify(rows))
    .run();
}
