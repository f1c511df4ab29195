import type { Gbfs } from "gbfs-typescript-types/v3.0/gbfs.js";
import type { StationInformation } from "gbfs-typescript-types/v3.0/station_information.js";
import type { StationStatus } from "gbfs-typescript-types/v3.0/station_status.js";
import type { SystemInformation } from "gbfs-typescript-types/v3.0/system_information.js";
import type { VehicleTypes } from "gbfs-typescript-types/v3.0/vehicle_types.js";
import type * as Api from "./api.generated.ts";
import type { CallOptions, Instant } from "./client.ts";
import { csvRecords } from "./csv.ts";
import { CigaleError } from "./errors.ts";
import { getJson, type Query, send, type TransportOptions, urlOf } from "./http.ts";
import { DATASETS, NGSI_LD_TYPES } from "./open.generated.ts";

/**
 * Open data (CSV, GeoJSON, Table Schema, daily bulk files, DCAT-AP catalog, GBFS 3.0, NGSI-LD):
 * what public devices measure, under the Licence Ouverte 2.0, no key needed. Dataset ids, columns
 * and units come from the Worker's own definitions (open.generated.ts); files stream.
 */

export { DATASETS, NGSI_LD_TYPES };
export type { Gbfs, StationInformation, StationStatus, SystemInformation, VehicleTypes };

/** The datasets' ids: "air-quality" | "noise" | … */
export type DatasetId = (typeof DATASETS)[number]["id"];
/** One dataset's description (generated): profile, title, Smart Data Model entity, columns with units. */
export type Dataset<I extends DatasetId = DatasetId> = Extract<(typeof DATASETS)[number], { id: I }>;
type ColumnOf<I extends DatasetId> = Dataset<I>["columns"][number];
/** The quantity columns of a dataset: "air.no2" | "air.o3" | … */
export type DatasetColumnKey<I extends DatasetId> = ColumnOf<I>["key"];
type ValueOfColumn<C> = C extends { kind: "number" } ? number : C extends { kind: "boolean" } ? boolean : C extends { values: readonly (infer V)[] } ? V : string;
/** A dataset's quantities and their values (null: not measured at that time). */
export type DatasetValues<I extends DatasetId> = { [C in ColumnOf<I> as C["key"]]: ValueOfColumn<C> | null };
/** NGSI-LD entity types: "AirQualityObserved" | … | "Device". */
export type NgsiLdType = (typeof NGSI_LD_TYPES)[number];

/** One row of a dataset's CSV, typed: the fixed columns, then one per quantity. */
export type DatasetRow<I extends DatasetId> = {
  /** ISO 8601 UTC. */
  time: string;
  device: string;
  name: string;
  commune: string;
  latitude: number | null;
  longitude: number | null;
} & DatasetValues<I>;

export type DatasetFeature<I extends DatasetId> = {
  type: "Feature";
  id: string;
  geometry: { type: "Point"; coordinates: [number, number] } | null;
  properties: { time: string | null; device: string; name: string; commune: string } & DatasetValues<I>;
};

/** A dataset as GeoJSON (RFC 7946), with its licence and publisher as foreign members. */
export type DatasetCollection<I extends DatasetId> = Omit<Api.DatasetFeatureCollection, "name" | "features"> & { name: I; features: DatasetFeature<I>[] };

/** The Table Schema of a dataset's CSV (frictionless, as schema.data.gouv.fr publishes it). */
export type TableSchema = Api.TableSchema & { $schema: string };

export interface ExportQuery {
  /** Start, included (default: 24 h before `to`). At most 92 days per request: older history is in the bulk files. */
  from?: Instant;
  /** End, excluded (default: now). */
  to?: Instant;
  /** INSEE code of one commune. */
  commune?: string;
}

export type FileFormat = "csv" | "geojson";

/** A byte range: from `offset` (`length` bytes, or to the end), or the last `suffix` bytes. */
export type ByteRange = { offset: number; length?: number } | { suffix: number };

export interface BulkFileOptions extends CallOptions {
  range?: ByteRange;
  /** An ETag from an earlier answer: unchanged, the answer is 304 with no body. */
  ifNoneMatch?: string;
}

