import { decodeValue } from "../../ingest/decode/values.ts";
import type { QuantityRecord } from "../../store/quantities.ts";
import { loadBase, type StaDevice, type StoredObservation, type StreamSummary } from "./store.ts";

/**
 * The SensorThings entities of the public devices: Thing = device, Location and
 * FeatureOfInterest = its position, HistoricalLocation = its installation, Datastream = device ×
 * quantity with readings, Sensor = profile or commercial codec, ObservedProperty = quantity. All
 * but Observations are built in memory per request from one round trip to D1 (store.ts loadBase:
 * a few hundred rows, Datastreams from stream_state); Observations are read from D1 page by page (store.ts).
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
  Datastreams: new Set(["@iot.id", "name", "description", "unitOfMeasurement", "observationType", "phenomenonTime"]),
  Sensors: new Set(["@iot.id", "name", "description", "encodingType", "metadata"]),
  ObservedProperties: new Set(["@iot.id", "name", "definition", "description"]),
  // Datastream/… and FeatureOfInterest/… are the same for every reading of a pair (filter.ts).
  Observations: new Set(["@iot.id", "result", "phenomenonTime", "resultTime", "Datastream", "FeatureOfInterest"]),
  FeaturesOfInterest: new Set(["@iot.id", "name", "description", "encodingType", "feature"]),
};

/** Datastream ids: device × quantity in one integer (quantity ids stay far below the factor). */
const STREAM_FACTOR = 1_000_000;
export const streamId = (device: number, quantity: number) => device * STREAM_FACTOR + quantity;
export const observationId = (o: StoredObservation) => `${o.d}-${o.q}-${o.t}`;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
/**
 * Date.prototype.toISOString for times from 1970 to 9999, by integer arithmetic (the civil date of
 * a day count): a few thousand times per answer, where building a Date and formatting it cost
 * ~1.5 µs each (a fifth of building the latest Observation of every Datastream).
 */
