import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { RequestError } from "../api/errors.ts";
import type { AppEnv } from "../http/types.ts";
import type { ReadingValue } from "../ingest/decode/values.ts";
import { decodeValue } from "../ingest/decode/values.ts";
import { latestReadings, type OpenDevice } from "../store/open-data.ts";
import type { QuantityRecord } from "../store/quantities.ts";
import { territoryDb } from "../store/shard.ts";
import { type DatasetColumn, DATASETS, type OpenDataset } from "./datasets.ts";
import { devicesOf, quantityMap } from "./dataset-files.ts";
import { errorResponses, isoTime, openApp, openHeaders } from "./http.ts";
import { columnQuantities, deviceRows } from "./rows.ts";

/**
 * NGSI-LD (ETSI GS CIM 009) read API over FIWARE Smart Data Models: one entity per public device
 * and model (AirQualityObserved, NoiseLevelObserved, CrowdFlowObserved, WasteContainer,
 * BikeHireDockingStation, Streetlight) plus its Device entity. Attribute names and factors come
 * from codecs/profiles/quantities.ts (docs/quantities.md, "Smart Data Model" column): % becomes
 * 0–1 where the model says so. Normalized and key-values forms; temporal evolution per entity.
 */

const CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";
const SDM = "https://raw.githubusercontent.com/smart-data-models";
/** The official @context of each model's Smart Data Models domain. */
const MODEL_CONTEXTS = {
  AirQualityObserved: `${SDM}/dataModel.Environment/master/context.jsonld`,
  NoiseLevelObserved: `${SDM}/dataModel.Environment/master/context.jsonld`,
  CrowdFlowObserved: `${SDM}/dataModel.Transportation/master/context.jsonld`,
  BikeHireDockingStation: `${SDM}/dataModel.Transportation/master/context.jsonld`,
  WasteContainer: `${SDM}/dataModel.WasteManagement/master/context.jsonld`,
  Streetlight: `${SDM}/dataModel.Streetlighting/master/context.jsonld`,
  Device: `${SDM}/dataModel.Device/master/context.jsonld`,
} as const;
/** The entity types served: the SDK's generated NgsiLdType is type-tested against it (test/worker/sdk). */
export type NgsiLdType = keyof typeof MODEL_CONTEXTS;
const CONTEXTS: Readonly<Record<string, string>> = MODEL_CONTEXTS;
export const ENTITY_TYPES = Object.keys(MODEL_CONTEXTS) as [NgsiLdType, ...NgsiLdType[]];

/** UN/CEFACT common codes of the UCUM units published (NGSI-LD unitCode). */
const UNIT_CODES: Record<string, string> = { "ug/m3": "GQ", "mg/m3": "GP", Cel: "CEL", "%": "P1", hPa: "A97", ppm: "59", ppb: "61", dB: "2N", "m/s": "MTS", deg: "DD", W: "WTT", "W.h": "WHR", L: "LTR", m3: "MTQ", mm: "MMT", cm: "CMT", s: "SEC", V: "VLT" };

const entityId = (type: string, devEui: string) => `urn:ngsi-ld:${type}:${devEui}`;

/** Datasets whose Smart Data Model entity is `type`. */
const datasetsOf = (type: string): OpenDataset[] => DATASETS.filter((d) => d.entity === type);

/** The columns that map to an attribute of `type`, with their attribute name and factor. */
function attributesOf(d: OpenDataset, type: string): Array<{ index: number; column: DatasetColumn; attribute: string; factor: number }> {
  return d.columns.flatMap((column, index) => (column.smartDataModel?.entity === type ? [{ index, column, attribute: column.smartDataModel.attribute, factor: column.smartDataModel.factor ?? 1 }] : []));
}

/** A stored value as the model wants it: scaled numbers; a boolean alarm mapped to a status names the alarm or "ok". */
function modelValue(column: DatasetColumn, attribute: string, factor: number, value: ReadingValue): ReadingValue {
  if (typeof value === "number") return factor === 1 ? value : Number((value * factor).toPrecision(12));
  if (typeof value === "boolean" && attribute === "status") return value ? column.key.split(".").pop()! : "ok";
  return value;
}

