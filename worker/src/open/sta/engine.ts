import { compileFilter, FilterError, filterTimes, matches, type PairScope } from "./filter.ts";
import { type EntitySet, type Keys, type Model, NAVIGATION, observationRow, type Row } from "./model.ts";
import { OptionError, type Options } from "./options.ts";
import { countInRanges, countMatching, OBSERVATION_COLUMNS, type PairRange, perPair, type RangeCount, sortedObservations, type StoredObservation, type StreamSummary, type Walk, walkByKey, walkByTime, type Where } from "./store.ts";

/**
 * Answers a SensorThings request over the model: lists (filter, order, page, count), navigation
 * and nested $expand. Observations are read by primary-key walks (store.ts), all parents of a level
 * together; `Things?$expand=Datastreams($expand=Observations($orderby=phenomenonTime desc;$top=1))`
 * reads nothing past the model, whose Datastreams carry their latest reading.
 */

export interface Context {
  model: Model;
  db: D1Database;
  /** https://host/sta/v1.1 */
  base: string;
}

export interface Page {
  rows: Row[];
  count: number | null;
  /** Rows remain after this page: a $skip to ask for, or the key after which to read. */
  next: { skip: number } | { token: string; skip?: number } | null;
}

export const urlId = (id: number | string) => (typeof id === "number" ? `(${id})` : `('${id.replace(/'/g, "''")}')`);

function keyMatch(row: Row, constraint: Keys | null): boolean {
  if (constraint === null) return true;
  return (Object.keys(constraint) as Array<keyof Keys>).every((k) => row.keys[k] === constraint[k]);
}

function compareRows(orderby: Options["orderby"]) {
  const get = (r: Row, path: readonly string[]): unknown => {
    let v: unknown = path[0] === "@iot.id" ? r.id : r.body;
    if (path[0] !== "@iot.id") for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
    return v;
  };
  return (a: Row, b: Row): number => {
    for (const { path, desc } of orderby) {
      const x = get(a, path);
      const y = get(b, path);
      if (x === y) continue;
      const c = x === undefined || x === null ? -1 : y === undefined || y === null ? 1 : (x as number | string) < (y as number | string) ? -1 : 1;
      return desc ? -c : c;
    }
    return 0;
  };
}

const filterable = (r: Row) => ({ ...r.body, "@iot.id": r.id });

/** The rows of a set under a constraint: a lookup in the model's index by one key, the others checked. */
function rowsUnder(ctx: Context, set: Exclude<EntitySet, "Observations">, constraint: Keys | null): Row[] {
  if (constraint === null) return ctx.model.rows[set];
  const keys = Object.keys(constraint) as Array<keyof Keys>;
  if (keys.length === 0) return ctx.model.rows[set];
  const found = ctx.model.index(set, keys[0]!).get(constraint[keys[0]!]!) ?? [];
  return keys.length === 1 ? found : found.filter((r) => keyMatch(r, constraint));
}

/** Pages of one entity set under each of `constraints` (one per parent; [null] at the top). */
export async function listMany(ctx: Context, set: EntitySet, constraints: ReadonlyArray<Keys | null>, opts: Options): Promise<Page[]> {
  if (set === "Observations") return observationPages(ctx, constraints, opts);
  // A few hundred rows in memory: filtered, sorted and cut here.
  const now = Date.now();
  return constraints.map((constraint) => {
    let rows = rowsUnder(ctx, set, constraint);
    if (opts.filter !== null) rows = rows.filter((r) => matches(opts.filter!, filterable(r), now));
    if (opts.orderby.length > 0) rows = [...rows].sort(compareRows(opts.orderby));
    const page = rows.slice(opts.skip, opts.skip + opts.top);
    return { rows: page, count: opts.count ? rows.length : null, next: opts.skip + opts.top < rows.length ? { skip: opts.skip + opts.top } : null };
  });
}

