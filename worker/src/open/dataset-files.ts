import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { RequestError } from "../api/errors.ts";
import type { AppEnv } from "../http/types.ts";
import { listOpenDevices, latestReadings, type OpenDevice } from "../store/open-data.ts";
import { listQuantities, type QuantityRecord } from "../store/quantities.ts";
import { catalogDb, territoryDb } from "../store/shard.ts";
import { decodeValue } from "../ingest/decode/values.ts";
import { DATASET_IDS, DATASETS, findDataset, type OpenDataset } from "./datasets.ts";
import { collectionMembers, CSV, type Feature, type FeatureCollection, featureCollection, featureProperties, type FileFormat, fileStream, GEOJSON, pointOf } from "./formats.ts";
import { errorResponses, baseUrl, isoTime, openApp } from "./http.ts";
import { columnQuantities, datasetRows } from "./rows.ts";
import { publisherOf } from "./publisher.ts";
import { tableSchema, tableSchemaDoc } from "./tableschema.ts";

/** Longest window one export request may ask for; longer histories are the daily bulk files. */
export const MAX_EXPORT_DAYS = 92;
const DAY = 86_400_000;

const FILES = DATASETS.flatMap((d) => [`${d.id}.csv`, `${d.id}.geojson`]) as [string, ...string[]];

const fileParam = z.object({
  file: z.enum(FILES).openapi({ param: { name: "file", in: "path" }, description: "`{dataset}.csv` or `{dataset}.geojson`", example: "air-quality.csv" }),
});
const datasetParam = z.object({
  dataset: z.enum(DATASET_IDS).openapi({ param: { name: "dataset", in: "path" }, example: "air-quality" }),
});

export const exportQuery = z.object({
  from: isoTime.optional().openapi({ description: "Start (inclusive), ISO 8601; default: 24 h before `to`" }),
  to: isoTime.optional().openapi({ description: "End (exclusive), ISO 8601; default: now" }),
  commune: z
    .string()
    .regex(/^[0-9][0-9AB][0-9]{3}$/)
    .optional()
    .openapi({ description: "INSEE code of one commune" }),
});

/** The window of an export, checked: from < to, at most MAX_EXPORT_DAYS. */
export function exportWindow(q: { from?: string | undefined; to?: string | undefined }, now: number): { from: number; to: number } {
  const to = q.to ? Date.parse(q.to) : now;
  const from = q.from ? Date.parse(q.from) : to - DAY;
  if (!(from < to)) throw new RequestError("INVALID_REQUEST", "`from` must be before `to`");
  if (to - from > MAX_EXPORT_DAYS * DAY) throw new RequestError("INVALID_REQUEST", `ask for at most ${MAX_EXPORT_DAYS} days per request; older history is in the daily bulk files (/open/bulk/{dataset}/{day}.csv.gz)`);
  return { from, to };
}

export async function quantityMap(env: Env): Promise<Map<string, QuantityRecord>> {
  return new Map((await listQuantities(catalogDb(env))).map((q) => [q.key, q]));
}

export function devicesOf(env: Env, dataset: OpenDataset, commune?: string): Promise<OpenDevice[]> {
  return listOpenDevices(catalogDb(env), { profiles: [dataset.profile], codecs: dataset.codecs, commune });
}

/** The file of a dataset over a window, as a stream (rows read from D1 as the client reads). */
export async function exportFile(env: Env, dataset: OpenDataset, format: FileFormat, window: { from: number; to: number }, commune?: string): Promise<ReadableStream<Uint8Array>> {
  const publisher = publisherOf(env);
  const [quantities, devices] = await Promise.all([quantityMap(env), devicesOf(env, dataset, commune)]);
  const rows = datasetRows((d) => territoryDb(env, d.territory), devices, columnQuantities(dataset.columns, quantities), window.from, window.to);
  return fileStream(format, dataset, publisher, rows[Symbol.asyncIterator]());
}

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replaceAll(":", "").replace("T", "-");

const fileRoute = createRoute({
  method: "get",
  path: "/datasets/{file}",
  summary: "A dataset's measurements as CSV or GeoJSON over a time window (streamed; public devices only; Licence Ouverte 2.0)",
  tags: ["open data"],
  request: { params: fileParam, query: exportQuery },
  responses: {
    200: {
      description: "One row (CSV) or Point feature (GeoJSON) per device and time, one column or property per quantity; units in tableschema.json",
      content: { "text/csv": { schema: z.string() }, "application/geo+json": { schema: featureCollection } },
    },
    ...errorResponses(400, 404, 503),
  },
});

