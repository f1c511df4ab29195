import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { quantitySpecs } from "../../../worker/src/ingest/decode/quantities.ts";
import { type QuantityRecord, syncQuantities } from "../../../worker/src/store/quantities.ts";
import { call } from "../helpers/http.ts";
import { setUpRegistry } from "../helpers/registry.ts";

/**
 * Open-data fixtures: the test registry (helpers/registry.ts) with public and private devices of
 * every use case, and readings written straight to D1 in bulk (a recursive CTE: a month of
 * readings in one statement, as a busy dataset would hold).
 */

export interface SeedDevice {
  devEui: string;
  id: number;
  public: boolean;
  commune: string;
  profile: string;
}

let counter = 0x10;
export function openEui(): string {
  counter += 1;
  return `0a0b0c0d0e0f${counter.toString(16).padStart(4, "0")}`;
}

export async function registry(): Promise<string> {
  return (await setUpRegistry()).admin;
}

export async function addDevice(admin: string, fields: { profile: string; public: boolean; commune?: string; latitude?: number | null; longitude?: number | null; name?: string }): Promise<SeedDevice> {
  const devEui = openEui();
  const body = { devEui, name: fields.name ?? `${fields.profile} ${devEui.slice(-4)}`, commune: fields.commune ?? "13001", profile: fields.profile, latitude: fields.latitude === undefined ? 43.5297 : fields.latitude, longitude: fields.longitude === undefined ? 5.4474 : fields.longitude, public: fields.public };
  const r = await call("POST", "/v1/admin/devices", { token: admin, json: body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const row = await env.DB.prepare("SELECT id FROM devices WHERE dev_eui = ?1").bind(devEui).first<{ id: number }>();
  return { devEui, id: row!.id, public: fields.public, commune: body.commune, profile: fields.profile };
}

export async function quantities(): Promise<Map<string, QuantityRecord>> {
  return syncQuantities(env.DB, quantitySpecs());
}

/**
 * `count` readings of one quantity every `stepMs` from `from`: stored value = base + (i mod 50)
 * (already × 10^decimals, the stored form).
 */
export async function seedSeries(deviceId: number, quantityId: number, from: number, stepMs: number, count: number, base: number): Promise<void> {
  await env.DB.prepare(
    `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ?5 - 1)
     INSERT OR IGNORE INTO readings (device_id, quantity_id, time, value) SELECT ?1, ?2, ?3 + i * ?4, ?6 + (i % 50) FROM s`,
  )
    .bind(deviceId, quantityId, from, stepMs, count, base)
    .run();
}

/** RFC 4180 records (quoted fields with commas, doubled quotes, CRLF line ends). */
export function csvLines(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field !== "" || record.length > 0) records.push([...record, field]);
  return records;
}
