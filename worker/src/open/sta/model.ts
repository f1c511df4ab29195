import { decodeValue } from "../../ingest/decode/values.ts";
import { listQuantityHistory, type QuantityRecord } from "../../store/quantities.ts";
import { publicDevices, type StaDevice, type StoredObservation, streamSummaries, type StreamSummary } from "./store.ts";

/**
 * The SensorThings entities of the public devices: Thing = device, Location and
 * FeatureOfInterest = its position, HistoricalLocation = its installation, Datastream = device ×
 * quantity with readings (from the day rollups), Sensor = profile or commercial codec,
 * ObservedProperty = quantity. All but Observations are built in memory per request from a few
 * small reads (a few hundred rows); Observations are read from D1 page by page (store.ts).
 */

export const ENTITY_SETS = ["Things", "Locations", "HistoricalLocations", "Datastreams", "Sensors", "ObservedProperties", "Observations", "FeaturesOfInterest"] as const;
export type EntitySet = (typeof ENTITY_SETS)[number];

/** What relates entities: a navigation keeps the rows whose keys equal the parent's on `by`. */
export interface Keys {
  device?: number;
  quantity?: number;
  sensor?: string;
}

export interface Row {
  id: number | string;
  keys: Keys;
  body: Record<string, unknown>;
}

interface Navigation {
  target: EntitySet;
  single: boolean;
  by: ReadonlyArray<keyof Keys>;
}

export const NAVIGATION: Record<EntitySet, Record<string, Navigation>> = {
  Things: { Locations: { target: "Locations", single: false, by: ["device"] }, HistoricalLocations: { target: "HistoricalLocations", single: false, by: ["device"] }, Datastreams: { target: "Datastreams", single: false, by: ["device"] } },
  Locations: { Things: { target: "Things", single: false, by: ["device"] }, HistoricalLocations: { target: "HistoricalLocations", single: false, by: ["device"] } },
  HistoricalLocations: { Thing: { target: "Things", single: true, by: ["device"] }, Locations: { target: "Locations", single: false, by: ["device"] } },
  Datastreams: {
    Thing: { target: "Things", single: true, by: ["device"] },
    Sensor: { target: "Sensors", single: true, by: ["sensor"] },
    ObservedProperty: { target: "ObservedProperties", single: true, by: ["quantity"] },
    Observations: { target: "Observations", single: false, by: ["device", "quantity"] },
  },
  Sensors: { Datastreams: { target: "Datastreams", single: false, by: ["sensor"] } },
  ObservedProperties: { Datastreams: { target: "Datastreams", single: false, by: ["quantity"] } },
  Observations: { Datastream: { target: "Datastreams", single: true, by: ["device", "quantity"] }, FeatureOfInterest: { target: "FeaturesOfInterest", single: true, by: ["device"] } },
  FeaturesOfInterest: { Observations: { target: "Observations", single: false, by: ["device"] } },
};

/** Properties a $filter or $orderby may name, per set. */
export const FILTERABLE: Record<EntitySet, ReadonlySet<string>> = {
  Things: new Set(["@iot.id", "name", "description", "properties"]),
  Locations: new Set(["@iot.id", "name", "description", "encodingType", "location"]),
  HistoricalLocations: new Set(["@iot.id", "time"]),
  Datastreams: new Set(["@iot.id", "name", "description", "unitOfMeasurement", "observationType", "phenomenonTime", "properties"]),
  Sensors: new Set(["@iot.id", "name", "description", "encodingType", "metadata"]),
  ObservedProperties: new Set(["@iot.id", "name", "definition", "description"]),
  Observations: new Set(["@iot.id", "result", "phenomenonTime", "resultTime"]),
  FeaturesOfInterest: new Set(["@iot.id", "name", "description", "encodingType", "feature"]),
};

/** Datastream ids: device × quantity in one integer (quantity ids stay far below the factor). */
const STREAM_FACTOR = 1_000_000;
export const streamId = (device: number, quantity: number) => device * STREAM_FACTOR + quantity;
export const observationId = (o: StoredObservation) => `${o.d}-${o.q}-${o.t}`;

const iso = (ms: number) => new Date(ms).toISOString();
const point = (d: StaDevice) => ({ type: "Point", coordinates: [d.longitude!, d.latitude!] });
const sensorOf = (d: StaDevice) => d.profile ?? d.codec ?? "unknown";

export interface Model {
  devices: StaDevice[];
  streams: StreamSummary[];
  quantities: Map<number, QuantityRecord>;
  rows: Record<Exclude<EntitySet, "Observations">, Row[]>;
}

