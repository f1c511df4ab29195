import { ANONYMOUS, visibleDevicesSql } from "../../auth/read-access.ts";
import { d1 } from "../../store/db.ts";
import type { QuantityRecord } from "../../store/quantities.ts";

/**
 * Reads of the SensorThings API. Devices come out of here only when an anonymous reader may see
 * them (auth/read-access.ts, in SQL); every other read is bounded by the ids of those devices.
 * Every read is a walk of a primary key (readings, stream_state) from a seek: no statement here
 * sorts or scans a history it does not return, except a `$count` under a reading filter, which
 * the engine bounds (engine.ts MAX_COUNTED_READINGS).
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

/**
 * A (device, quantity) pair with readings: a Datastream, with how many readings it holds, the
 * times of its first and last reading and the last reading's stored value (stream_state,
 * migration 0009, kept by the readings triggers).
 */
export interface StreamSummary {
  device: number;
  quantity: number;
  count: number;
  first: number;
  last: number;
  lastValue: number;
}

export interface StaBase {
  devices: StaDevice[];
  quantities: Array<QuantityRecord & { retiredAt: number | null }>;
  streams: StreamSummary[];
}

/**
 * Everything but Observations, in one round trip: the public devices, every quantity row, and the
 * Datastreams of the public devices (their stream_state rows: one range of that table per device,
 * never a read of the readings). The cost is the number of Datastreams, whatever the length of
 * the history.
 */
export async function loadBase(db: D1Database): Promise<StaBase> {
  const visible = visibleDevicesSql(ANONYMOUS, "d", "t.code");
  const publicDevices = `FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id WHERE ${visible.sql}`;
  // One row of three JSON arrays: rows as objects cost more to carry out of D1 than to read.
  const row = await d1(() =>
    db
      .prepare(
        `SELECT
           (SELECT json_group_array(json_array(d.id, d.dev_eui, d.name, d.commune, d.profile, d.codec, d.latitude, d.longitude, d.installed_at, d.created_at)) ${publicDevices}) AS devices,
           (SELECT json_group_array(json_array(id, key, unit, encoding, labels, decimals, retired_at)) FROM quantities) AS quantities,
           (SELECT json_group_array(json_array(s.device_id, s.quantity_id, s.count, s.first_time, s.last_time, s.last_value))
            FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id CROSS JOIN stream_state s ON s.device_id = d.id
            WHERE ${visible.sql}) AS streams`,
      )
      .bind(...visible.params, ...visible.params)
      .first<{ devices: string; quantities: string; streams: string }>(),
  );
  type DeviceTuple = [number, string, string, string, string | null, string | null, number | null, number | null, number | null, number];
  type QuantityTuple = [number, string, string, QuantityRecord["encoding"], string | null, number, number | null];
  const devices = (JSON.parse(row!.devices) as DeviceTuple[])
    .map(([id, devEui, name, commune, profile, codec, latitude, longitude, installedAt, createdAt]) => ({ id, devEui, name, commune, profile, codec, latitude, longitude, installedAt, createdAt }))
    .sort((a, b) => a.id - b.id);
  const quantities = (JSON.parse(row!.quantities) as QuantityTuple[]).map(([id, key, unit, encoding, labels, decimals, retiredAt]) => ({
    id,
    key,
    unit,
    encoding,
    labels: labels === null ? null : (JSON.parse(labels) as string[]),
    decimals,
    retiredAt,
  }));
  const streams = (JSON.parse(row!.streams) as Array<[number, number, number, number, number, number]>)
    .map(([device, quantity, count, first, last, lastValue]) => ({ device, quantity, count, first, last, lastValue }))
    .sort((a, b) => a.device - b.device || a.quantity - b.quantity);
  return { devices, quantities, streams };
}

/** Rows of `sql` (columns `cols`) carried out of D1 as one JSON array of arrays. */
async function packed<T>(db: D1Database, sql: string, cols: readonly string[], params: ReadonlyArray<number | string | null>, make: (a: number[]) => T): Promise<T[]> {
  const row = await d1(() =>
    db
      .prepare(`SELECT json_group_array(json_array(${cols.join(", ")})) AS j FROM (${sql})`)
      .bind(...params)
      .first<{ j: string }>(),
  );
  return (JSON.parse(row?.j ?? "[]") as number[][]).map(make);
}

const observationOf = (a: number[]): StoredObservation => ({ d: a[0]!, q: a[1]!, t: a[2]!, v: a[3]! });

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
  "@iot.id": "(r.device_id || '-' || r.quantity_id || '-' || r.time)",
};