interface Observed {
  attribute: string;
  value: ReadingValue;
  unitCode?: string;
  observedAt: number;
}

type Entity = Record<string, unknown>;

function entity(type: string, device: OpenDevice, observed: readonly Observed[], keyValues: boolean, withContext: boolean): Entity {
  const out: Entity = { id: entityId(type, device.devEui), type };
  const latest = observed.reduce<number | null>((m, o) => (m === null ? o.observedAt : Math.max(m, o.observedAt)), null);
  const iso = (ms: number) => new Date(ms).toISOString();
  const prop = (value: unknown, extra: Record<string, unknown> = {}) => (keyValues ? value : { type: "Property", value, ...extra });
  if (device.latitude !== null && device.longitude !== null) {
    const point = { type: "Point", coordinates: [device.longitude, device.latitude] };
    out["location"] = keyValues ? point : { type: "GeoProperty", value: point };
  }
  out["name"] = prop(device.name);
  out["address"] = prop({ addressLocality: device.commune, addressCountry: "FR" });
  if (type === "Device") {
    out["controlledProperty"] = prop([...new Set(observed.map((o) => o.attribute))]);
    if (latest !== null) out["dateLastValueReported"] = prop(iso(latest));
    out["serialNumber"] = prop(device.devEui);
  } else {
    for (const o of observed) out[o.attribute] = prop(o.value, { observedAt: iso(o.observedAt), ...(o.unitCode ? { unitCode: o.unitCode } : {}) });
    if (latest !== null) {
      out["dateObserved"] = prop(iso(latest));
      // NoiseLevelObserved requires the interval of the levels; the latest readings are one instant.
      if (type === "NoiseLevelObserved") {
        out["dateObservedFrom"] = prop(iso(latest));
        out["dateObservedTo"] = prop(iso(latest));
      }
    }
    out["refDevice"] = keyValues ? entityId("Device", device.devEui) : { type: "Relationship", object: entityId("Device", device.devEui) };
  }
  if (withContext) out["@context"] = [CONTEXTS[type], CORE_CONTEXT];
  return out;
}

/** One device's observed attributes of `type` from its latest readings. */
function observedOf(d: OpenDataset, type: string, columns: ReadonlyArray<QuantityRecord | null>, latest: ReadonlyArray<{ q: number; t: number; v: number }>): Observed[] {
  const byId = new Map(latest.map((r) => [r.q, r]));
  const mapped = type === "Device" ? d.columns.map((column, index) => ({ index, column, attribute: column.key, factor: 1 })) : attributesOf(d, type);
  return mapped.flatMap(({ index, column, attribute, factor }) => {
    const spec = columns[index];
    const r = spec ? byId.get(spec.id) : undefined;
    if (!spec || !r) return [];
    const unit = factor === 1 ? UNIT_CODES[column.unit] : undefined;
    return [{ attribute, value: modelValue(column, attribute, factor, decodeValue(spec, r.v)), ...(unit ? { unitCode: unit } : {}), observedAt: r.t }];
  });
}

interface EntityQuery {
  type: string;
  devEui?: string | undefined;
  limit: number;
  offset: number;
  keyValues: boolean;
  withContext: boolean;
}

async function findEntities(env: Env, q: EntityQuery): Promise<{ entities: Entity[]; total: number }> {
  const datasets = q.type === "Device" ? DATASETS : datasetsOf(q.type);
  const quantities = await quantityMap(env);
  const all: Array<{ dataset: OpenDataset; device: OpenDevice }> = [];
  for (const dataset of datasets) for (const device of await devicesOf(env, dataset)) if (!q.devEui || device.devEui === q.devEui) all.push({ dataset, device });
  all.sort((a, b) => a.device.id - b.device.id);
  const page = all.slice(q.offset, q.offset + q.limit);
  const entities: Entity[] = [];
  for (const { dataset, device } of page) {
    const columns = columnQuantities(dataset.columns, quantities);
    const ids = columns.flatMap((c) => (c ? [c.id] : []));
    const latest = await latestReadings(territoryDb(env, device.territory), [device.id], ids, Date.now());
    entities.push(entity(q.type, device, observedOf(dataset, q.type, columns, latest), q.keyValues, q.withContext));
  }
  return { entities, total: all.length };
}

