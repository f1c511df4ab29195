import { filterSql, matches } from "./filter.ts";
import { type EntitySet, type Keys, type Model, NAVIGATION, observationRow, type Row } from "./model.ts";
import { OptionError, type Options } from "./options.ts";
import { countObservations, latestOfPairs, OBSERVATION_COLUMNS, type ObservationQuery, observations, observationsByKey, type StoredObservation } from "./store.ts";

/**
 * Answers a SensorThings request over the model: lists (filter, order, page, count), navigation
 * and nested $expand. Observations go to D1 with one statement per parent in a single batch, so
 * `Things?$expand=Datastreams($expand=Observations($orderby=phenomenonTime desc;$top=1))` is one
 * primary-key seek backwards per Datastream — the latest value — never a scan of the history.
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
  next: { skip: number } | { token: string } | null;
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

/** Pages of one entity set under each of `constraints` (one per parent; [null] at the top). */
export async function listMany(ctx: Context, set: EntitySet, constraints: ReadonlyArray<Keys | null>, opts: Options): Promise<Page[]> {
  if (set === "Observations") return observationPages(ctx, constraints, opts);
  const all = ctx.model.rows[set];
  return constraints.map((constraint) => {
    let rows = all.filter((r) => keyMatch(r, constraint) && (opts.filter === null || matches(opts.filter, filterable(r))));
    if (opts.orderby.length > 0) rows = [...rows].sort(compareRows(opts.orderby));
    const page = rows.slice(opts.skip, opts.skip + opts.top);
    return { rows: page, count: opts.count ? rows.length : null, next: opts.skip + opts.top < rows.length ? { skip: opts.skip + opts.top } : null };
  });
}

const KEY_ORDER = "r.device_id, r.quantity_id, r.time";

function parseToken(token: string): { d: number; q: number; t: number } {
  const m = /^(\d+)-(\d+)-(\d+)$/.exec(token);
  if (!m) throw new OptionError("$skiptoken", "$skiptoken is not one written by an @iot.nextLink");
  return { d: Number(m[1]), q: Number(m[2]), t: Number(m[3]) };
}

async function observationPages(ctx: Context, constraints: ReadonlyArray<Keys | null>, opts: Options): Promise<Page[]> {
  const where = opts.filter === null ? null : sqlOf(opts);
  const order = opts.orderby.map(({ path, desc }) => `${OBSERVATION_COLUMNS[path.join("/")] ?? "r.time"} ${desc ? "DESC" : "ASC"}`).concat(KEY_ORDER).join(", ");
  // Key paging in the key order; a $skip otherwise (a client-chosen order has no cheap key).
  const keyed = opts.orderby.length === 0 && opts.skip === 0;
  const after = keyed && opts.skiptoken !== null ? parseToken(opts.skiptoken) : null;
  const queries: ObservationQuery[] = constraints.map((c) => ({
    pairs: ctx.model.streams.filter((s) => (c?.device === undefined || s.device === c.device) && (c?.quantity === undefined || s.quantity === c.quantity)),
    where,
    order,
    limit: opts.top + 1,
    offset: opts.skip,
    after,
  }));
  // The latest Observation of each Datastream: one statement for all parents (store.ts latestOfPairs).
  const latestOnly = opts.top === 1 && opts.skip === 0 && where === null && opts.orderby.length === 1 && opts.orderby[0]!.desc && ["phenomenonTime", "resultTime"].includes(opts.orderby[0]!.path.join("/"));
  let results: StoredObservation[][];
  if (latestOnly && queries.every((q) => q.pairs.length <= 1)) {
    const latest = new Map((await latestOfPairs(ctx.db, queries.flatMap((q) => q.pairs))).map((o) => [`${o.d}-${o.q}`, o]));
    // More rows remain when the Datastream holds more than the one given.
    results = queries.map((q) => {
      const p = q.pairs[0];
      const o = p && latest.get(`${p.device}-${p.quantity}`);
      return o ? (p.count > 1 ? [o, o] : [o]) : [];
    });
  } else if (keyed && queries.length === 1 && queries[0]!.pairs.length > 1) {
    // One parent walking many Datastreams in key order: pair by pair (store.ts observationsByKey).
    results = [await observationsByKey(ctx.db, queries[0]!.pairs, where, after, opts.top + 1)];
  } else results = await observations(ctx.db, queries);
  return Promise.all(
    results.map(async (stored, i) => {
      const q = queries[i]!;
      const more = stored.length > opts.top;
      const page = stored.slice(0, opts.top);
      let count: number | null = null;
      // Without a filter the day rollups hold the count: no pass over readings.
      if (opts.count) count = where === null ? q.pairs.reduce((n, p) => n + p.count, 0) : await countObservations(ctx.db, { ...q, after: null });
      const last = page[page.length - 1];
      const next = !more ? null : keyed && last ? { token: `${last.d}-${last.q}-${last.t}` } : { skip: opts.skip + opts.top };
      return { rows: page.map((o) => observationRow(ctx.model, o)), count, next };
    }),
  );
}

function sqlOf(opts: Options) {
  try {
    return filterSql(opts.filter!, OBSERVATION_COLUMNS);
  } catch (e) {
    if (e instanceof Error && "offset" in e) throw new OptionError("$filter", e.message, (e as { offset: number }).offset);
    throw e;
  }
}

/** One entity as published: its properties ($select), self and navigation links, expansions. */
export async function render(ctx: Context, set: EntitySet, rows: readonly Row[], opts: Options): Promise<Array<Record<string, unknown>>> {
  const out = rows.map((r) => {
    const self = `${ctx.base}/${set}${urlId(r.id)}`;
    const full: Record<string, unknown> = { "@iot.id": r.id, "@iot.selfLink": self, ...r.body };
    for (const nav of Object.keys(NAVIGATION[set])) full[`${nav}@iot.navigationLink`] = `${self}/${nav}`;
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
    let from = 0;
    for (let i = 0; i < rows.length; i++) {
      const page = pages[i]!;
      const mine = children.slice(from, from + page.rows.length);
      from += page.rows.length;
      if (link.single) out[i]![nav] = mine[0] ?? null;
      else {
        out[i]![nav] = mine;
        if (page.count !== null) out[i]![`${nav}@iot.count`] = page.count;
        if (page.next !== null) out[i]![`${nav}@iot.nextLink`] = `${ctx.base}/${set}${urlId(rows[i]!.id)}/${nav}`;
      }
    }
  }
  return out;
}