export type Where = { sql: string; params: Array<number | string | null> } | null;
export type Pair = { device: number; quantity: number };

const pairsJson = (pairs: readonly Pair[]) => JSON.stringify(pairs.map((p) => [p.device, p.quantity]));

/** How many readings of the pairs match a filter (only asked when a $filter makes the Datastreams' counts unusable; bounded by the engine). */
export async function countMatching(db: D1Database, pairs: readonly Pair[], where: Where): Promise<number> {
  if (pairs.length === 0) return 0;
  const row = await d1(() =>
    db
      .prepare(
        `SELECT count(*) AS n FROM (SELECT json_extract(value, '$[0]') AS d, json_extract(value, '$[1]') AS q FROM json_each(?)) p
         JOIN readings r ON r.device_id = p.d AND r.quantity_id = p.q JOIN quantities qu ON qu.id = r.quantity_id${where ? ` WHERE ${where.sql}` : ""}`,
      )
      .bind(pairsJson(pairs), ...(where?.params ?? []))
      .first<{ n: number }>(),
  );
  return row?.n ?? 0;
}

/** One pair's readings in [from, to): whole UTC hours [h0, h1) from rollup_hour, the rest from the readings. */
export interface RangeCount {
  pair: Pair;
  from: number;
  to: number;
  h0: number;
  h1: number;
}

/**
 * Readings of each pair in its time range, in one statement: the rollup_hour rows of the whole
 * hours inside it, and the readings of the partial hours at its ends (under an hour each side,
 * walked from a seek). Counts in the order of `ranges`.
 */
export async function countInRanges(db: D1Database, ranges: readonly RangeCount[]): Promise<number[]> {
  if (ranges.length === 0) return [];
  const list = JSON.stringify(ranges.map((r) => [r.pair.device, r.pair.quantity, r.from, r.to, r.h0, r.h1]));
  const rows = await packed(
    db,
    `SELECT p.i AS i,
       (SELECT coalesce(sum(count), 0) FROM rollup_hour WHERE device_id = p.d AND quantity_id = p.q AND hour >= p.h0 AND hour < p.h1)
       + (SELECT count(*) FROM readings WHERE device_id = p.d AND quantity_id = p.q AND time >= p.f AND time < min(p.t, p.h0))
       + (SELECT count(*) FROM readings WHERE device_id = p.d AND quantity_id = p.q AND time >= max(p.f, p.h1) AND time < p.t) AS n
     FROM (SELECT key AS i, value ->> 0 AS d, value ->> 1 AS q, value ->> 2 AS f, value ->> 3 AS t, value ->> 4 AS h0, value ->> 5 AS h1 FROM json_each(?)) p`,
    ["i", "n"],
    [list],
    (a) => a,
  );
  const out = ranges.map(() => 0);
  for (const [i, n] of rows) out[i!] = n!;
  return out;
}

/** One reading by its key, or null. */
export async function observationAt(db: D1Database, d: number, q: number, t: number): Promise<StoredObservation | null> {
  return d1(() => db.prepare("SELECT device_id AS d, quantity_id AS q, time AS t, value AS v FROM readings WHERE device_id = ? AND quantity_id = ? AND time = ?").bind(d, q, t).first<StoredObservation>());
}

/**
 * Where one pair's walk starts: readings strictly after (asc) or before (desc) `from`, or
 * at `from` itself when `inclusive`; null: from the start of the pair's history.
 */
export interface PairRange {
  pair: Pair;
  from: number | null;
  inclusive: boolean;
}

/**
 * Up to `limit` readings of each pair in time order (asc or desc) from its start, in one
 * statement: per pair a primary-key range walked from a seek, cut at `limit` (the correlated
 * subquery), so the cost is the rows returned, never the history. Rows come back grouped by the
 * index of their range in `ranges`.
 */
