import { ANONYMOUS, visibleDevicesSql } from "../../auth/read-access.ts";
import { d1 } from "../../store/db.ts";

/**
 * Reads of the SensorThings API. Devices come out of here only when an anonymous reader may see
 * them (auth/read-access.ts, in SQL); every other read is bounded by the ids of those devices.
 */

export interface StaDevice {
  id: number;
  devEui: string;
  name: string;
  commune: string;
  profile: string | null;
  codec: string | null;
  latitude: number | null;
  longitude: number | null;
  installedAt: number | null;
  createdAt: number;
}

export async function publicDevices(db: D1Database): Promise<StaDevice[]> {
  const visible = visibleDevicesSql(ANONYMOUS, "d", "t.code");
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT d.id, d.dev_eui AS devEui, d.name, d.commune, d.profile, d.codec, d.latitude, d.longitude, d.installed_at AS installedAt, d.created_at AS createdAt
         FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
         WHERE ${visible.sql} ORDER BY d.id`,
      )
      .bind(...visible.params)
      .all<StaDevice>(),
  );
  return results;
}

/** A (device, quantity) pair with readings: a Datastream, with its reading count and days from the day rollups. */
export interface StreamSummary {
  device: number;
  quantity: number;
  count: number;
  firstDay: string;
  lastDay: string;
}

/** From rollup_day (kept by triggers on readings): one row per pair, never a pass over readings. */
export async function streamSummaries(db: D1Database): Promise<StreamSummary[]> {
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT device_id AS device, quantity_id AS quantity, sum(count) AS count, min(day) AS firstDay, max(day) AS lastDay
         FROM rollup_day GROUP BY device_id, quantity_id ORDER BY device_id, quantity_id`,
      )
      .all<StreamSummary>(),
  );
  return results;
}

export interface StoredObservation {
  d: number;
  q: number;
  t: number;
  v: number;
}

/** SQL expressions of the Observation properties a $filter or $orderby may name. */
export const OBSERVATION_COLUMNS: Readonly<Record<string, string>> = {
  // Stored value / 10^decimals (decimals ≤ 9): the published result.
  result: "(r.value / CAST(substr('1000000000', 1, qu.decimals + 1) AS REAL))",
  phenomenonTime: "r.time",
  resultTime: "r.time",
  "@iot.id": "r.time",
};

export interface ObservationQuery {
  /** The Datastreams asked for, as (device, quantity) pairs, all of public devices. */
  pairs: ReadonlyArray<{ device: number; quantity: number; count: number }>;
  where: { sql: string; params: Array<number | string | null> } | null;
  /** ORDER BY terms; the key (device, quantity, time) follows them. */
  order: string;
  limit: number;
  offset: number;
  /** Key paging: rows after this (device, quantity, time) in key order. */
  after: { d: number; q: number; t: number } | null;
}

function observationStatement(db: D1Database, q: ObservationQuery, select: string): D1PreparedStatement {
  const where = q.where ? ` AND ${q.where.sql}` : "";
  const after = q.after ? " AND (r.device_id, r.quantity_id, r.time) > (?, ?, ?)" : "";
  const pairs = q.pairs.length === 1 ? "r.device_id = ? AND r.quantity_id = ?" : "(r.device_id, r.quantity_id) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))";
  const pairParams = q.pairs.length === 1 ? [q.pairs[0]!.device, q.pairs[0]!.quantity] : [JSON.stringify(q.pairs.map((p) => [p.device, p.quantity]))];
  return db
    .prepare(`SELECT ${select} FROM readings r JOIN quantities qu ON qu.id = r.quantity_id WHERE ${pairs}${where}${after}${select.startsWith("count") ? "" : ` ORDER BY ${q.order} LIMIT ? OFFSET ?`}`)
    .bind(...pairParams, ...(q.where?.params ?? []), ...(q.after ? [q.after.d, q.after.q, q.after.t] : []), ...(select.startsWith("count") ? [] : [q.limit, q.offset]));
}

/**
 * Observations of the given pairs. With one pair, or in key order with `after`, this walks the
 * readings primary key (device, quantity, time): the cost is the page, not the history.
 */