export function iso(ms: number): string {
  if (!(ms >= 0 && ms < 253_402_300_800_000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  // Days since 0000-03-01 split into 400-year eras, years of the era, and the day of a March-based year.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(m)}:${pad2(sec)}.${pad3(rest - sec * 1000)}Z`;
}
const point = (d: StaDevice) => ({ type: "Point", coordinates: [d.longitude!, d.latitude!] });
const sensorOf = (d: StaDevice) => d.profile ?? d.codec ?? "unknown";

export interface Model {
  devices: StaDevice[];
  streams: StreamSummary[];
  quantities: Map<number, QuantityRecord>;
  rows: Record<Exclude<EntitySet, "Observations">, Row[]>;
  /** The rows of each set by the value of one key (`device`, `quantity`, `sensor`): a navigation is a lookup. */
  index: (set: Exclude<EntitySet, "Observations">, key: keyof Keys) => Map<number | string, Row[]>;
  /** Datastreams by `${device}-${quantity}`, and those of each device. */
  streamByKey: Map<string, StreamSummary>;
  streamsOfDevice: Map<number, StreamSummary[]>;
}

const OBSERVATION_TYPE: Record<string, string> = {
  number: "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
  boolean: "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_TruthObservation",
  enum: "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CategoryObservation",
  version: "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation",
};

export async function loadModel(db: D1Database): Promise<Model> {
  const base = await loadBase(db);
  const devices = base.devices;
  const quantities = new Map(base.quantities.map((q) => [q.id, q]));
  const byId = new Map(devices.map((d) => [d.id, d]));
  const streams = base.streams.filter((s) => byId.has(s.device) && quantities.has(s.quantity));
  const indexes = new Map<string, Map<number | string, Row[]>>();
  const built: Partial<Model["rows"]> = {};
  const located = devices.filter((d) => d.latitude !== null && d.longitude !== null);
  const sensors = [...new Set(devices.map(sensorOf))].sort();
  const observed = [...new Set(streams.map((s) => s.quantity))].sort((a, b) => a - b);
  const model: Model = {
    devices,
    streams,
    quantities,
    streamByKey: new Map(streams.map((s) => [`${s.device}-${s.quantity}`, s])),
    streamsOfDevice: streams.reduce((m, s) => m.set(s.device, [...(m.get(s.device) ?? []), s]), new Map<number, StreamSummary[]>()),
    index: (set, key) => {
      let found = indexes.get(`${set}.${key}`);
      if (found === undefined) {
        found = new Map();
        for (const r of model.rows[set]) {
          const v = r.keys[key];
          if (v === undefined) continue;
          const list = found.get(v);
          if (list) list.push(r);
          else found.set(v, [r]);
        }
        indexes.set(`${set}.${key}`, found);
      }
      return found;
    },
    rows: {
      // Each set is built when a request first reads it (most read two or three of the seven).
      get Things() {
        return (built.Things ??= devices.map((d) => ({ id: d.id, keys: { device: d.id, sensor: sensorOf(d) }, body: { name: d.name, description: `${d.profile ?? d.codec} sensor in commune ${d.commune}`, properties: { devEui: d.devEui, commune: d.commune, ...(d.profile ? { profile: d.profile } : { codec: d.codec }) } } })));
      },
      get Locations() {
        return (built.Locations ??= located.map((d) => ({ id: d.id, keys: { device: d.id }, body: { name: d.name, description: `Position of ${d.name}`, encodingType: "application/geo+json", location: point(d) } })));
      },
      get HistoricalLocations() {
        return (built.HistoricalLocations ??= located.map((d) => ({ id: d.id, keys: { device: d.id }, body: { time: iso(d.installedAt ?? d.createdAt) } })));
      },
      get FeaturesOfInterest() {
        return (built.FeaturesOfInterest ??= located.map((d) => ({ id: d.id, keys: { device: d.id }, body: { name: d.name, description: `Where ${d.name} measures`, encodingType: "application/geo+json", feature: point(d) } })));
      },
      get Sensors() {
        return (built.Sensors ??= sensors.map((s) => ({ id: s, keys: { sensor: s }, body: { name: s, description: s.includes("/") ? `Commercial codec ${s}` : `Cigale sensor profile ${s}`, encodingType: "text/html", metadata: `https://github.com/cigale/cigale/tree/main/codecs/${s.includes("/") ? "commercial" : "profiles"}` } })));
      },
      get ObservedProperties() {
        return (built.ObservedProperties ??= observed.map((id) => {
          const q = quantities.get(id)!;
          return { id, keys: { quantity: id }, body: { name: q.key, definition: `https://cigale.example/docs/quantities#${q.key}`, description: `${q.key} (${q.unit || "no unit"})` } };
        }));
      },
      get Datastreams() {
        return (built.Datastreams ??= streams.map((s) => {
          const d = byId.get(s.device)!;
          const q = quantities.get(s.quantity)!;
          const span = `${iso(s.first)}/${iso(s.last)}`;
          return {
            id: streamId(s.device, s.quantity),
            keys: { device: s.device, quantity: s.quantity, sensor: sensorOf(d) },
            body: {
              name: `${d.name} — ${q.key}`,
              description: `${q.key} measured by ${d.name}`,
              unitOfMeasurement: { name: q.unit, symbol: q.unit, definition: `https://ucum.org/ucum#${q.unit}` },
              observationType: OBSERVATION_TYPE[q.encoding],
              phenomenonTime: span,
            },
          };
        }));
      },
    },
  };
  return model;
}

export function observationRow(model: Model, o: StoredObservation): Row {
  const spec = model.quantities.get(o.q)!;
  const time = iso(o.t);
  return { id: observationId(o), keys: { device: o.d, quantity: o.q }, body: { phenomenonTime: time, resultTime: time, result: decodeValue(spec, o.v) } };
}