export async function perPair(db: D1Database, ranges: readonly PairRange[], where: Where, desc: boolean, limit: number): Promise<StoredObservation[][]> {
  const out: StoredObservation[][] = ranges.map(() => []);
  if (ranges.length === 0 || limit <= 0) return out;
  const cmp = desc ? "<" : ">";
  const bound = desc ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  const list = JSON.stringify(ranges.map((r) => [r.pair.device, r.pair.quantity, r.from ?? bound, r.from !== null && r.inclusive ? 1 : 0]));
  const rows = await packed(
    db,
    `SELECT p.i AS i, o.device_id AS d, o.quantity_id AS q, o.time AS t, o.value AS v
     FROM (SELECT key AS i, json_extract(value, '$[0]') AS d, json_extract(value, '$[1]') AS q, json_extract(value, '$[2]') AS f, json_extract(value, '$[3]') AS inc FROM json_each(?)) p
     JOIN readings o ON o.device_id = p.d AND o.quantity_id = p.q AND o.time IN (
       SELECT r.time FROM readings r JOIN quantities qu ON qu.id = r.quantity_id
       WHERE r.device_id = p.d AND r.quantity_id = p.q AND r.time ${cmp}= p.f AND (r.time <> p.f OR p.inc = 1)${where ? ` AND ${where.sql}` : ""}
       ORDER BY r.time ${desc ? "DESC" : "ASC"} LIMIT ?)`,
    ["i", "d", "q", "t", "v"],
    [list, ...(where?.params ?? []), limit],
    (a) => a,
  );
  for (const [i, d, q, t, v] of rows) out[i!]!.push({ d: d!, q: q!, t: t!, v: v! });
  for (const r of out) r.sort((a, b) => (desc ? b.t - a.t : a.t - b.t));
  return out;
}

/** Pairs read per round trip when walking Observations in key order across Datastreams. */
const PAIRS_PER_ROUND = 64;

/** Round trips one request may spend walking many pairs; past them it answers what it found and where to resume. */
export const MAX_WALK_ROUNDS = 4;
/** A cursor past every pair at a time: resuming from it reads the times after (before) it. */
export const PAST_PAIRS = Number.MAX_SAFE_INTEGER;

/** Rows of a walk, and, when the round-trip budget stopped it before the page was full, the cursor to resume from. */
export interface Walk {
  rows: StoredObservation[];
  resume: { d: number; q: number; t: number } | null;
}

/**
 * Up to `limit` readings in key order (device, quantity, time) across many pairs after `after`,
 * walking the pairs in order (a few in the first round trip, more in each next one) until the
 * page is full: the cost is the page plus the pairs it passes. A filter that few readings pass
 * may leave the page short after MAX_WALK_ROUNDS round trips: the walk then stops after the
 * last pair it read.
 */
export async function walkByKey(
  db: D1Database,
  pairs: readonly Pair[],
  where: Where,
  after: { d: number; q: number; t: number } | null,
  limit: number,
  // Where a pair's walk starts, from where the cursor leaves it (null: its first reading): the filter's time bound.
  startOf: (from: number | null) => { from: number | null; inclusive: boolean } = (from) => ({ from, inclusive: false }),
): Promise<Walk> {
  const ordered = [...pairs].sort((a, b) => a.device - b.device || a.quantity - b.quantity);
  let start = after === null ? 0 : ordered.findIndex((p) => p.device > after.d || (p.device === after.d && p.quantity >= after.q));
  if (start < 0) return { rows: [], resume: null };
  const out: StoredObservation[] = [];
  let size = 2;
  let rounds = 0;
  while (start < ordered.length && out.length < limit) {
    if (rounds === MAX_WALK_ROUNDS) {
      const last = ordered[start - 1]!;
      return { rows: out, resume: { d: last.device, q: last.quantity, t: PAST_PAIRS } };
    }
    const chunk = ordered.slice(start, start + size);
    size = Math.min(size * 4, PAIRS_PER_ROUND);
    const ranges = chunk.map((pair) => ({ pair, ...startOf(after !== null && pair.device === after.d && pair.quantity === after.q ? after.t : null) }));
    const rows = await perPair(db, ranges, where, false, limit - out.length);
    for (const r of rows) out.push(...r);
    start += chunk.length;
    rounds += 1;
  }
  return { rows: out.slice(0, limit), resume: null };
}

/** The first window of a time-ordered walk across many pairs, and how much each next one widens. */
const FIRST_WINDOW_MS = 3_600_000;
const WINDOW_GROWTH = 8;

/**
 * Up to `limit` readings of many pairs in time order (then device, quantity), from a cursor, by
 * time windows: each statement takes the readings of every pair inside [lo, hi) (a primary-key
 * range per pair) and sorts only those; the window widens ×8 while the page is not full and the
 * pairs have older (newer) readings. The cost is about the readings of the last window, not the
 * history: with readings every 15 minutes, 200 sensors fill a page of 100 in the first hour.
 * After MAX_WALK_ROUNDS windows (1 h, 8 h, 64 h, 512 h: 24 days) with the page still short (a
 * filter few readings pass), it stops at the last window's edge.
 */