/** Datastreams a parent with no more than this many reads with one walk per Datastream. */
const PER_PAIR_MAX = 16;
/** Readings a request may read to order Observations by something else than time or key. */
export const MAX_SORTED_READINGS = 100_000;
/** Readings a request may ask the database for across all parents (pairs × rows per pair). */
export const MAX_READ_ROWS = 200_000;
/** Readings a `$count` under a reading filter may go through (about 60 ms of D1 on the seeded year). */
export const MAX_COUNTED_READINGS = 200_000;

type Cursor = { d: number; q: number; t: number };

function parseToken(token: string): Cursor {
  const m = /^(\d+)-(\d+)-(-?\d+)$/.exec(token);
  if (!m) throw new OptionError("$skiptoken", "$skiptoken is not one written by an @iot.nextLink");
  return { d: Number(m[1]), q: Number(m[2]), t: Number(m[3]) };
}

const pairCmp = (a: { d: number; q: number }, b: { d: number; q: number }) => a.d - b.d || a.q - b.q;
const keyCmp = (a: StoredObservation, b: StoredObservation) => pairCmp(a, b) || a.t - b.t;
const timeCmp = (desc: boolean) => (a: StoredObservation, b: StoredObservation) => (desc ? b.t - a.t : a.t - b.t) || pairCmp(a, b);

/** How Observations are ordered: by key (device, quantity, time), by time (then device, quantity), or otherwise (sorted by the database). */
function orderMode(opts: Options): { mode: "key" } | { mode: "time"; desc: boolean } | { mode: "sorted" } {
  const terms = opts.orderby.map((o) => ({ name: o.path.join("/"), desc: o.desc }));
  if (terms.length === 0 || (terms.length === 1 && terms[0]!.name === "@iot.id" && !terms[0]!.desc)) return { mode: "key" };
  // (time, device, quantity) is unique: a further @iot.id term changes nothing.
  if (["phenomenonTime", "resultTime"].includes(terms[0]!.name) && terms.slice(1).every((t) => t.name === "@iot.id" && !t.desc)) return { mode: "time", desc: terms[0]!.desc };
  return { mode: "sorted" };
}

/** One entity per pair for `Datastream/…` and `FeatureOfInterest/…` in a $filter of Observations. */
function pairScope(ctx: Context, pairs: readonly StreamSummary[]): PairScope {
  const things = ctx.model.index("Things", "device");
  const sensors = ctx.model.index("Sensors", "sensor");
  const properties = ctx.model.index("ObservedProperties", "quantity");
  const streams = ctx.model.index("Datastreams", "device");
  const features = ctx.model.index("FeaturesOfInterest", "device");
  const entity = (r: Row | undefined) => (r ? { "@iot.id": r.id, ...r.body } : undefined);
  const entities = new Map<string, Record<string, unknown>>();
  for (const p of pairs) {
    const ds = streams.get(p.device)?.find((r) => r.keys.quantity === p.quantity);
    entities.set(`${p.device}-${p.quantity}`, {
      Datastream: ds && {
        ...entity(ds),
        Thing: entity(things.get(p.device)?.[0]),
        Sensor: entity(sensors.get(ds.keys.sensor!)?.[0]),
        ObservedProperty: entity(properties.get(p.quantity)?.[0]),
      },
      FeatureOfInterest: entity(features.get(p.device)?.[0]),
    });
  }
  return { entities };
}