/** Not found, without echoing the id: the same answer for a private device as for none. */
const NO_ENTITY = "no public entity has this id";

/** `urn:ngsi-ld:{Type}:{DevEUI}` → its type and device. */
function parseEntityId(id: string): { type: string; devEui: string } {
  const m = /^urn:ngsi-ld:([A-Za-z]+):([0-9a-f]{16})$/.exec(id);
  if (!m || !(m[1]! in CONTEXTS)) throw new RequestError("NOT_FOUND", `${NO_ENTITY}: ids are urn:ngsi-ld:{${ENTITY_TYPES.join("|")}}:{DevEUI}`, 404);
  return { type: m[1]!, devEui: m[2]! };
}

const options = z.string().optional().openapi({ description: "`keyValues` (or `concise`) for the simplified form; normalized by default" });
const keyValuesOf = (o: string | undefined) => (o ?? "").split(",").some((x) => x === "keyValues" || x === "concise");
const wantsLd = (c: Context<AppEnv>) => (c.req.header("accept") ?? "").includes("application/ld+json");

/**
 * JSON with the @context in a Link header, or JSON-LD with the @context in the body (NGSI-LD
 * §6.3.5). Entities are built as plain records (their attributes depend on the model), which the
 * route's zod description covers loosely, hence the cast.
 */
