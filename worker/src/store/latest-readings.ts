import { type ReadAccess, visibleDevicesSql } from "../auth/read-access.ts";
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

/** A device of a commune with the newest reading of each of its quantities. */
export interface CommuneDeviceLatest {
  id: number;
  devEui: string;
  name: string;
  profile: string | null;
  codec: string | null;
  latitude: number | null;
  longitude: number | null;
  latest: LatestReading[];
}

/** A commune (insee, territory code) and its devices with their latest readings. */
export interface CommuneLatest {
  commune: { insee: string; territory: string };
  devices: CommuneDeviceLatest[];
}

/**
 * A commune (null when unknown) and its devices that `access` may see (by devEui) with the newest
 * reading of each quantity (or of `key` only), in one statement. Without `key`, the quantities a
 * device has are found by a skip-scan of the readings key (the next quantity_id after the last,
 * one seek each), so each device costs a seek per quantity it measures, not one per quantity row
 * in the table.
 */
export async function listCommuneLatest(db: D1Database, access: ReadAccess, commune: string, key?: string): Promise<CommuneLatest | null> {
  const rule = visibleDevicesSql(access, "d", "t.code");
  let n = 2;
  const visible = rule.sql.replace(/\?/g, () => `?${++n}`);
  // dq: the (device, quantity row) pairs to look up.
  const pairs =
    key === undefined
      ? `dq (device_id, quantity_id) AS (
           SELECT v.id, (SELECT min(quantity_id) FROM readings WHERE device_id = v.id) FROM v
           UNION ALL
           SELECT dq.device_id, (SELECT min(quantity_id) FROM readings WHERE device_id = dq.device_id AND quantity_id > dq.quantity_id)
           FROM dq WHERE dq.quantity_id IS NOT NULL)`
      : `dq (device_id, quantity_id) AS (SELECT v.id, q.id FROM v CROSS JOIN quantities AS q WHERE q.key = ?2)`;
  const { results } = await d1(() =>
    db
      .prepare(
        `WITH RECURSIVE
           co AS (SELECT c.insee, t.code AS territory FROM communes c JOIN territories t ON t.id = c.territory_id WHERE c.insee = ?1),
           v AS MATERIALIZED (
             SELECT d.id, d.dev_eui, d.name, d.profile, d.codec, d.latitude, d.longitude
             FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
             WHERE d.commune = ?1 AND ${visible}),
           ${pairs},
           l AS (
             SELECT dq.device_id, json_group_array(json_array(q.key, q.unit, q.encoding, q.labels, q.decimals, r.time, r.value)) AS latest
             FROM dq CROSS JOIN quantities AS q CROSS JOIN readings AS r
             WHERE dq.quantity_id IS NOT NULL AND q.id = dq.quantity_id AND (?2 IS NULL OR q.key = ?2)
               AND r.device_id = dq.device_id AND r.quantity_id = dq.quantity_id
               AND r.time = (SELECT max(m.time) FROM readings AS m WHERE m.device_id = dq.device_id AND m.quantity_id = dq.quantity_id)
             GROUP BY dq.device_id)
         SELECT co.insee AS commune, co.territory, v.id, v.dev_eui, v.name, v.profile, v.codec, v.latitude, v.longitude, coalesce(l.latest, '[]') AS latest
         FROM co LEFT JOIN (v LEFT JOIN l ON l.device_id = v.id) ON true ORDER BY v.dev_eui`,
      )
      .bind(commune, key ?? null, ...rule.params)
      .all<{
        commune: string;
        territory: string;
        id: number | null;
        dev_eui: string;
        name: string;
        profile: string | null;
        codec: string | null;
        latitude: number | null;
        longitude: number | null;
        latest: string;
      }>(),
  );
  const first = results[0];
  if (!first) return null;
  const devices: CommuneDeviceLatest[] = [];
  for (const r of results) {
    if (r.id === null) continue; // a commune without visible devices
    const id = r.id;
    const newest = new Map<string, LatestReading>();
    for (const [k, unit, encoding, labels, decimals, time, value] of JSON.parse(r.latest) as [string, string, QuantitySpec["encoding"], string | null, number, number, number][]) {
      const cur = newest.get(k);
      // A key with retired rows keeps the newest reading over all of them.
      if (!cur || time > cur.time) newest.set(k, { deviceId: id, key: k, unit, encoding, labels: labels === null ? null : (JSON.parse(labels) as string[]), decimals, time, value });
    }
    devices.push({
      id,
      devEui: r.dev_eui,
      name: r.name,
      profile: r.profile,
      codec: r.codec,
      latitude: r.latitude,
      longitude: r.longitude,
      latest: [...newest.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    });
  }
  return { commune: { insee: first.commune, territory: first.territory }, devices };
}