async function observationPages(ctx: Context, constraints: ReadonlyArray<Keys | null>, opts: Options): Promise<Page[]> {
  const model = ctx.model;
  const all = constraints.map((c): StreamSummary[] => {
    if (c === null) return model.streams;
    if (c.device !== undefined && c.quantity !== undefined) {
      const s = model.streamByKey.get(`${c.device}-${c.quantity}`);
      return s ? [s] : [];
    }
    if (c.device !== undefined) return model.streamsOfDevice.get(c.device) ?? [];
    return model.streams.filter((s) => c.quantity === undefined || s.quantity === c.quantity);
  });
  let where: Where = null;
  let parents = all;
  if (opts.filter !== null) {
    const union = new Map(all.flat().map((s) => [`${s.device}-${s.quantity}`, s]));
    const compiled = sqlOf(opts, pairScope(ctx, [...union.values()]));
    where = compiled.where;
    if (compiled.excluded.size > 0) parents = all.map((pairs) => pairs.filter((s) => !compiled.excluded.has(`${s.device}-${s.quantity}`)));
  }
  // The times the filter allows: Datastreams without a reading there are not read, the others
  // from there (a walk from a Datastream's first reading passed every reading before the bound).
  const times = opts.filter !== null ? filterTimes(opts.filter, OBSERVATION_COLUMNS) : null;
  const bounds = times ?? ALL_TIMES;
  if (times !== null) parents = parents.map((pairs) => pairs.filter((s) => s.last >= bounds.from && s.first < bounds.to));
  const order = orderMode(opts);
  const cursor = opts.skiptoken !== null ? parseToken(opts.skiptoken) : null;
  if (cursor !== null && order.mode === "sorted") throw new OptionError("$skiptoken", "$skiptoken pages Observations ordered by time or by key");
  const need = opts.skip + opts.top + 1;
  // A count under a filter of times only is read from the hour rollups; any other is bounded.
  const ranged = opts.count && where !== null ? rangeCounts(parents, times?.onlyTimes ? times : null) : null;
  if (opts.count && where !== null && ranged === null) countBound(parents);

  const [pages, counts] = await Promise.all([
    order.mode === "sorted" ? sortedPages(ctx, parents, where, opts).then((pages) => pages.map((rows) => ({ rows, resume: null }))) : keyedPages(ctx, parents, where, order, cursor, need, bounds),
    !opts.count ? Promise.resolve(null) : ranged !== null ? countRanged(ctx, parents, ranged) : countsOf(ctx, parents, where),
  ]);
  return pages.map(({ rows: stored, resume }, i) => {
    const keyed = order.mode !== "sorted";
    const rows = keyed ? stored.slice(opts.skip) : stored;
    const more = rows.length > opts.top;
    const page = rows.slice(0, opts.top);
    const last = page[page.length - 1];
    let next: Page["next"] = !more ? null : keyed && last ? { token: `${last.d}-${last.q}-${last.t}` } : { skip: opts.skip + opts.top };
    // A walk stopped by its budget with the page short: resume where it stopped, with what $skip has yet to pass.
    if (resume !== null) next = { token: `${resume.d}-${resume.q}-${resume.t}`, skip: Math.max(0, opts.skip - stored.length) };
    return { rows: page.map((o) => observationRow(model, o)), count: counts?.[i] ?? null, next };
  });
}

const readingsOf = (pairs: readonly StreamSummary[]) => pairs.reduce((n, p) => n + p.count, 0);

/**
 * Counts per parent. Without a reading filter: the Datastreams' own counts (stream_state, in the
 * model: nothing read). With one, the readings of the parents' Datastreams are counted one by one
 * (bounded first: countBound).
 */
async function countsOf(ctx: Context, parents: ReadonlyArray<readonly StreamSummary[]>, where: Where): Promise<number[]> {
  if (where === null) return parents.map(readingsOf);
  return Promise.all(parents.map((pairs) => countMatching(ctx.db, pairs, where)));
}

const HOUR_MS = 3_600_000;
/** rollup_hour rows a `$count` over a time range may sum (a week of every Datastream of the seeded year). */
export const MAX_COUNTED_HOURS = 200_000;

/**
 * What a count under a filter of times only reads, per pair: its readings in [from, to) (cut to
 * the pair's own first and last reading), as whole UTC hours summed from rollup_hour plus the
 * partial hours at both ends counted in the readings. Null when the filter says more than times
 * (null range), or when that would sum more than MAX_COUNTED_HOURS hours: then the readings are
 * counted one by one, within countBound.
 */
