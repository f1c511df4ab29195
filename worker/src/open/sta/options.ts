import { FilterError, type FilterNode, parseFilter } from "./filter.ts";

/**
 * System query options of SensorThings API 1.1 (§9.3): $top, $skip, $count, $select, $orderby,
 * $filter, $expand (nested, with its own options after `(` separated by `;`), $skiptoken (our key
 * paging of Observations, written by @iot.nextLink).
 */

export const DEFAULT_TOP = 100;
export const MAX_TOP = 1000;
/** Expansion depth past which a request is refused (each level multiplies the work). */
export const MAX_EXPAND_DEPTH = 3;

export interface Options {
  top: number;
  skip: number;
  count: boolean;
  select: string[] | null;
  orderby: Array<{ path: string[]; desc: boolean }>;
  filter: FilterNode | null;
  expand: Array<{ nav: string; options: Options }>;
  skiptoken: string | null;
  /** The options as written (`$name` → text): an expanded collection's @iot.nextLink repeats them. */
  raw: ReadonlyMap<string, string>;
}

/** A query option that cannot be served: 400, with the offset of the problem in a $filter. */
export class OptionError extends Error {
  readonly offset: number | null;
  readonly option: string;
  constructor(option: string, message: string, offset: number | null = null) {
    super(message);
    this.name = "OptionError";
    this.option = option;
    this.offset = offset;
  }
}

/** Splits on `sep` outside parentheses and quoted strings. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth += 1;
    else if (!quoted && ch === ")") depth -= 1;
    else if (!quoted && depth === 0 && ch === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

const int = (name: string, raw: string, max: number): number => {
  if (!/^\d+$/.test(raw.trim())) throw new OptionError(name, `${name} must be a non-negative integer`);
  return Math.min(Number(raw.trim()), max);
};

/** The options of one level, from its raw `$name` → value map; `allowed` gives each set's filterable properties. */
export function parseOptions(raw: ReadonlyMap<string, string>, filterable: (set: string) => ReadonlySet<string>, set: string, navTarget: (set: string, nav: string) => string | null, depth = 0): Options {
  for (const key of raw.keys()) if (!["$top", "$skip", "$count", "$select", "$orderby", "$filter", "$expand", "$skiptoken"].includes(key)) throw new OptionError(key, `unknown query option ${key}`);
  const count = raw.get("$count");
  if (count !== undefined && count !== "true" && count !== "false") throw new OptionError("$count", "$count is true or false");
  let filter: FilterNode | null = null;
  const filterText = raw.get("$filter");
  if (filterText !== undefined) {
    try {
      filter = parseFilter(filterText, filterable(set));
    } catch (e) {
      if (e instanceof FilterError) throw new OptionError("$filter", e.message, e.offset);
      throw e;
    }
  }
  const orderby = splitTop(raw.get("$orderby") ?? "", ",").map((term) => {
    const m = /^([A-Za-z@][\w@.]*(?:\/[A-Za-z@][\w@.]*)*)(?:\s+(asc|desc))?$/i.exec(term);
    if (!m) throw new OptionError("$orderby", `$orderby term "${term}" is not "property [asc|desc]"`);
    const path = m[1]!.split("/");
    if (!filterable(set).has(path[0]!)) throw new OptionError("$orderby", `cannot order ${set} by ${m[1]}`);
    return { path, desc: (m[2] ?? "asc").toLowerCase() === "desc" };
  });
  const select = raw.has("$select") ? splitTop(raw.get("$select")!, ",") : null;
  const expand = splitTop(raw.get("$expand") ?? "", ",").map((item) => parseExpandItem(item, filterable, set, navTarget, depth + 1));
  return {
    top: raw.has("$top") ? int("$top", raw.get("$top")!, MAX_TOP) : DEFAULT_TOP,
    skip: raw.has("$skip") ? int("$skip", raw.get("$skip")!, Number.MAX_SAFE_INTEGER) : 0,
    count: count === "true",
    select,
    orderby,
    filter,
    expand,
    skiptoken: raw.get("$skiptoken") ?? null,
    raw,
  };
}

function parseExpandItem(item: string, filterable: (set: string) => ReadonlySet<string>, set: string, navTarget: (set: string, nav: string) => string | null, depth: number): { nav: string; options: Options } {
  if (depth > MAX_EXPAND_DEPTH) throw new OptionError("$expand", `$expand is nested deeper than ${MAX_EXPAND_DEPTH} levels`);
  const open = item.indexOf("(");
  const path = (open < 0 ? item : item.slice(0, open)).trim();
  if (open >= 0 && !item.endsWith(")")) throw new OptionError("$expand", `$expand item "${item}" lacks its closing parenthesis`);
  const [nav, ...rest] = path.split("/");
  const target = navTarget(set, nav!);
  if (target === null) throw new OptionError("$expand", `${set} has no navigation property ${nav}`);
  if (rest.length > 0) {
    // Things?$expand=Datastreams/Observations is Datastreams($expand=Observations).
    const inner = rest.join("/") + (open >= 0 ? item.slice(open) : "");
    return { nav: nav!, options: parseOptions(new Map([["$expand", inner]]), filterable, target, navTarget, depth) };
  }
  const raw = new Map<string, string>();
  if (open >= 0) {
    for (const part of splitTop(item.slice(open + 1, -1), ";")) {
      const eq = part.indexOf("=");
      if (eq < 0) throw new OptionError("$expand", `option "${part}" inside $expand lacks "="`);
      raw.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  }
  return { nav: nav!, options: parseOptions(raw, filterable, target, navTarget, depth) };
}
