import { parse as parseGenerated, SyntaxError as PeggySyntaxError } from "./filter.generated.js";

/**
 * $filter of SensorThings API 1.1: parsed by the peggy grammar filter.peggy (generated into
 * filter.generated.js by `npm run generate:sta`, so workerd only runs plain generated JS), its
 * cost bounded, then either evaluated over the in-memory entity sets (Things, Datastreams…: a few
 * hundred rows built from the registry) or compiled to parameterized SQL over readings
 * (Observations), both over a whitelist of properties.
 */

export type Geometry =
  | { type: "Point"; coordinates: [number, number] }
  | { type: "LineString"; coordinates: Array<[number, number]> }
  | { type: "Polygon"; coordinates: Array<Array<[number, number]>> };
/** Literals: a date-time is `{time}` (epoch ms), a date `{date}` ("YYYY-MM-DD"), a time of day `{timeOfDay}` ("hh:mm:ss.fff"), a duration `{duration}` (ms). */
export type LiteralValue = number | string | boolean | null | { time: number } | { date: string } | { timeOfDay: string } | { duration: number } | Geometry;

export type FilterNode =
  | { type: "binary"; op: string; left: FilterNode; right: FilterNode; at: number }
  | { type: "not"; arg: FilterNode; at: number }
  | { type: "negate"; arg: FilterNode; at: number }
  | { type: "call"; name: string; args: FilterNode[]; at: number }
  | { type: "literal"; value: LiteralValue; at: number }
  | { type: "property"; path: string[]; at: number };

/** A $filter that cannot be served, with where in the expression the problem lies. */
export class FilterError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = "FilterError";
    this.offset = offset;
  }
}

/** Bounds of a filter's cost: longer or deeper expressions are refused before any work. */
export const MAX_FILTER_LENGTH = 2000;
export const MAX_FILTER_NODES = 100;
export const MAX_FILTER_DEPTH = 16;

/** The functions of $filter and how many arguments each takes (min, max). */
const FUNCTIONS: Record<string, [number, number]> = {
  // strings
  substringof: [2, 2], startswith: [2, 2], endswith: [2, 2], contains: [2, 2], length: [1, 1], indexof: [2, 2],
  tolower: [1, 1], toupper: [1, 1], trim: [1, 1], concat: [2, 2], substring: [2, 3],
  // date and time (UTC)
  year: [1, 1], month: [1, 1], day: [1, 1], hour: [1, 1], minute: [1, 1], second: [1, 1], fractionalseconds: [1, 1],
  date: [1, 1], time: [1, 1], totaloffsetminutes: [1, 1], now: [0, 0], mindatetime: [0, 0], maxdatetime: [0, 0],
  // numbers
  round: [1, 1], floor: [1, 1], ceiling: [1, 1],
  // geometry (WGS 84 degrees, planar)
  "geo.distance": [2, 2], "geo.length": [1, 1], "geo.intersects": [2, 2],
  st_within: [2, 2], st_intersects: [2, 2], st_contains: [2, 2], st_equals: [2, 2], st_disjoint: [2, 2],
};

const GEO = new Set(["geo.distance", "geo.length", "geo.intersects", "st_within", "st_intersects", "st_contains", "st_equals", "st_disjoint"]);

/** Geometry literals and the geometry properties (Location/location, FeatureOfInterest/feature). */
const isGeometryTyped = (n: FilterNode): boolean =>
  (n.type === "literal" && n.value !== null && typeof n.value === "object" && "coordinates" in n.value) || (n.type === "property" && ["location", "feature"].includes(n.path[n.path.length - 1]!));

