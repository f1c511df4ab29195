import { parse as parseGenerated, SyntaxError as PeggySyntaxError } from "./filter.generated.js";

/**
 * $filter of SensorThings API 1.1: parsed by the peggy grammar filter.peggy (generated into
 * filter.generated.js by `npm run generate:sta`, so workerd only runs plain generated JS), its
 * cost bounded, then either evaluated over the in-memory entity sets (Things, Datastreams…: a few
 * hundred rows built from the registry) or compiled to parameterized SQL over readings
 * (Observations), both over a whitelist of properties.
 */

export type Geometry = { type: "Point"; coordinates: [number, number] } | { type: "Polygon"; coordinates: Array<Array<[number, number]>> };
export type LiteralValue = number | string | boolean | null | { time: number } | Geometry;

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

const FUNCTIONS: Record<string, number> = {
  substringof: 2, startswith: 2, endswith: 2, contains: 2, length: 1, tolower: 1, toupper: 1, "geo.distance": 2, st_within: 2,
};

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
      visit(n.left, depth + 1);
      visit(n.right, depth + 1);
    } else if (n.type === "not" || n.type === "negate") visit(n.arg, depth + 1);
    else if (n.type === "call") {
      const arity = FUNCTIONS[n.name];
      if (arity === undefined) throw new FilterError(`unknown function ${n.name}: one of ${Object.keys(FUNCTIONS).join(", ")}`, n.at);
      if (n.args.length !== arity) throw new FilterError(`${n.name} takes ${arity} argument(s)`, n.at);
      for (const a of n.args) visit(a, depth + 1);
    } else if (n.type === "property" && !allowed.has(n.path[0]!)) {
      throw new FilterError(`unknown property ${n.path.join("/")}: one of ${[...allowed].join(", ")}`, n.at);
    }
  };
  visit(tree, 0);
  return tree;
}

// ---- evaluation over entities -------------------------------------------------------------------

type Value = number | string | boolean | null | Geometry | undefined;

function pathValue(entity: Record<string, unknown>, path: readonly string[]): Value {
  let v: unknown = entity;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v as Value;
}

/** Comparable form: times as epoch ms (ISO strings compared with a date-time literal). */
function comparable(a: Value, other: Value | { time: number }): Value {
  if (typeof a === "string" && other !== null && typeof other === "object" && "time" in other) {
    const t = Date.parse(a.split("/").pop()!);
    return Number.isNaN(t) ? a : t;
  }
  return a;
}

const isGeometry = (v: unknown): v is Geometry => v !== null && typeof v === "object" && "type" in v && "coordinates" in v;

/** Degrees between two points (STA's geo.distance is in the CRS units: WGS 84 degrees). */
function distance(a: Geometry, b: Geometry): number {
  if (a.type !== "Point" || b.type !== "Point") throw new FilterError("geo.distance takes two points", 0);
  return Math.hypot(a.coordinates[0] - b.coordinates[0], a.coordinates[1] - b.coordinates[1]);
}

/** A point inside a polygon's outer ring (ray casting). */
function within(a: Geometry, b: Geometry): boolean {
  if (a.type !== "Point" || b.type !== "Polygon") return false;
  const [x, y] = a.coordinates;
  const ring = b.coordinates[0]!;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

type Raw = Value | { time: number };

function evaluate(n: FilterNode, entity: Record<string, unknown>): Raw {
  switch (n.type) {
    case "literal":
      return n.value;
    case "property":
      return pathValue(entity, n.path);
    case "not":
      return !truthy(evaluate(n.arg, entity));
    case "negate": {
      const v = evaluate(n.arg, entity);
      return typeof v === "number" ? -v : null;
    }
    case "call": {
      const args = n.args.map((a) => evaluate(a, entity));
      const s = (i: number) => (typeof args[i] === "string" ? (args[i] as string) : null);
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
        case "tolower":
          return s(0)?.toLowerCase() ?? null;
        case "toupper":
          return s(0)?.toUpperCase() ?? null;
        case "geo.distance":
          return isGeometry(args[0]) && isGeometry(args[1]) ? distance(args[0], args[1]) : null;
        case "st_within":
          return isGeometry(args[0]) && isGeometry(args[1]) ? within(args[0], args[1]) : false;
      }
      return null;
    }
    case "binary": {
      if (n.op === "and") return truthy(evaluate(n.left, entity)) && truthy(evaluate(n.right, entity));
      if (n.op === "or") return truthy(evaluate(n.left, entity)) || truthy(evaluate(n.right, entity));
      const l0 = evaluate(n.left, entity);
      const r0 = evaluate(n.right, entity);
      const l = asTime(comparable(l0 as Value, r0));
      const r = asTime(comparable(r0 as Value, l0));
      switch (n.op) {
        case "eq":
          return l === r;
        case "ne":
          return l !== r;
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
        case "add":
          return l + r;
        case "sub":
          return l - r;
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

const asTime = (v: Raw): Value => (v !== null && typeof v === "object" && "time" in v ? v.time : (v as Value));
const truthy = (v: Raw): boolean => v === true;

export function matches(tree: FilterNode, entity: Record<string, unknown>): boolean {
  return truthy(evaluate(tree, entity));
}

// ---- compilation to SQL (Observations) ----------------------------------------------------------

const SQL_OPS: Record<string, string> = { eq: "=", ne: "<>", gt: ">", ge: ">=", lt: "<", le: "<=", add: "+", sub: "-", mul: "*", div: "/", mod: "%", and: "AND", or: "OR" };

/**
 * The filter as a SQL condition over `columns` (whitelisted property → SQL expression), values
 * bound as parameters. Functions over strings and geometries have nothing to apply to on an
 * Observation (its result is a number), so they are refused here rather than silently false.
 */
export function filterSql(tree: FilterNode, columns: Readonly<Record<string, string>>): { sql: string; params: Array<number | string | null> } {
  const params: Array<number | string | null> = [];
  const walk = (n: FilterNode): string => {
    switch (n.type) {
      case "literal": {
        const v = n.value;
        if (v !== null && typeof v === "object") {
          if ("time" in v) params.push(v.time);
          else throw new FilterError("a geometry cannot be compared with an Observation property", n.at);
        } else params.push(typeof v === "boolean" ? (v ? 1 : 0) : v);
        return "?";
      }
      case "property": {
        const column = columns[n.path.join("/")];
        if (column === undefined) throw new FilterError(`Observations are filtered on ${Object.keys(columns).join(", ")}`, n.at);
        return column;
      }
      case "not":
        return `(NOT ${walk(n.arg)})`;
      case "negate":
        return `(-${walk(n.arg)})`;
      case "call":
        throw new FilterError(`${n.name} does not apply to Observations`, n.at);
      case "binary":
        return `(${walk(n.left)} ${SQL_OPS[n.op]!} ${walk(n.right)})`;
    }
  };
  return { sql: walk(tree), params };
}