function answer(c: Context<AppEnv>, type: string, body: Entity | Entity[], headers: Record<string, string> = {}) {
  const ld = wantsLd(c);
  const h: Record<string, string> = { "Content-Type": ld ? "application/ld+json" : "application/json", "Cache-Control": "public, max-age=60", ...headers };
  if (!ld) h["Link"] = `<${CONTEXTS[type]}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
  return c.json(body as never, 200, h);
}

const entityBody = z.record(z.string(), z.unknown()).openapi("NgsiLdEntity");

const listRoute = createRoute({
  method: "get",
  path: "/entities",
  summary: "NGSI-LD entities of one Smart Data Model type (public devices only)",
  tags: ["open data", "NGSI-LD"],
  request: {
    query: z.object({
      type: z.enum(ENTITY_TYPES).openapi({ description: "Smart Data Model entity type" }),
      limit: z.coerce.number().int().min(0).max(1000).default(20),
      offset: z.coerce.number().int().min(0).default(0),
      count: z.enum(["true", "false"]).optional().openapi({ description: "`true`: the total in NGSILD-Results-Count" }),
      options,
    }),
  },
  responses: { 200: { description: "Entities, normalized or key-values", content: { "application/json": { schema: z.array(entityBody) }, "application/ld+json": { schema: z.array(entityBody) } } }, ...errorResponses(400, 503) },
});

const oneRoute = createRoute({
  method: "get",
  path: "/entities/{entityId}",
  summary: "One NGSI-LD entity (urn:ngsi-ld:{Type}:{DevEUI})",
  tags: ["open data", "NGSI-LD"],
  request: { params: z.object({ entityId: z.string().openapi({ param: { name: "entityId", in: "path" }, example: "urn:ngsi-ld:AirQualityObserved:0c1a1e0000000001" }) }), query: z.object({ options }) },
  responses: { 200: { description: "The entity", content: { "application/json": { schema: entityBody }, "application/ld+json": { schema: entityBody } } }, ...errorResponses(400, 404, 503) },
});

const MAX_INSTANCES = 1000;

const temporalRoute = createRoute({
  method: "get",
  path: "/temporal/entities/{entityId}",
  summary: "Temporal evolution of an NGSI-LD entity (timerel=between; last 24 h by default)",
  tags: ["open data", "NGSI-LD"],
  request: {
    params: z.object({ entityId: z.string().openapi({ param: { name: "entityId", in: "path" }, example: "urn:ngsi-ld:NoiseLevelObserved:0c1a1e0000000002" }) }),
    query: z.object({
      timerel: z.enum(["between", "after", "before"]).optional(),
      timeAt: isoTime.optional(),
      endTimeAt: isoTime.optional(),
      lastN: z.coerce.number().int().min(1).max(MAX_INSTANCES).optional(),
      options,
    }),
  },
  responses: { 200: { description: "The entity with each attribute's instances (or [value, time] pairs with options=temporalValues)", content: { "application/json": { schema: entityBody }, "application/ld+json": { schema: entityBody } } }, ...errorResponses(400, 404, 503) },
});

export const ngsiLdRoutes = openApp();
ngsiLdRoutes.use("*", openHeaders(60));
ngsiLdRoutes
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const { entities, total } = await findEntities(c.env, { type: q.type, limit: q.limit, offset: q.offset, keyValues: keyValuesOf(q.options), withContext: wantsLd(c) });
    return answer(c, q.type, entities, q.count === "true" ? { "NGSILD-Results-Count": String(total) } : {});
  })
  .openapi(oneRoute, async (c) => {
    const { type, devEui } = parseEntityId(c.req.valid("param").entityId);
    const { entities } = await findEntities(c.env, { type, devEui, limit: 1, offset: 0, keyValues: keyValuesOf(c.req.valid("query").options), withContext: wantsLd(c) });
    if (entities.length === 0) throw new RequestError("NOT_FOUND", NO_ENTITY, 404);
    return answer(c, type, entities[0]!);
  })
  .openapi(temporalRoute, async (c) => {
    const { type, devEui } = parseEntityId(c.req.valid("param").entityId);
    if (type === "Device") throw new RequestError("NOT_FOUND", "Device entities have no temporal evolution here: ask for the model entity", 404);
    const q = c.req.valid("query");
    const now = Date.now();
    const from = q.timeAt && q.timerel !== "before" ? Date.parse(q.timeAt) : now - 86_400_000;
    const to = q.timerel === "between" && q.endTimeAt ? Date.parse(q.endTimeAt) : q.timerel === "before" && q.timeAt ? Date.parse(q.timeAt) : now;
    if (!(from < to)) throw new RequestError("INVALID_REQUEST", "the time window is empty: timeAt must be before endTimeAt");
    const quantities = await quantityMap(c.env);
    for (const dataset of datasetsOf(type)) {
      const device = (await devicesOf(c.env, dataset)).find((d) => d.devEui === devEui);
      if (!device) continue;
      const columns = columnQuantities(dataset.columns, quantities);
      const attributes = attributesOf(dataset, type);
      const series = new Map<string, Array<{ value: ReadingValue; observedAt: string; unitCode?: string }>>();
      let instances = 0;
      for await (const row of deviceRows(territoryDb(c.env, device.territory), device, columns, from, to)) {
        for (const a of attributes) {
          const v = row.values[a.index];
          if (v === null || v === undefined) continue;
          const unit = a.factor === 1 ? UNIT_CODES[a.column.unit] : undefined;
          (series.get(a.attribute) ?? series.set(a.attribute, []).get(a.attribute)!).push({ value: modelValue(a.column, a.attribute, a.factor, v), observedAt: new Date(row.time).toISOString(), ...(unit ? { unitCode: unit } : {}) });
          instances += 1;
        }
        if (instances >= MAX_INSTANCES * attributes.length) break;
      }
      const temporalValues = (q.options ?? "").split(",").includes("temporalValues");
      const body: Entity = { id: entityId(type, devEui), type };
      for (const [attribute, list] of series) {
        const kept = q.lastN ? list.slice(-q.lastN) : list.slice(0, MAX_INSTANCES);
        body[attribute] = temporalValues ? { type: "Property", values: kept.map((x) => [x.value, x.observedAt]) } : kept.map((x) => ({ type: "Property", ...x }));
      }
      if (wantsLd(c)) body["@context"] = [CONTEXTS[type], CORE_CONTEXT];
      return answer(c, type, body);
    }
    throw new RequestError("NOT_FOUND", NO_ENTITY, 404);
  });
