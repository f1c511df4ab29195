import { createRoute, z } from "@hono/zod-openapi";
import type { Context as HonoContext } from "hono";
import type { AppEnv } from "../../http/types.ts";
import { catalogDb } from "../../store/shard.ts";
import { errorResponses, openApp, openHeaders } from "../http.ts";
import { type Context, listMany, nextLinks, render } from "./engine.ts";
import { ENTITY_SETS, type EntitySet, FILTERABLE, type Keys, loadModel, NAVIGATION, observationRow, type Row } from "./model.ts";
import { OptionError, parseOptions } from "./options.ts";
import { observationAt } from "./store.ts";

/**
 * OGC SensorThings API 1.1, read-only, at /sta/v1.1 (issue 11 §3): the landing page with the
 * conformance list, the eight entity sets, one entity by id, one navigation step
 * (`Things(1)/Datastreams`), and the query options of options.ts. Public devices only.
 */

const PREFIX = "/sta/v1.1";
const CONFORMANCE = [
  "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
  "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
  "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
];

const isSet = (s: string): s is EntitySet => (ENTITY_SETS as readonly string[]).includes(s);
const navTarget = (set: string, nav: string) => (isSet(set) ? (NAVIGATION[set][nav]?.target ?? null) : null);
const filterable = (set: string) => (isSet(set) ? FILTERABLE[set] : new Set<string>());

/** An answer of the API: status and JSON body. */
export interface StaAnswer {
  status: 200 | 400 | 404;
  body: Record<string, unknown>;
}

const notFound = (what: string): StaAnswer => ({ status: 404, body: { error: { code: "NOT_FOUND", message: `no such SensorThings resource: ${what}` } } });

/** `Things`, `Things(1)`, `Sensors('env')`, `Observations('1-2-3')`. */
function segment(text: string): { name: string; id: number | string | null } | null {
  const m = /^([A-Za-z]+)(?:\((?:(\d+)|'((?:[^']|'')*)')\))?$/.exec(text);
  if (!m) return null;
  return { name: m[1]!, id: m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? m[3].replace(/''/g, "'") : null };
}

async function findRow(ctx: Context, set: EntitySet, id: number | string): Promise<Row | null> {
  if (set !== "Observations") return ctx.model.rows[set].find((r) => r.id === id) ?? null;
  const m = typeof id === "string" ? /^(\d+)-(\d+)-(\d+)$/.exec(id) : null;
  if (!m) return null;
  const [d, q, t] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!ctx.model.streamByKey.has(`${d}-${q}`)) return null;
  const o = await observationAt(ctx.db, d, q, t);
  return o ? observationRow(ctx.model, o) : null;
}

function rawOptions(url: URL): Map<string, string> {
  const raw = new Map<string, string>();
  for (const [k, v] of url.searchParams) raw.set(k, v);
  return raw;
}

/** The answer to a GET of `url` (anything under /sta/v1.1), over the public devices in `db`. */
export async function staAnswer(db: D1Database, url: URL): Promise<StaAnswer> {
  const at = url.pathname.indexOf(PREFIX);
  const base = `${url.origin}${PREFIX}`;
  const path = decodeURIComponent(url.pathname.slice(at + PREFIX.length)).replace(/^\/+|\/+$/g, "");
  if (path === "") {
    return { status: 200, body: { value: ENTITY_SETS.map((name) => ({ name, url: `${base}/${name}` })), serverSettings: { conformance: CONFORMANCE } } };
  }
  const parts = path.split("/").map(segment);
  if (parts.some((p) => p === null) || parts.length > 2) return notFound(path);
  const first = parts[0]!;
  if (!isSet(first.name) || (parts.length === 2 && first.id === null)) return notFound(path);
  const ctx: Context = { model: await loadModel(db), db, base };
  try {
    let set: EntitySet = first.name;
    let constraint: Keys | null = null;
    let single = first.id !== null;
    let id = first.id;
    if (parts.length === 2) {
      const parent = await findRow(ctx, set, first.id!);
      const link = NAVIGATION[set][parts[1]!.name];
      if (!parent || !link) return notFound(path);
      constraint = Object.fromEntries(link.by.map((k) => [k, parent.keys[k]])) as Keys;
      set = link.target;
      single = link.single || parts[1]!.id !== null;
      id = parts[1]!.id;
    }
    const opts = parseOptions(rawOptions(url), filterable, set, navTarget);
    if (single) {
      let row: Row | null;
      if (id !== null) {
        row = await findRow(ctx, set, id);
        if (row && constraint && !(Object.keys(constraint) as Array<keyof Keys>).every((k) => row!.keys[k] === constraint![k])) row = null;
      } else row = (await listMany(ctx, set, [constraint], { ...opts, top: 1, skip: 0, filter: null }))[0]!.rows[0] ?? null;
      if (!row) return notFound(path);
      const [entity] = await render(ctx, set, [row], opts);
      return { status: 200, body: entity! };
    }
    const [page] = await listMany(ctx, set, [constraint], opts);
    const body: Record<string, unknown> = {};
    if (page!.count !== null) body["@iot.count"] = page!.count;
    if (page!.next !== null) body["@iot.nextLink"] = nextLinks(opts.raw, opts.top)(`${url.origin}${url.pathname}`, page!.next);
    body["value"] = await render(ctx, set, page!.rows, opts);
    return { status: 200, body };
  } catch (e) {
    if (e instanceof OptionError) {
      const position = e.offset === null ? {} : { position: { offset: e.offset, column: e.offset + 1 } };
      return { status: 400, body: { error: { code: "INVALID_REQUEST", message: `${e.option}: ${e.message}`, option: e.option, ...position } } };
    }
    throw e;
  }
}