export function parseFilter(text: string, allowed: ReadonlySet<string>): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) throw new FilterError(`$filter is longer than ${MAX_FILTER_LENGTH} characters`, MAX_FILTER_LENGTH);
  let tree: FilterNode;
  try {
    tree = parseGenerated(text) as FilterNode;
  } catch (e) {
    if (e instanceof PeggySyntaxError) throw new FilterError(e.message, e.location.start.offset);
    throw e;
  }
  let nodes = 0;
  const visit = (n: FilterNode, depth: number): void => {
    nodes += 1;
    if (nodes > MAX_FILTER_NODES) throw new FilterError(`$filter has more than ${MAX_FILTER_NODES} terms`, n.at);
    if (depth > MAX_FILTER_DEPTH) throw new FilterError(`$filter is nested deeper than ${MAX_FILTER_DEPTH}`, n.at);
    if (n.type === "binary") {
      // A geometry is no value to compare or compute with: it goes through a geo function.
      if (n.op !== "and" && n.op !== "or") for (const side of [n.left, n.right]) if (isGeometryTyped(side)) throw new FilterError("a geometry is compared only through a geo function (geo.distance, st_within…)", side.at);
      visit(n.left, depth + 1);
      visit(n.right, depth + 1);
    } else if (n.type === "not" || n.type === "negate") visit(n.arg, depth + 1);
    else if (n.type === "call") {
      const arity = FUNCTIONS[n.name];
      if (arity === undefined) throw new FilterError(`unknown function ${n.name}: one of ${Object.keys(FUNCTIONS).join(", ")}`, n.at);
      if (n.args.length < arity[0] || n.args.length > arity[1]) throw new FilterError(`${n.name} takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} to ${arity[1]}`} argument(s)`, n.at);
      for (const a of n.args) visit(a, depth + 1);
    } else if (n.type === "property" && !allowed.has(n.path[0]!)) {
      throw new FilterError(`unknown property ${n.path.join("/")}: one of ${[...allowed].join(", ")}`, n.at);
    }
  };
  visit(tree, 0);
  return tree;
}

// ---- evaluation over entities -------------------------------------------------------------------

type TimeValue = { time: number };
type Value = number | string | boolean | null | undefined | Geometry | TimeValue;

const isTime = (v: unknown): v is TimeValue => v !== null && typeof v === "object" && "time" in v;
const isGeometry = (v: unknown): v is Geometry => v !== null && typeof v === "object" && "type" in v && "coordinates" in v;
const MIN_TIME = Date.parse("0001-01-01T00:00:00Z");
const MAX_TIME = Date.parse("9999-12-31T23:59:59.999Z");

function pathValue(entity: Record<string, unknown>, path: readonly string[]): Value {
  let v: unknown = entity;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v as Value;
}

/** A literal as a value: dates and times of day are their text (compared as text, like an ISO time), a duration its ms. */
function literalValue(v: LiteralValue): Value {
  if (v !== null && typeof v === "object") {
    if ("date" in v) return v.date;
    if ("timeOfDay" in v) return v.timeOfDay;
    if ("duration" in v) return v.duration;
  }
  return v as Value;
}

/** Epoch ms of a time value: a date-time, or an ISO string (an interval "a/b" by its start). */
function toMs(v: Value): number | null {
  if (isTime(v)) return v.time;
  if (typeof v === "string") {
    const t = Date.parse(v.split("/")[0]!);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The UTC parts of a time: year … fractionalseconds, date ("YYYY-MM-DD"), time ("hh:mm:ss.fff"). */
function timePart(name: string, ms: number): number | string {
  const d = new Date(ms);
  switch (name) {
    case "year":
      return d.getUTCFullYear();
    case "month":
      return d.getUTCMonth() + 1;
    case "day":
      return d.getUTCDate();
    case "hour":
      return d.getUTCHours();
    case "minute":
      return d.getUTCMinutes();
    case "second":
      return d.getUTCSeconds();
    case "fractionalseconds":
      return d.getUTCMilliseconds() / 1000;
    case "date":
      return d.toISOString().slice(0, 10);
    case "time":
      return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
    default:
      return 0; // totaloffsetminutes: every time here is UTC
  }
}

type Pt = [number, number];
const samePoint = (a: Pt, b: Pt) => a[0] === b[0] && a[1] === b[1];
const segmentLength = (a: Pt, b: Pt) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** A point on the segment [a, b] (within floating-point rounding). */
function onSegment(p: Pt, a: Pt, b: Pt): boolean {
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  if (Math.abs(cross) > 1e-12 * Math.max(1, segmentLength(a, b))) return false;
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

/** A point strictly inside a polygon's outer ring (ray casting). */
function inRing(p: Pt, ring: readonly Pt[]): boolean {
  const [x, y] = p;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const ringEdges = (ring: readonly Pt[]) => ring.map((a, i) => [a, ring[(i + 1) % ring.length]!] as const);
const lineEdges = (line: readonly Pt[]) => line.slice(1).map((b, i) => [line[i]!, b] as const);

/**
 * Relations between a point and a geometry (the Things, Locations and FeaturesOfInterest here are
 * points); between two lines or polygons they are not evaluated (null).
 */
function pointRelation(p: Pt, g: Geometry): { within: boolean; intersects: boolean } {
  switch (g.type) {
    case "Point":
      return { within: samePoint(p, g.coordinates), intersects: samePoint(p, g.coordinates) };
    case "LineString": {
      const on = lineEdges(g.coordinates).some(([a, b]) => onSegment(p, a, b)) || (g.coordinates.length === 1 && samePoint(p, g.coordinates[0]!));
      // Within a line: on it but not at an end (its boundary).
      const end = samePoint(p, g.coordinates[0]!) || samePoint(p, g.coordinates[g.coordinates.length - 1]!);
      return { within: on && !end, intersects: on };
    }
    case "Polygon": {
      const ring = g.coordinates[0]!;
      const boundary = ringEdges(ring).some(([a, b]) => onSegment(p, a, b));
      const inside = !boundary && inRing(p, ring);
      return { within: inside, intersects: inside || boundary };
    }
  }
}

function geo(name: string, args: readonly Value[]): Value {
  if (name === "geo.length") {
    const g = args[0];
    if (!isGeometry(g)) return null;
    if (g.type === "Point") return 0;
    const line = g.type === "LineString" ? g.coordinates : g.coordinates[0]!;
    return (g.type === "LineString" ? lineEdges(line) : ringEdges(line)).reduce((n, [a, b]) => n + segmentLength(a, b), 0);
  }
  const [a, b] = args;
  if (!isGeometry(a) || !isGeometry(b)) return name === "geo.distance" ? null : false;
  if (name === "geo.distance") {
    if (a.type === "Point" && b.type === "Point") return segmentLength(a.coordinates, b.coordinates);
    return null;
  }
  if (a.type !== "Point" && b.type !== "Point") return null;
  if (name === "st_equals") return a.type === "Point" && b.type === "Point" && samePoint(a.coordinates, b.coordinates);
  // Orient as (point, other): within/contains swap with the order.
  const [p, other, swapped] = a.type === "Point" ? [a.coordinates, b, false] : [(b as { coordinates: Pt }).coordinates, a, true];
  const rel = pointRelation(p, other);
  switch (name) {
    case "st_within":
      return swapped ? other.type === "Point" && rel.within : rel.within;
    case "st_contains":
      return swapped ? rel.within : other.type === "Point" && rel.within;
    case "st_disjoint":
      return !rel.intersects;
    default: // geo.intersects, st_intersects
      return rel.intersects;
  }
}

/** Values compared with each other: a time with a time or an ISO string as epoch ms, otherwise as they are. */
function comparablePair(l: Value, r: Value): [Value, Value] {
  if (isTime(l) || isTime(r)) return [toMs(l) ?? (l as Value), toMs(r) ?? (r as Value)];
  return [l, r];
}

function evaluate(n: FilterNode, entity: Record<string, unknown>, now: number): Value {
  switch (n.type) {
    case "literal":
      return literalValue(n.value);
    case "property":
      return pathValue(entity, n.path);
    case "not":
      return !truthy(evaluate(n.arg, entity, now));
    case "negate": {
      const v = evaluate(n.arg, entity, now);
      return typeof v === "number" ? -v : null;
    }
    case "call": {
      const args = n.args.map((a) => evaluate(a, entity, now));
      const s = (i: number) => (typeof args[i] === "string" ? (args[i] as string) : null);
      const num = (i: number) => (typeof args[i] === "number" ? (args[i] as number) : null);
      if (GEO.has(n.name)) return geo(n.name, args);
      switch (n.name) {
        case "substringof":
          return s(0) !== null && s(1) !== null ? s(1)!.includes(s(0)!) : false;
        case "contains":
          return s(0) !== null && s(1) !== null ? s(0)!.includes(s(1)!) : false;
        case "startswith":
          return s(0) !== null && s(1) !== null ? s(0)!.startsWith(s(1)!) : false;
        case "endswith":
          return s(0) !== null && s(1) !== null ? s(0)!.endsWith(s(1)!) : false;
        case "length":
          return s(0)?.length ?? null;
        case "indexof":
          return s(0) !== null && s(1) !== null ? s(0)!.indexOf(s(1)!) : null;
        case "tolower":
          return s(0)?.toLowerCase() ?? null;
        case "toupper":
          return s(0)?.toUpperCase() ?? null;
        case "trim":
          return s(0)?.trim() ?? null;
        case "concat":
          return s(0) !== null && s(1) !== null ? s(0)! + s(1)! : null;
        case "substring": {
          const from = num(1);
          if (s(0) === null || from === null) return null;
          const len = args.length > 2 ? num(2) : null;
          return len === null ? s(0)!.slice(Math.max(0, from)) : s(0)!.substr(Math.max(0, from), Math.max(0, len));
        }
        case "round":
          return num(0) === null ? null : Math.sign(num(0)!) * Math.round(Math.abs(num(0)!));
        case "floor":
          return num(0) === null ? null : Math.floor(num(0)!);
        case "ceiling":
          return num(0) === null ? null : Math.ceil(num(0)!);
        case "now":
          return { time: now };
        case "mindatetime":
          return { time: MIN_TIME };
        case "maxdatetime":
          return { time: MAX_TIME };
        default: {
          // year … time, totaloffsetminutes
          const ms = toMs(args[0]);
          return ms === null ? null : timePart(n.name, ms);
        }
      }
    }
    case "binary": {
      if (n.op === "and") return truthy(evaluate(n.left, entity, now)) && truthy(evaluate(n.right, entity, now));
      if (n.op === "or") return truthy(evaluate(n.left, entity, now)) || truthy(evaluate(n.right, entity, now));
      const l0 = evaluate(n.left, entity, now);
      const r0 = evaluate(n.right, entity, now);
      if (n.op === "add" || n.op === "sub") {
        // A time plus or minus a duration is a time.
        const lt = isTime(l0) ? l0.time : l0;
        const rt = isTime(r0) ? r0.time : r0;
        if (typeof lt !== "number" || typeof rt !== "number") return null;
        const v = n.op === "add" ? lt + rt : lt - rt;
        return isTime(l0) !== isTime(r0) ? { time: v } : v;
      }
      const [l, r] = comparablePair(l0, r0);
      switch (n.op) {
        case "eq":
          return l === r || (l === undefined && r === null);
        case "ne":
          return !(l === r || (l === undefined && r === null));
      }
      if (l === null || r === null || l === undefined || r === undefined || typeof l === "object" || typeof r === "object") return n.op.length === 2 ? false : null;
      switch (n.op) {
        case "gt":
          return l > r;
        case "ge":
          return l >= r;
        case "lt":
          return l < r;
        case "le":
          return l <= r;
      }
      if (typeof l !== "number" || typeof r !== "number") return null;
      switch (n.op) {
        case "mul":
          return l * r;
        case "div":
          return r === 0 ? null : l / r;
        case "mod":
          return r === 0 ? null : l % r;
      }
      return null;
    }
  }
}

const truthy = (v: Value): boolean => v === true;

export function matches(tree: FilterNode, entity: Record<string, unknown>, now = Date.now()): boolean {
  return truthy(evaluate(tree, entity, now));
}

// ---- compilation to SQL (Observations) ----------------------------------------------------------

const SQL_OPS: Record<string, string> = { eq: "=", ne: "<>", gt: ">", ge: ">=", lt: "<", le: "<=", add: "+", sub: "-", mul: "*", div: "/", mod: "%", and: "AND", or: "OR" };
const COMPARISONS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);

/**
 * What `Datastream/…` and `FeatureOfInterest/…` are for the readings of each (device, quantity)
 * pair: one entity per pair, keyed `${device}-${quantity}`. A part of a filter that reads only
 * these (and literals) has one value per pair: it is evaluated here, in memory, once per pair.
 */
export interface PairScope {
  entities: ReadonlyMap<string, Record<string, unknown>>;
}

/** The filter split for SQL: pairs it excludes whatever the reading, and the SQL condition on the rest (null: none). */
export interface CompiledFilter {
  /** Pair keys a top-level `and` term rules out (a term of Datastream/FeatureOfInterest only). */
  excluded: Set<string>;
  where: { sql: string; params: Array<number | string | null> } | null;
}

/** The SQL of each function over its compiled arguments; `x`, `y` are bound once through a subquery where an argument recurs. */
const twice = (a: string, b: string, expr: string) => `(SELECT ${expr} FROM (SELECT ${a} AS x, ${b} AS y))`;
const epochSeconds = (a: string) => `(CAST(${a} AS INTEGER) / 1000)`;

function callSql(name: string, a: string[]): string {
  switch (name) {
    case "substringof":
      return `(instr(${a[1]}, ${a[0]}) > 0)`;
    case "contains":
      return `(instr(${a[0]}, ${a[1]}) > 0)`;
    case "startswith":
      return `(instr(${a[0]}, ${a[1]}) = 1)`;
    case "endswith":
      return twice(a[0]!, a[1]!, "CASE WHEN y = '' THEN 1 ELSE substr(x, -length(y)) = y END");
    case "length":
      return `length(${a[0]})`;
    case "indexof":
      return `(instr(${a[0]}, ${a[1]}) - 1)`;
    case "tolower":
      return `lower(${a[0]})`;
    case "toupper":
      return `upper(${a[0]})`;
    case "trim":
      return `trim(${a[0]})`;
    case "concat":
      return `(${a[0]} || ${a[1]})`;
    case "substring":
      return a.length > 2 ? `substr(${a[0]}, ${a[1]} + 1, ${a[2]})` : `substr(${a[0]}, ${a[1]} + 1)`;
    case "round":
      return `round(${a[0]})`;
    case "floor":
      return `floor(${a[0]})`;
    case "ceiling":
      return `ceil(${a[0]})`;
    case "year":
      return `CAST(strftime('%Y', ${epochSeconds(a[0]!)}, 'unixepoch') AS INTEGER)`;
    case "month":
      return `CAST(strftime('%m', ${epochSeconds(a[0]!)}, 'unixepoch') AS INTEGER)`;
    case "day":
      return `CAST(strftime('%d', ${epochSeconds(a[0]!)}, 'unixepoch') AS INTEGER)`;
    case "hour":
      return `CAST(strftime('%H', ${epochSeconds(a[0]!)}, 'unixepoch') AS INTEGER)`;
    case "minute":
      return `CAST(strftime('%M', ${epochSeconds(a[0]!)}, 'unixepoch') AS INTEGER)`;
    case "second":
      return `CAST(strftime('%S', ${epochSeconds(a[0]!)}, 'unixepoch') AS INTEGER)`;
    case "fractionalseconds":
      return `((CAST(${a[0]} AS INTEGER) % 1000) / 1000.0)`;
    case "date":
      return `date(${epochSeconds(a[0]!)}, 'unixepoch')`;
    case "time":
      return `(SELECT strftime('%H:%M:%S', x / 1000, 'unixepoch') || printf('.%03d', x % 1000) FROM (SELECT CAST(${a[0]} AS INTEGER) AS x))`;
    case "totaloffsetminutes":
      return `(CASE WHEN ${a[0]} IS NULL THEN NULL ELSE 0 END)`;
  }
  throw new Error(`no SQL for ${name}`);
}

/**
 * The filter as a SQL condition over `columns` (whitelisted property → SQL expression over the
 * readings row `r`), values bound as parameters. Parts that read only Datastream/… and
 * FeatureOfInterest/… (`scope`) are evaluated per pair in memory and enter the SQL as a lookup of
 * the pair's value in one bound JSON object; a top-level `and` term of that kind excludes pairs
 * instead. Geometries exist only in those parts: a geo function over a reading's own properties is
 * refused, as is a string function the database cannot apply.
 */
export function compileFilter(tree: FilterNode, columns: Readonly<Record<string, string>>, scope: PairScope, now = Date.now()): CompiledFilter {
  const params: Array<number | string | null> = [];
  const readsRow = (n: FilterNode): boolean =>
    n.type === "property" ? columns[n.path.join("/")] !== undefined : n.type === "binary" ? readsRow(n.left) || readsRow(n.right) : n.type === "not" || n.type === "negate" ? readsRow(n.arg) : n.type === "call" ? n.args.some(readsRow) : false;
  const readsPair = (n: FilterNode): boolean =>
    n.type === "property" ? columns[n.path.join("/")] === undefined : n.type === "binary" ? readsPair(n.left) || readsPair(n.right) : n.type === "not" || n.type === "negate" ? readsPair(n.arg) : n.type === "call" ? n.args.some(readsPair) : false;
  // Times are epoch ms in SQL: a date literal compared with a time is its midnight UTC.
  const isTimeSql = (n: FilterNode): boolean =>
    (n.type === "property" && ["phenomenonTime", "resultTime"].includes(n.path.join("/"))) ||
    (n.type === "literal" && isTime(n.value)) ||
    (n.type === "call" && ["now", "mindatetime", "maxdatetime"].includes(n.name)) ||
    (n.type === "binary" && (n.op === "add" || n.op === "sub") && (isTimeSql(n.left) || isTimeSql(n.right)));

  const perPair = (n: FilterNode): string => {
    const values: Record<string, unknown> = {};
    for (const [key, entity] of scope.entities) {
      const v = evaluate(n, entity, now);
      if (isGeometry(v)) throw new FilterError("a geometry is not a value: compare it through a geo function", n.at);
      values[key] = isTime(v) ? v.time : v === undefined ? null : v;
    }
    params.push(JSON.stringify(values));
    return `json_extract(?, '$."' || r.device_id || '-' || r.quantity_id || '"')`;
  };

  const walk = (n: FilterNode, timeContext = false): string => {
    if (!readsRow(n) && readsPair(n)) return perPair(n);
    if (!readsRow(n) && n.type === "call" && GEO.has(n.name)) {
      // Over literals only: one value for every reading.
      const v = evaluate(n, {}, now);
      params.push(typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "number" ? v : null);
      return "?";
    }
    switch (n.type) {
      case "literal": {
        const v = n.value;
        if (v !== null && typeof v === "object") {
          if (isGeometry(v)) throw new FilterError("a geometry is compared only through a geo function of Datastream/… or FeatureOfInterest/…", n.at);
          if ("time" in v) params.push(v.time);
          else if ("date" in v) params.push(timeContext ? Date.parse(`${v.date}T00:00:00Z`) : v.date);
          else if ("timeOfDay" in v) params.push(v.timeOfDay);
          else params.push(v.duration);
        } else params.push(typeof v === "boolean" ? (v ? 1 : 0) : v);
        return "?";
      }
      case "property": {
        const column = columns[n.path.join("/")];
        if (column === undefined) throw new FilterError(`Observations are filtered on ${Object.keys(columns).join(", ")}, Datastream/… and FeatureOfInterest/…`, n.at);
        return column;
      }
      case "not":
        return `(NOT ${walk(n.arg)})`;
      case "negate":
        return `(-${walk(n.arg)})`;
      case "call": {
        if (GEO.has(n.name)) throw new FilterError(`${n.name} applies to geometries: FeatureOfInterest/feature and geography literals`, n.at);
        if (n.name === "now") {
          params.push(now);
          return "?";
        }
        if (n.name === "mindatetime" || n.name === "maxdatetime") {
          params.push(n.name === "mindatetime" ? MIN_TIME : MAX_TIME);
          return "?";
        }
        return callSql(n.name, n.args.map((a) => walk(a)));
      }
      case "binary": {
        if (COMPARISONS.has(n.op) && (n.op === "eq" || n.op === "ne")) {
          // x eq null is a test of absence (SQL `=` with NULL is never true).
          const nullSide = [n.left, n.right].find((s) => s.type === "literal" && s.value === null);
          const other = nullSide === n.left ? n.right : n.left;
          if (nullSide) return `(${walk(other)} IS ${n.op === "eq" ? "" : "NOT "}NULL)`;
        }
        const ctx = COMPARISONS.has(n.op) || n.op === "add" || n.op === "sub";
        const left = walk(n.left, ctx && isTimeSql(n.right));
        const right = walk(n.right, ctx && isTimeSql(n.left));
        return `(${left} ${SQL_OPS[n.op]!} ${right})`;
      }
    }
  };

  // Top-level `and` terms over the pair only: pairs they rule out are not read at all.
  const terms = andTerms(tree);
  const excluded = new Set<string>();
  const rest: string[] = [];
  for (const t of terms) {
    if (!readsRow(t)) {
      for (const [key, entity] of scope.entities) if (!truthy(evaluate(t, entity, now))) excluded.add(key);
    } else rest.push(walk(t));
  }
  return { excluded, where: rest.length === 0 ? null : { sql: rest.join(" AND "), params } };
}

/** The terms of a filter's top-level `and`s (the filter itself when it is not one). */
function andTerms(tree: FilterNode): FilterNode[] {
  return tree.type === "binary" && tree.op === "and" ? [...andTerms(tree.left), ...andTerms(tree.right)] : [tree];
}

/**
 * What a filter of Observations says of the reading's time: the bounds [from, to) in epoch ms its
 * top-level `and` terms set on phenomenonTime or resultTime (both the reading's time) with a
 * date-time or date literal, whatever its other terms say (−∞, ∞ without such a term) — no
 * reading outside them passes, so walks start there; and `onlyTimes`, whether that is all it says
 * of a reading (every other top-level term reads no property of the reading itself: a
 * Datastream/… or FeatureOfInterest/… term, applied per pair), so that a count can be read from
 * the hour rollups instead of reading by reading.
 */
export function filterTimes(tree: FilterNode, columns: Readonly<Record<string, string>>): { from: number; to: number; onlyTimes: boolean } {
  const TIMES = ["phenomenonTime", "resultTime"];
  const readsRow = (n: FilterNode): boolean =>
    n.type === "property" ? columns[n.path.join("/")] !== undefined : n.type === "binary" ? readsRow(n.left) || readsRow(n.right) : n.type === "not" || n.type === "negate" ? readsRow(n.arg) : n.type === "call" ? n.name === "now" || n.args.some(readsRow) : false;
  const instant = (n: FilterNode): number | null => {
    if (n.type !== "literal" || n.value === null || typeof n.value !== "object") return null;
    if ("time" in n.value) return n.value.time;
    // A date compared with a time is its midnight UTC (as compileFilter binds it).
    if ("date" in n.value) return Date.parse(`${n.value.date}T00:00:00Z`);
    return null;
  };
  const FLIP: Record<string, string> = { gt: "lt", ge: "le", lt: "gt", le: "ge", eq: "eq" };
  let from = -Infinity;
  let to = Infinity;
  let onlyTimes = true;
  for (const t of andTerms(tree)) {
    if (!readsRow(t)) continue;
    const bound = t.type === "binary" && FLIP[t.op] !== undefined ? (t.left.type === "property" ? [t.op, t.left, t.right] as const : [FLIP[t.op]!, t.right, t.left] as const) : null;
    const at = bound ? instant(bound[2]) : null;
    if (!bound || bound[1].type !== "property" || !TIMES.includes(bound[1].path.join("/")) || at === null || !Number.isInteger(at)) {
      onlyTimes = false;
      continue;
    }
    const op = bound[0];
    if (op === "gt" || op === "eq") from = Math.max(from, op === "gt" ? at + 1 : at);
    if (op === "ge") from = Math.max(from, at);
    if (op === "lt") to = Math.min(to, at);
    if (op === "le" || op === "eq") to = Math.min(to, at + 1);
  }
  return { from, to, onlyTimes };
}