function rangeCounts(parents: ReadonlyArray<readonly StreamSummary[]>, range: { from: number; to: number } | null): Map<string, RangeCount> | null {
  if (range === null) return null;
  const out = new Map<string, RangeCount>();
  let hours = 0;
  for (const s of parents.flat()) {
    const key = `${s.device}-${s.quantity}`;
    if (out.has(key)) continue;
    const from = Math.max(range.from, s.first);
    const to = Math.min(range.to, s.last + 1);
    // Hours are t − t % 1 h for t ≥ 0 only (migration 0006): an earlier time is counted in the readings.
    if (from < 0) return null;
    if (from >= to) {
      out.set(key, { pair: s, from: 0, to: 0, h0: 0, h1: 0 });
      continue;
    }
    const h0 = Math.ceil(from / HOUR_MS) * HOUR_MS;
    const h1 = Math.floor(to / HOUR_MS) * HOUR_MS;
    // Less than a whole hour: all of it from the readings (an empty hour range that ends at `to`).
    out.set(key, h0 < h1 ? { pair: s, from, to, h0, h1 } : { pair: s, from, to, h0: to, h1: to });
    if (h0 < h1) hours += (h1 - h0) / HOUR_MS;
  }
  return hours > MAX_COUNTED_HOURS ? null : out;
}

async function countRanged(ctx: Context, parents: ReadonlyArray<readonly StreamSummary[]>, ranged: Map<string, RangeCount>): Promise<number[]> {
  const ranges = [...ranged.values()].filter((r) => r.from < r.to);
  const counts = await countInRanges(ctx.db, ranges);
  const byKey = new Map(ranges.map((r, i) => [`${r.pair.device}-${r.pair.quantity}`, counts[i]!]));
  return parents.map((pairs) => pairs.reduce((n, p) => n + (byKey.get(`${p.device}-${p.quantity}`) ?? 0), 0));
}

/**
 * A `$count` under a reading filter goes through every reading of the Datastreams concerned,
 * whatever the filter keeps: refused past MAX_COUNTED_READINGS of them (their exact counts, from
 * the model), before anything is read.
 */
function countBound(parents: ReadonlyArray<readonly StreamSummary[]>): void {
  const read = parents.reduce((n, pairs) => n + readingsOf(pairs), 0);
  if (read > MAX_COUNTED_READINGS) {
    throw new OptionError("$count", `counting the Observations that pass this $filter would go through ${read} readings (at most ${MAX_COUNTED_READINGS}): count fewer Datastreams (Datastreams(id)/Observations, or a Datastream/… term in the $filter), or drop $count and follow @iot.nextLink`);
  }
}

/** No bound on times. */
const ALL_TIMES = { from: -Infinity, to: Infinity };

/**
 * Where a walk of a pair's readings starts: from (past) its cursor, or from the first time the
 * filter allows in the walk's direction (`edge`: its lower bound ascending, its upper one
 * descending), whichever is further along.
 */
function startAt(from: number | null, inclusive: boolean, edge: number, desc: boolean): { from: number | null; inclusive: boolean } {
  if (!Number.isFinite(edge) || (from !== null && (desc ? from <= edge : from >= edge))) return { from, inclusive };
  return { from: edge, inclusive: true };
}

/**
 * Pages in key or time order: the latest reading of each pair from the model (no read at all)
 * for `$orderby=phenomenonTime desc&$top=1`; otherwise one walk per pair for parents with few
 * pairs (all parents in one statement), and key or time windows across the pairs of a parent with
 * many. Each returns up to `need` rows (the page, what $skip passes, and one to tell that more
 * remain).
 */