const OBSERVATION_TYPE: Record<string, string> = {
  number: "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
  boolean: "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_TruthObservation",
  enum: "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CategoryObservation",
  version: "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation",
};

/** How long this isolate reuses the Datastream summaries (the answers are cached as long: openHeaders(60)). */
const SUMMARY_TTL_MS = 60_000;
let summaries: { db: D1Database; at: number; rows: Promise<StreamSummary[]> } | null = null;

/**
 * The summaries of every device's Datastreams, reused for a minute: summing the day rollups of a
 * year is the one read of a request that grows with the history. Only the counts are reused: which
 * devices are public is read afresh on every request (loadModel filters by it), so a device made
 * private disappears at once.
 */
function cachedSummaries(db: D1Database): Promise<StreamSummary[]> {
  const now = Date.now();
  if (summaries === null || summaries.db !== db || now - summaries.at > SUMMARY_TTL_MS) {
    const rows = streamSummaries(db);
    summaries = { db, at: now, rows };
    rows.catch(() => (summaries = null));
  }
  return summaries.rows;
}

export async function loadModel(db: D1Database): Promise<Model> {
  const [devices, history] = await Promise.all([publicDevices(db), listQuantityHistory(db)]);
  const quantities = new Map(history.map((q) => [q.id, q]));
  const byId = new Map(devices.map((d) => [d.id, d]));
  const streams = (await cachedSummaries(db)).filter((s) => byId.has(s.device) && quantities.has(s.quantity));
  const located = devices.filter((d) => d.latitude !== null && d.longitude !== null);
  const sensors = [...new Set(devices.map(sensorOf))].sort();
  const observed = [...new Set(streams.map((s) => s.quantity))].sort((a, b) => a - b);
  return {
    devices,
    streams,
    quantities,
    rows: {
      Things: devices.map((d) => ({ id: d.id, keys: { device: d.id, sensor: sensorOf(d) }, body: { name: d.name, description: `${d.profile ?? d.codec} sensor in commune ${d.commune}`, properties: { devEui: d.devEui, commune: d.commune, ...(d.profile ? { profile: d.profile } : { codec: d.codec }) } } })),
      Locations: located.map((d) => ({ id: d.id, keys: { device: d.id }, body: { name: d.name, description: `Position of ${d.name}`, encodingType: "application/geo+json", location: point(d) } })),
      HistoricalLocations: located.map((d) => ({ id: d.id, keys: { device: d.id }, body: { time: iso(d.installedAt ?? d.createdAt) } })),
      FeaturesOfInterest: located.map((d) => ({ id: d.id, keys: { device: d.id }, body: { name: d.name, description: `Where ${d.name} measures`, encodingType: "application/geo+json", feature: point(d) } })),
      Sensors: sensors.map((s) => ({ id: s, keys: { sensor: s }, body: { name: s, description: s.includes("/") ? `Commercial codec ${s}` : `Cigale sensor profile ${s}`, encodingType: "text/html", metadata: `https://github.com/cigale/cigale/tree/main/codecs/${s.includes("/") ? "commercial" : "profiles"}` } })),
      ObservedProperties: observed.map((id) => {
        const q = quantities.get(id)!;
        return { id, keys: { quantity: id }, body: { name: q.key, definition: `https://cigale.example/docs/quantities#${q.key}`, description: `${q.key} (${q.unit || "no unit"})` } };
      }),
      Datastreams: streams.map((s) => {
        const d = byId.get(s.device)!;
        const q = quantities.get(s.quantity)!;
        return {
          id: streamId(s.device, s.quantity),
          keys: { device: s.device, quantity: s.quantity, sensor: sensorOf(d) },
          body: {
            name: `${d.name} — ${q.key}`,
            description: `${q.key} measured by ${d.name}`,
            unitOfMeasurement: { name: q.unit, symbol: q.unit, definition: `https://ucum.org/ucum#${q.unit}` },
            observationType: OBSERVATION_TYPE[q.encoding],
            phenomenonTime: `${s.firstDay}T00:00:00Z/${s.lastDay}T23:59:59Z`,
            properties: { readings: s.count },
          },
        };
      }),
    },
  };
}

export function observationRow(model: Model, o: StoredObservation): Row {
  const spec = model.quantities.get(o.q)!;
  return { id: observationId(o), keys: { device: o.d, quantity: o.q }, body: { phenomenonTime: iso(o.t), resultTime: iso(o.t), result: decodeValue(spec, o.v) } };
}