/** A daily bulk file (gzip CSV), or the part of it asked for. */
export interface BulkFile {
  /** 200 whole file, 206 the range, 304 not modified (no body). */
  status: 200 | 206 | 304;
  etag: string | null;
  lastModified: string | null;
  /** Size of the whole file in bytes (from Content-Range for a range), when the server said. */
  size: number | null;
  /** The bytes this answer carries: the range for 206, the file for 200, null for 304 or HEAD. */
  range: { offset: number; length: number } | null;
  /** The gzip bytes, streaming; null for 304 or HEAD. */
  body: ReadableStream<Uint8Array> | null;
}

export interface NgsiLdOptions extends CallOptions {
  /** Simplified (key-values) form instead of the normalized one. */
  keyValues?: boolean;
}

/** An NGSI-LD entity (normalized or key-values): id, type, then its model's attributes. */
export type NgsiLdEntity<T extends NgsiLdType = NgsiLdType> = { id: string; type: T; [attribute: string]: unknown };

const isoOf = (t: Instant | undefined) => (t instanceof Date ? t.toISOString() : t);
const exportQuery = (q: ExportQuery): Query => ({ from: isoOf(q.from), to: isoOf(q.to), commune: q.commune });

/** The generated description of a dataset; CigaleError UNKNOWN_DATASET for another id. */
export function datasetOf<I extends DatasetId>(id: I): Dataset<I> {
  const found = DATASETS.find((d) => d.id === id);
  if (!found) throw new CigaleError(0, "UNKNOWN_DATASET", `no dataset "${String(id)}": one of ${DATASETS.map((d) => d.id).join(", ")}`);
  return found as Dataset<I>;
}

/** True when `id` is a dataset of this SDK's Worker. */
export function isDatasetId(id: string): id is DatasetId {
  return DATASETS.some((d) => d.id === id);
}

const FIXED_NUMBERS = new Set(["latitude", "longitude"]);

/** CSV records (header first) as typed rows: numbers, booleans and enum labels by the dataset's columns; "" is null. */
async function* typedRows<I extends DatasetId>(dataset: Dataset<I>, records: AsyncGenerator<string[]>): AsyncGenerator<DatasetRow<I>> {
  const kinds = new Map<string, string>(dataset.columns.map((c) => [c.key, c.kind]));
  let header: string[] | null = null;
  for await (const record of records) {
    if (header === null) {
      header = record;
      continue;
    }
    const row: Record<string, string | number | boolean | null> = {};
    header.forEach((name, i) => {
      const raw = record[i] ?? "";
      const kind = FIXED_NUMBERS.has(name) ? "number" : kinds.get(name);
      if (name === "time" || name === "device" || name === "name" || name === "commune") row[name] = raw;
      else if (raw === "") row[name] = null;
      else if (kind === "number") row[name] = Number(raw);
      else if (kind === "boolean") row[name] = raw === "true";
      else row[name] = raw;
    });
    yield row as DatasetRow<I>;
  }
}

function rangeHeader(r: ByteRange): string {
  if ("suffix" in r) return `bytes=-${r.suffix}`;
  return `bytes=${r.offset}-${r.length === undefined ? "" : r.offset + r.length - 1}`;
}

function bulkFileOf(response: Response, head: boolean): BulkFile {
  const status = response.status as BulkFile["status"];
  const contentRange = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
  const length = response.headers.get("content-length");
  let size: number | null = null;
  let range: BulkFile["range"] = null;
  if (status === 206 && contentRange) {
    range = { offset: Number(contentRange[1]), length: Number(contentRange[2]) - Number(contentRange[1]) + 1 };
    size = contentRange[3] === "*" ? null : Number(contentRange[3]);
  } else if (status === 200 && length !== null) {
    size = Number(length);
    range = { offset: 0, length: size };
  }
  const body = status === 304 || head ? null : response.body;
  if (body === null) void response.body?.cancel();
  return { status, etag: response.headers.get("etag"), lastModified: response.headers.get("last-modified"), size, range: head ? null : range, body };
}