async function keyedPages(
  ctx: Context,
  parents: ReadonlyArray<readonly StreamSummary[]>,
  where: Where,
  order: { mode: "key" } | { mode: "time"; desc: boolean },
  cursor: Cursor | null,
  need: number,
  bounds: { from: number; to: number },
): Promise<Walk[]> {
  if (order.mode === "time" && order.desc && need === 2 && where === null && cursor === null) {
    // The latest-value state: each pair's last reading, and whether it has an earlier one.
    return parents.map((pairs) => {
      const newest = [...pairs].sort((a, b) => b.last - a.last || a.device - b.device || a.quantity - b.quantity);
      const top = newest[0];
      if (!top) return { rows: [], resume: null };
      const row = { d: top.device, q: top.quantity, t: top.last, v: top.lastValue };
      return { rows: pairs.length > 1 || top.first < top.last ? [row, row] : [row], resume: null };
    });
  }
  const small = parents.map((pairs, i) => [pairs, i] as const).filter(([pairs]) => pairs.length <= PER_PAIR_MAX);
  // What $skip passes is read too: past the bound, the next page is asked by key (@iot.nextLink).
  const rowsAsked = small.reduce((n, [pairs]) => n + pairs.length * need, 0) + (small.length < parents.length ? need : 0);
  if (rowsAsked > MAX_READ_ROWS) throw new OptionError("$top", `this request would read ${rowsAsked} Observations (at most ${MAX_READ_ROWS}): ask fewer with $top, a smaller $skip (follow @iot.nextLink) or fewer parents`);
  const out: StoredObservation[][] = parents.map(() => []);
  const resume: Array<Cursor | null> = parents.map(() => null);
  const desc = order.mode === "time" && order.desc;
  const ranges: PairRange[] = [];
  const owner: number[] = [];
  for (const [pairs, i] of small) {
    for (const s of pairs) {
      const p = { d: s.device, q: s.quantity };
      let from: number | null = null;
      let inclusive = false;
      if (cursor !== null) {
        const c = pairCmp(p, cursor);
        if (order.mode === "key") {
          // Pairs before the cursor's are done; the cursor's resumes after its time.
          if (c < 0) continue;
          if (c === 0) from = cursor.t;
        } else {
          // At the cursor's time, only pairs after the cursor's remain.
          from = cursor.t;
          inclusive = c > 0;
        }
      }
      ranges.push({ pair: s, ...startAt(from, inclusive, desc ? bounds.to - 1 : bounds.from, desc) });
      owner.push(i);
    }
  }
  const read = perPair(ctx.db, ranges, where, desc, need);
  const large = parents.map((pairs, i) => [pairs, i] as const).filter(([pairs]) => pairs.length > PER_PAIR_MAX);
  const walks = large.map(async ([pairs, i]) => {
    let walk: Walk;
    if (order.mode === "key") walk = await walkByKey(ctx.db, pairs, where, cursor, need, (from) => startAt(from, false, bounds.from, false));
    else {
      const span = { first: Math.max(bounds.from, Math.min(...pairs.map((p) => p.first))), last: Math.min(bounds.to - 1, Math.max(...pairs.map((p) => p.last))) };
      walk = await walkByTime(ctx.db, pairs, where, order.desc, cursor, span, need);
    }
    out[i] = walk.rows;
    resume[i] = walk.resume;
  });
  const [perPairRows] = await Promise.all([read, ...walks]);
  perPairRows.forEach((rows, k) => out[owner[k]!]!.push(...rows));
  for (const [, i] of small) out[i] = out[i]!.sort(order.mode === "key" ? keyCmp : timeCmp(desc)).slice(0, need);
  return out.map((rows, i) => ({ rows, resume: resume[i]! }));
}

/**
 * Pages in an order with no key (by result…): the database sorts the readings of each parent and
 * skips with OFFSET, so this is refused past MAX_SORTED_READINGS readings (the Datastreams' counts).
 */
async function sortedPages(ctx: Context, parents: ReadonlyArray<readonly StreamSummary[]>, where: Where, opts: Options): Promise<StoredObservation[][]> {
  const counts = await countsOf(ctx, parents, null);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > MAX_SORTED_READINGS) {
    throw new OptionError("$orderby", `ordering ${total} Observations by ${opts.orderby.map((o) => o.path.join("/")).join(", ")} is refused (at most ${MAX_SORTED_READINGS}): order by phenomenonTime, or ask for fewer Datastreams`);
  }
  const order = opts.orderby.map(({ path, desc }) => `${OBSERVATION_COLUMNS[path.join("/")] ?? "r.time"} ${desc ? "DESC" : "ASC"}`).concat("r.device_id, r.quantity_id, r.time").join(", ");
  return sortedObservations(ctx.db, parents, where, order, opts.top + 1, opts.skip);
}