async function serve(c: HonoContext<AppEnv>): Promise<Response> {
  const answer = await staAnswer(catalogDb(c.env), new URL(c.req.url));
  return c.json(answer.body, answer.status);
}

const entityBody = z.record(z.string(), z.unknown()).openapi("StaEntity");
const collection = z.object({ "@iot.count": z.number().int().optional(), "@iot.nextLink": z.string().optional(), value: z.array(entityBody) }).openapi("StaCollection");
const setParam = z.string().openapi({ param: { name: "entitySet", in: "path" }, example: "Things", description: `${ENTITY_SETS.join(", ")}, optionally with an id: Things(1)` });
const queryOptions = z.object({
  $top: z.string().optional(),
  $skip: z.string().optional(),
  $count: z.string().optional(),
  $select: z.string().optional(),
  $orderby: z.string().optional(),
  $filter: z.string().optional(),
  $expand: z.string().optional(),
});

export const staRoutes = openApp();
staRoutes.use("*", openHeaders(60));
// Documented as generic entity-set routes; served by one handler, which parses the STA resource path.
staRoutes.openAPIRegistry.registerPath(
  createRoute({ method: "get", path: "/{entitySet}", summary: "A SensorThings entity set, or one entity as Things(1) (public devices only), with $filter, $expand, $top…", tags: ["open data", "SensorThings"], request: { params: z.object({ entitySet: setParam }), query: queryOptions }, responses: { 200: { description: "A page of entities, or one entity", content: { "application/json": { schema: collection.or(entityBody) } } }, ...errorResponses(400, 404, 503) } }),
);
staRoutes.openAPIRegistry.registerPath(
  createRoute({
    method: "get",
    path: "/{entity}/{navigation}",
    summary: "Entities related to one entity, e.g. Things(1)/Datastreams (public devices only)",
    tags: ["open data", "SensorThings"],
    request: { params: z.object({ entity: z.string().openapi({ param: { name: "entity", in: "path" }, example: "Things(1)" }), navigation: z.string().openapi({ param: { name: "navigation", in: "path" }, example: "Datastreams" }) }), query: queryOptions },
    responses: { 200: { description: "A page of entities, or one entity for a to-one navigation", content: { "application/json": { schema: collection.or(entityBody) } } }, ...errorResponses(400, 404, 503) },
  }),
);
// The landing page answers the mount point itself, as a middleware: a route at "/" would be listed
// by the app as /sta/v1.1 and by the OpenAPI document as /sta/v1.1/, which the document test
// (every served route documented) cannot reconcile; the entity-set routes are documented.
staRoutes.use("*", async (c, next) => (c.req.method === "GET" && /\/sta\/v1\.1\/?$/.test(new URL(c.req.url).pathname) ? serve(c) : next()));
staRoutes.get("/:entitySet", serve);
staRoutes.get("/:entity/:navigation", serve);