export async function walkByTime(
  db: D1Database,
  pairs: readonly Pair[],
  where: Where,
  desc: boolean,
  cursor: { t: number; d: number; q: number } | null,
  span: { first: number; last: number },
  limit: number,
): Promise<Walk> {
  if (pairs.length === 0) return { rows: [], resume: null };
  const out: StoredObservation[] = [];
  let rounds = 0;
  const list = pairsJson(pairs);
  const filter = where ? ` AND ${where.sql}` : "";
  // The edge of the walk: the cursor's time (its own readings only past its pair), or the end of the data.
  let edge = cursor?.t ?? (desc ? span.last : span.first);
  let width = FIRST_WINDOW_MS;
  let first = true;
  while (out.length < limit && (first || (desc ? edge > span.first : edge < span.last))) {
    // Resuming reads the times past the edge: it was the bound of the last window, included in it.
    if (rounds === MAX_WALK_ROUNDS) return { rows: out, resume: { t: edge, d: PAST_PAIRS, q: PAST_PAIRS } };
    rounds += 1;
    const [lo, hi] = desc ? [edge - width, edge] : [edge, edge + width];
    // The first window holds the cursor's time: rows at that time after the cursor's pair, or all of them without a cursor.
    const atEdge = first ? (cursor ? "(r.device_id, r.quantity_id) > (?, ?)" : "1 = 1") : "0 = 1";
    const range = desc ? `r.time >= ? AND r.time <= ? AND (r.time < ? OR ${atEdge})` : `r.time >= ? AND r.time <= ? AND (r.time > ? OR ${atEdge})`;
    const params: Array<number | string | null> = desc ? [lo, hi, hi] : [lo, hi, lo];
    if (first && cursor) params.push(cursor.d, cursor.q);
    const results = await packed(
      db,
      `SELECT r.device_id AS d, r.quantity_id AS q, r.time AS t, r.value AS v
       FROM (SELECT json_extract(value, '$[0]') AS d, json_extract(value, '$[1]') AS q FROM json_each(?)) p
       JOIN readings r ON r.device_id = p.d AND r.quantity_id = p.q JOIN quantities qu ON qu.id = r.quantity_id
       WHERE ${range}${filter} ORDER BY r.time ${desc ? "DESC" : "ASC"}, r.device_id, r.quantity_id LIMIT ?`,
      ["d", "q", "t", "v"],
      [list, ...params, ...(where?.params ?? []), limit - out.length],
      observationOf,
    );
    results.sort((a, b) => (desc ? b.t - a.t : a.t - b.t) || a.d - b.d || a.q - b.q);
    out.push(...results);
    // The next window starts where this one ended (its condition excludes the edge itself).
    edge = desc ? lo : hi;
    width *= WINDOW_GROWTH;
    first = false;
  }
  return { rows: out, resume: null };
}

/**
 * A page of each parent's readings in a client-chosen order (ORDER BY … LIMIT … OFFSET), one
 * statement per parent in one batch: the database sorts every reading of the parent's pairs, so
 * the caller bounds how many those are.
 */
export async function sortedObservations(db: D1Database, parents: ReadonlyArray<readonly Pair[]>, where: Where, order: string, limit: number, offset: number): Promise<StoredObservation[][]> {
  const live = parents.map((pairs, i) => [pairs, i] as const).filter(([pairs]) => pairs.length > 0);
  const out: StoredObservation[][] = parents.map(() => []);
  if (live.length === 0) return out;
  const results = await d1(() =>
    db.batch<StoredObservation>(
      live.map(([pairs]) =>
        db
          .prepare(
            `SELECT r.device_id AS d, r.quantity_id AS q, r.time AS t, r.value AS v
             FROM (SELECT json_extract(value, '$[0]') AS d, json_extract(value, '$[1]') AS q FROM json_each(?)) p
             JOIN readings r ON r.device_id = p.d AND r.quantity_id = p.q JOIN quantities qu ON qu.id = r.quantity_id
             ${where ? `WHERE ${where.sql}` : ""} ORDER BY ${order} LIMIT ? OFFSET ?`,
          )
          .bind(pairsJson(pairs), ...(where?.params ?? []), limit, offset),
      ),
    ),
  );
  live.forEach(([, i], k) => (out[i] = results[k]!.results));
  return out;
}