/** The open-data part of a client (createClient(…).open). */
export function openClient(t: TransportOptions) {
  const path = (id: DatasetId, format: FileFormat) => `/open/datasets/${datasetOf(id).id}.${format}`;
  const ACCEPT = { csv: "text/csv", geojson: "application/geo+json" } as const;

  /** A dataset's file over a time window, as the Worker's streaming Response (status checked, body unread). */
  const file = (id: DatasetId, format: FileFormat, q: ExportQuery & CallOptions = {}) => send(t, path(id, format), exportQuery(q), q.signal, { accept: ACCEPT[format] });

  const bulkPath = (id: DatasetId, day: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new CigaleError(0, "INVALID_DAY", `a bulk file's day is YYYY-MM-DD, not "${day}"`);
    return `/open/bulk/${datasetOf(id).id}/${day}.csv.gz`;
  };
  const bulkSend = (id: DatasetId, day: string, o: BulkFileOptions, method: "GET" | "HEAD") => {
    const headers: Record<string, string> = {};
    if (o.range) headers["range"] = rangeHeader(o.range);
    if (o.ifNoneMatch) headers["if-none-match"] = o.ifNoneMatch;
    return send(t, bulkPath(id, day), {}, o.signal, { method, accept: "application/gzip", headers });
  };

  const catalogGet = (o: CallOptions & { page?: number; pageSize?: number } = {}) =>
    getJson<Api.CatalogGraph>(t, "/open/catalog.jsonld", { page: o.page, pageSize: o.pageSize }, o.signal, { accept: "application/ld+json" });

  const gbfs = <T>(name: string) => (call: CallOptions = {}) => getJson<T>(t, `/gbfs/${name}.json`, {}, call.signal);

  const ngsiEntities = async <T extends NgsiLdType>(type: T, o: NgsiLdOptions & { limit?: number; offset?: number } = {}) => {
    const response = await send(t, "/ngsi-ld/v1/entities", { type, limit: o.limit, offset: o.offset, count: "true", options: o.keyValues ? "keyValues" : undefined }, o.signal);
    const total = response.headers.get("ngsild-results-count");
    return { entities: (await response.json()) as NgsiLdEntity<T>[], total: total === null ? null : Number(total) };
  };

  return {
    /** The datasets of this Worker (generated from its definitions; no request). */
    datasets: DATASETS,
    /** The URL of a dataset's CSV or GeoJSON over a window: for a link, a download or another tool. */
    fileUrl: (id: DatasetId, format: FileFormat, q: ExportQuery = {}) => urlOf(t, path(id, format), exportQuery(q)).toString(),
    /** The URL of a dataset's latest values as GeoJSON. */
    latestUrl: (id: DatasetId, q: { commune?: string } = {}) => urlOf(t, `/open/datasets/${datasetOf(id).id}/latest.geojson`, { commune: q.commune }).toString(),
    /** The URL of a dataset's Table Schema (what schema.data.gouv.fr and validators take). */
    tableSchemaUrl: (id: DatasetId) => urlOf(t, `/open/datasets/${datasetOf(id).id}/tableschema.json`).toString(),
    file,
    /**
     * A dataset's CSV as typed rows, read as they arrive (the file is never held): numbers,
     * booleans and enum labels by the dataset's columns, null where nothing was measured.
     */
    async *rows<I extends DatasetId>(id: I, q: ExportQuery & CallOptions = {}): AsyncGenerator<DatasetRow<I>> {
      const response = await file(id, "csv", q);
      if (!response.body) return;
      yield* typedRows(datasetOf(id), csvRecords(response.body));
    },
    /** A dataset's GeoJSON over a window, parsed (held in memory: for a long window, stream `file(id, "geojson")`). */
    geojson: async <I extends DatasetId>(id: I, q: ExportQuery & CallOptions = {}) => (await (await file(id, "geojson", q)).json()) as DatasetCollection<I>,
    /** The latest value of each quantity of each public device of a dataset. */
    latest: <I extends DatasetId>(id: I, q: CallOptions & { commune?: string } = {}) =>
      getJson<DatasetCollection<I>>(t, `/open/datasets/${datasetOf(id).id}/latest.geojson`, { commune: q.commune }, q.signal, { accept: "application/geo+json" }),
    /** The Table Schema of a dataset's CSV (columns, types, units, licence, publisher). */
    tableSchema: (id: DatasetId, call: CallOptions = {}) => getJson<TableSchema>(t, `/open/datasets/${datasetOf(id).id}/tableschema.json`, {}, call.signal),

    /** Daily bulk files: one gzip CSV per dataset and finished local day (Europe/Paris), with ETag and byte ranges. */
    bulk: {
      url: (id: DatasetId, day: string) => urlOf(t, bulkPath(id, day)).toString(),
      /** The files of a dataset that exist, newest first. */
      index: (id: DatasetId, call: CallOptions = {}) => getJson<Api.BulkIndex>(t, `/open/bulk/${datasetOf(id).id}/index.json`, {}, call.signal),
      /** The file (or a byte range of it), streaming; `ifNoneMatch` makes it conditional (304). */
      get: async (id: DatasetId, day: string, o: BulkFileOptions = {}) => bulkFileOf(await bulkSend(id, day, o, "GET"), false),
      /** Size, ETag and Last-Modified without the body. */
      head: async (id: DatasetId, day: string, o: Omit<BulkFileOptions, "range"> = {}) => bulkFileOf(await bulkSend(id, day, o, "HEAD"), true),
      /** The day's rows, typed, decompressed and parsed as they arrive. */
      async *rows<I extends DatasetId>(id: I, day: string, call: CallOptions = {}): AsyncGenerator<DatasetRow<I>> {
        const response = await bulkSend(id, day, call, "GET");
        if (!response.body) return;
        yield* typedRows(datasetOf(id), csvRecords(response.body.pipeThrough(new DecompressionStream("gzip")) as ReadableStream<Uint8Array>));
      },
    },

    /** The DCAT-AP catalog (JSON-LD, its @context inline), page by page (Hydra). */
    catalog: {
      url: (form: "jsonld" | "ttl" = "jsonld") => urlOf(t, `/open/catalog.${form}`).toString(),
      get: catalogGet,
      /** Every page, following hydra:next as a harvester does. */
      async *pages(o: CallOptions & { pageSize?: number } = {}): AsyncGenerator<Api.CatalogGraph> {
        let page: number | undefined = 1;
        while (page !== undefined) {
          const doc: Api.CatalogGraph = await catalogGet({ ...o, page });
          yield doc;
          const view = doc["@graph"].find((n) => [n["@type"]].flat().includes("hydra:PartialCollectionView"));
          const next = [view?.["hydra:next"]].flat()[0];
          const href = typeof next === "object" && next !== null && "@id" in next ? next["@id"] : undefined;
          const n: number = href ? Number(new URL(href).searchParams.get("page")) : NaN;
          page = Number.isInteger(n) && n > page ? n : undefined;
        }
      },
    },

    /** GBFS 3.0 feeds of the shared-mobility stations, typed by MobilityData's gbfs-typescript-types (types only). */
    gbfs: {
      discovery: gbfs<Gbfs>("gbfs"),
      systemInformation: gbfs<SystemInformation>("system_information"),
      vehicleTypes: gbfs<VehicleTypes>("vehicle_types"),
      stationInformation: gbfs<StationInformation>("station_information"),
      stationStatus: gbfs<StationStatus>("station_status"),
    },

    /** NGSI-LD entities (FIWARE Smart Data Models) of public devices. */
    ngsiLd: {
      /** One page of entities of a type, with the total (NGSILD-Results-Count). */
      entities: ngsiEntities,
      /** Every entity of a type, page after page. */
      async *all<T extends NgsiLdType>(type: T, o: NgsiLdOptions & { pageSize?: number } = {}): AsyncGenerator<NgsiLdEntity<T>> {
        const limit = o.pageSize ?? 100;
        for (let offset = 0; ; offset += limit) {
          const { entities } = await ngsiEntities(type, { ...o, limit, offset });
          yield* entities;
          if (entities.length < limit) return;
        }
      },
      /** One entity by id (urn:ngsi-ld:{Type}:{DevEUI}). */
      entity: <T extends NgsiLdType = NgsiLdType>(id: string, o: NgsiLdOptions = {}) =>
        getJson<NgsiLdEntity<T>>(t, `/ngsi-ld/v1/entities/${encodeURIComponent(id)}`, { options: o.keyValues ? "keyValues" : undefined }, o.signal),
      /** Its attributes' instances over a window (default: the last 24 h). */
      temporal: (id: string, o: CallOptions & { from?: Instant; to?: Instant; lastN?: number } = {}) => {
        const from = isoOf(o.from);
        const to = isoOf(o.to);
        const query: Query = from && to ? { timerel: "between", timeAt: from, endTimeAt: to } : from ? { timerel: "after", timeAt: from } : to ? { timerel: "before", timeAt: to } : {};
        return getJson<NgsiLdEntity>(t, `/ngsi-ld/v1/temporal/entities/${encodeURIComponent(id)}`, { ...query, lastN: o.lastN }, o.signal);
      },
    },
  };
}

export type OpenDataClient = ReturnType<typeof openClient>;