function sqlOf(opts: Options, scope: PairScope) {
  try {
    return compileFilter(opts.filter!, OBSERVATION_COLUMNS, scope);
  } catch (e) {
    if (e instanceof FilterError) throw new OptionError("$filter", e.message, e.offset);
    throw e;
  }
}

/** The query options that place a page: they are replaced in a next link, the others are kept. */
const PAGING = new Set(["$skip", "$skiptoken", "$top"]);

/**
 * The parameters of the page after `next`: a key ($skiptoken, with what $skip has still to pass:
 * a short page may leave some) or a $skip, and the $top.
 */
function pagePosition(next: NonNullable<Page["next"]>, top: number): Array<[string, string]> {
  const at: Array<[string, string]> = "token" in next ? [["$skiptoken", next.token]] : [];
  const skip = "token" in next ? (next.skip ?? 0) : next.skip;
  if (skip > 0 || !("token" in next)) at.push(["$skip", String(skip)]);
  at.push(["$top", String(top)]);
  return at;
}

/**
 * The @iot.nextLink writer of a collection's pages: the collection's URL with the options it was
 * asked with (`raw`), paging options replaced by the next page's position. The kept options are
 * encoded once, for every parent of an expansion (a URL object per link cost more than the rest
 * of a Datastream's row).
 */
export function nextLinks(raw: ReadonlyMap<string, string>, top: number): (collection: string, next: NonNullable<Page["next"]>) => string {
  const kept = [...raw].filter(([name]) => !PAGING.has(name)).map((pair) => `${new URLSearchParams([pair])}&`).join("");
  return (collection, next) => `${collection}?${kept}${new URLSearchParams(pagePosition(next, top))}`;
}

/**
 * One entity as published: its properties ($select), self link (absolute), navigation links
 * (relative to the service root, as SensorThings 1.1 writes them: `Things(1)/Datastreams`; an
 * eighth of the latest-Observation-of-every-Datastream answer was the service root repeated),
 * expansions.
 */
export async function render(ctx: Context, set: EntitySet, rows: readonly Row[], opts: Options): Promise<Array<Record<string, unknown>>> {
  const navs = Object.keys(NAVIGATION[set]).map((nav) => [`${nav}@iot.navigationLink`, `/${nav}`] as const);
  const out = rows.map((r) => {
    const path = set + urlId(r.id);
    const full: Record<string, unknown> = { "@iot.id": r.id, "@iot.selfLink": `${ctx.base}/${path}` };
    for (const k in r.body) full[k] = r.body[k];
    for (const [name, tail] of navs) full[name] = path + tail;
    if (opts.select === null) return full;
    const picked: Record<string, unknown> = {};
    for (const name of opts.select) {
      if (name in full) picked[name] = full[name];
      else if (`${name}@iot.navigationLink` in full) picked[`${name}@iot.navigationLink`] = full[`${name}@iot.navigationLink`];
      else throw new OptionError("$select", `${set} has no property ${name}`);
    }
    return picked;
  });
  for (const { nav, options } of opts.expand) {
    const link = NAVIGATION[set][nav]!;
    const constraints = rows.map((r) => Object.fromEntries(link.by.map((k) => [k, r.keys[k]])) as Keys);
    const pages = await listMany(ctx, link.target, constraints, link.single ? { ...options, top: 1, skip: 0 } : options);
    // Children of every parent rendered together, so that the next level is one batch too.
    const children = await render(ctx, link.target, pages.flatMap((p) => p.rows), options);
    const linkOf = nextLinks(options.raw, options.top);
    let from = 0;
    for (let i = 0; i < rows.length; i++) {
      const page = pages[i]!;
      const mine = children.slice(from, from + page.rows.length);
      from += page.rows.length;
      if (link.single) out[i]![nav] = mine[0] ?? null;
      else {
        out[i]![nav] = mine;
        if (page.count !== null) out[i]![`${nav}@iot.count`] = page.count;
        if (page.next !== null) out[i]![`${nav}@iot.nextLink`] = linkOf(`${ctx.base}/${set}${urlId(rows[i]!.id)}/${nav}`, page.next);
      }
    }
  }
  return out;
}