export async function observations(db: D1Database, queries: readonly ObservationQuery[]): Promise<StoredObservation[][]> {
  const live = queries.map((q, i) => [q, i] as const).filter(([q]) => q.pairs.length > 0);
  const out: StoredObservation[][] = queries.map(() => []);
  if (live.length === 0) return out;
  const results = await d1(() => db.batch<StoredObservation>(live.map(([q]) => observationStatement(db, q, "r.device_id AS d, r.quantity_id AS q, r.time AS t, r.value AS v"))));
  live.forEach(([, i], k) => (out[i] = results[k]!.results));
  return out;
}

/** How many readings match a filter (only asked when a $filter makes the rollup counts unusable). */
export async function countObservations(db: D1Database, q: ObservationQuery): Promise<number> {
  if (q.pairs.length === 0) return 0;
  const row = await d1(() => observationStatement(db, q, "count(*) AS n").first<{ n: number }>());
  return row?.n ?? 0;
}

/** Pairs read per round trip when walking Observations in key order across Datastreams. */
const PAIRS_PER_BATCH = 50;

/**
 * Up to `limit` Observations after `after` in key order (device, quantity, time) across many
 * pairs, walking the pairs in order with one primary-key range per pair (several pairs per
 * batch) until the page is full. A single statement over all pairs would sort every reading
 * of every pair in a temporary b-tree; this costs the page plus the pairs it passes.
 */
export async function observationsByKey(
  db: D1Database,
  pairs: ReadonlyArray<{ device: number; quantity: number }>,
  where: ObservationQuery["where"],
  after: { d: number; q: number; t: number } | null,
  limit: number,
): Promise<StoredObservation[]> {
  const ordered = [...pairs].sort((a, b) => a.device - b.device || a.quantity - b.quantity);
  let start = after === null ? 0 : ordered.findIndex((p) => p.device > after.d || (p.device === after.d && p.quantity >= after.q));
  if (start < 0) return [];
  const out: StoredObservation[] = [];
  const filter = where ? ` AND ${where.sql}` : "";
  const statement = db.prepare(
    `SELECT r.device_id AS d, r.quantity_id AS q, r.time AS t, r.value AS v FROM readings r JOIN quantities qu ON qu.id = r.quantity_id
     WHERE r.device_id = ? AND r.quantity_id = ? AND r.time > ?${filter} ORDER BY r.time LIMIT ?`,
  );
  // Few pairs first (a page often fits in one Datastream), more each round trip.
  let size = 2;
  while (start < ordered.length && out.length < limit) {
    const chunk = ordered.slice(start, start + size);
    size = Math.min(size * 4, PAIRS_PER_BATCH);
    const need = limit - out.length;
    const results = await d1(() =>
      db.batch<StoredObservation>(
        chunk.map((p) => statement.bind(p.device, p.quantity, after !== null && p.device === after.d && p.quantity === after.q ? after.t : Number.MIN_SAFE_INTEGER, ...(where?.params ?? []), need)),
      ),
    );
    for (const r of results) out.push(...r.results);
    start += chunk.length;
  }
  return out.slice(0, limit);
}

/**
 * The newest reading of each pair, in one statement: a backward primary-key seek per pair (the
 * correlated subquery), never a scan. This answers "the latest Observation of every Datastream"
 * ($orderby=phenomenonTime desc;$top=1 inside an $expand) for hundreds of Datastreams at once.
 */
export async function latestOfPairs(db: D1Database, pairs: ReadonlyArray<{ device: number; quantity: number }>): Promise<StoredObservation[]> {
  if (pairs.length === 0) return [];
  const { results } = await d1(() =>
    db
      .prepare(
        `SELECT r.device_id AS d, r.quantity_id AS q, r.time AS t, r.value AS v
         FROM (SELECT json_extract(value, '$[0]') AS d, json_extract(value, '$[1]') AS q FROM json_each(?1)) p
         JOIN readings r ON r.device_id = p.d AND r.quantity_id = p.q
           AND r.time = (SELECT time FROM readings WHERE device_id = p.d AND quantity_id = p.q ORDER BY time DESC LIMIT 1)`,
      )
      .bind(JSON.stringify(pairs.map((p) => [p.device, p.quantity])))
      .all<StoredObservation>(),
  );
  return results;
}