const latestRoute = createRoute({
  method: "get",
  path: "/datasets/{dataset}/latest.geojson",
  summary: "The latest value of each quantity of each public device of a dataset, as GeoJSON",
  tags: ["open data"],
  request: { params: datasetParam, query: exportQuery.pick({ commune: true }) },
  responses: {
    200: { description: "One Point feature per device", content: { "application/geo+json": { schema: featureCollection } } },
    ...errorResponses(400, 404, 503),
  },
});

const schemaRoute = createRoute({
  method: "get",
  path: "/datasets/{dataset}/tableschema.json",
  summary: "The frictionless Table Schema of a dataset's CSV (columns, types, units)",
  tags: ["open data"],
  request: { params: datasetParam },
  responses: {
    200: { description: "Table Schema", content: { "application/json": { schema: tableSchemaDoc } } },
    ...errorResponses(404),
  },
});

function dataset(id: string): OpenDataset {
  const found = findDataset(id);
  if (!found) throw new RequestError("NOT_FOUND", `no dataset "${id}"`, 404);
  return found;
}

export const datasetFileRoutes = openApp()
  .openapi(fileRoute, async (c) => {
    const { file } = c.req.valid("param");
    const query = c.req.valid("query");
    const csv = file.endsWith(".csv");
    const d = dataset(file.slice(0, file.lastIndexOf(".")));
    const window = exportWindow(query, Date.now());
    const format = csv ? CSV : GEOJSON;
    const body = await exportFile(c.env, d, format, window, query.commune);
    return new Response(body, {
      headers: {
        "Content-Type": format.mediaType,
        "Content-Disposition": `inline; filename="cigale-${d.id}_${stamp(window.from)}_${stamp(window.to)}.${csv ? "csv" : "geojson"}"`,
        "Cache-Control": query.to ? "public, max-age=3600" : "public, max-age=60",
        Vary: "Accept-Encoding",
      },
    });
  })
  .openapi(latestRoute, async (c) => {
    const d = dataset(c.req.valid("param").dataset);
    return c.json(await latestCollection(c, d, c.req.valid("query").commune), 200, { "Content-Type": GEOJSON.mediaType, "Cache-Control": "public, max-age=60" });
  })
  .openapi(schemaRoute, async (c) => {
    const d = dataset(c.req.valid("param").dataset);
    return c.json(tableSchema(d, baseUrl(c.req.url), new Date().toISOString().slice(0, 10), publisherOf(c.env)), 200, { "Cache-Control": "public, max-age=86400" });
  });

async function latestCollection(c: Context<AppEnv>, d: OpenDataset, commune?: string): Promise<FeatureCollection> {
  const publisher = publisherOf(c.env);
  const [quantities, devices] = await Promise.all([quantityMap(c.env), devicesOf(c.env, d, commune)]);
  const columns = columnQuantities(d.columns, quantities);
  const ids = columns.flatMap((q) => (q ? [q.id] : []));
  const slot = new Map(columns.flatMap((q, i) => (q ? [[q.id, i] as const] : [])));
  const byTerritory = new Map<string, OpenDevice[]>();
  for (const x of devices) byTerritory.set(x.territory, [...(byTerritory.get(x.territory) ?? []), x]);
  const now = Date.now();
  const features: Feature[] = [];
  for (const [territory, group] of byTerritory) {
    const latest = await latestReadings(territoryDb(c.env, territory), group.map((x) => x.id), ids, now);
    for (const device of group) {
      const mine = latest.filter((r) => r.d === device.id);
      const values = columns.map(() => null as ReturnType<typeof decodeValue> | null);
      let time: number | null = null;
      for (const r of mine) {
        const i = slot.get(r.q);
        const spec = i === undefined ? null : columns[i];
        if (i === undefined || !spec) continue;
        values[i] = decodeValue(spec, r.v);
        time = Math.max(time ?? 0, r.t);
      }
      features.push({ type: "Feature", id: device.devEui, geometry: pointOf(device), properties: featureProperties(d.columns, device, time, values) });
    }
  }
  return { type: "FeatureCollection", ...collectionMembers(d, publisher), features };
}
