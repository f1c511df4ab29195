import { env } from "cloudflare:workers";
import { quantitySpecs } from "../../../worker/src/ingest/decode/quantities.ts";
import { type QuantityRecord, syncQuantities } from "../../../worker/src/store/quantities.ts";

/**
 * Seeding for the indicator tests: readings and uplinks written straight to D1 in stored units
 * (real × 10^decimals), as ingest stores them; rollups follow from the readings (migration 0006).
 */

let quantities: Map<string, QuantityRecord> | null = null;

async function quantity(key: string): Promise<QuantityRecord> {
  quantities ??= await syncQuantities(env.DB, quantitySpecs());
  const q = quantities.get(key);
  if (!q) throw new Error(`no quantity ${key}`);
  return q;
}

export async function deviceId(devEui: string): Promise<number> {
  const row = await env.DB.prepare("SELECT id FROM devices WHERE dev_eui = ?1").bind(devEui).first<{ id: number }>();
  if (!row) throw new Error(`no device ${devEui}`);
  return row.id;
}

/** Readings of one quantity of a device, as [time ms, real value]. */
export async function seedReadings(devEui: string, key: string, rows: readonly (readonly [number, number])[]): Promise<void> {
  const id = await deviceId(devEui);
  const q = await quantity(key);
  const stored = rows.map(([time, value]) => [q.id, time, Math.round(value * 10 ** q.decimals)]);
  for (let i = 0; i < stored.length; i += 2000) {
    await env.DB.prepare(
      `INSERT OR IGNORE INTO readings (device_id, quantity_id, time, value)
       SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j`,
    )
      .bind(id, JSON.stringify(stored.slice(i, i + 2000)))
      .run();
  }
}

/** Uplinks of a device: time, SNR in dB, decode outcome (0 decoded, 1 failed, 2 partly, 3 no payload). */
export async function seedUplinks(devEui: string, rows: readonly { time: number; snr?: number; decode?: number }[]): Promise<void> {
  const id = await deviceId(devEui);
  const json = rows.map((r, i) => [r.time, i, r.snr === undefined ? null : Math.round(r.snr * 100), r.decode ?? 0]);
  for (let i = 0; i < json.length; i += 2000) {
    await env.DB.prepare(
      `INSERT OR IGNORE INTO uplinks (device_id, time, f_cnt, f_port, payload, rssi, snr_cdb, dr, gateways, source, decode)
       SELECT ?1, j.value ->> 0, j.value ->> 1, 2, x'00', -100, j.value ->> 2, 5, 1, 1, j.value ->> 3 FROM json_each(?2) AS j`,
    )
      .bind(id, JSON.stringify(json.slice(i, i + 2000)))
      .run();
  }
}
