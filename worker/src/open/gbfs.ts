import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Gbfs } from "gbfs-typescript-types/v3.0/gbfs.js";
import type { StationInformation } from "gbfs-typescript-types/v3.0/station_information.js";
import type { StationStatus } from "gbfs-typescript-types/v3.0/station_status.js";
import type { SystemInformation } from "gbfs-typescript-types/v3.0/system_information.js";
import type { VehicleTypes } from "gbfs-typescript-types/v3.0/vehicle_types.js";
import type { AppEnv } from "../http/types.ts";
import { decodeValue } from "../ingest/decode/values.ts";
import { latestReadings, type OpenDevice } from "../store/open-data.ts";
import { territoryDb } from "../store/shard.ts";
import { findDataset, type OpenDataset } from "./datasets.ts";
import { devicesOf, quantityMap } from "./dataset-files.ts";
import { baseUrl, errorResponses, openApp, openHeaders } from "./http.ts";
import { LICENCE } from "./licence.ts";
import { type Publisher, publisherOf } from "./publisher.ts";

/**
 * GBFS 3.0 (MobilityData) for the shared-mobility stations: discovery, system_information,
 * vehicle_types, station_information and station_status, from the public devices of the
 * `shared-mobility` dataset (profile `mobility`) and their latest readings. Timestamps are RFC 3339
 * strings (v3.0), names are localized (fr, en), the licence is its SPDX id.
 */

const VERSION = "3.0" as const;
const LANGUAGES = ["fr", "en"] as const;
/** Seconds a client may keep each file: status changes by the minute, the rest rarely. */
const TTL = { status: 60, static: 3600 } as const;

/** The vehicle kinds the mobility profile counts, as GBFS vehicle types (keyed by quantity). */
/**
 * GBFS requires max_range_meters for motorised vehicles; the sensors do not report charge, so these
 * are the nominal ranges of a full battery for the fleet class (to refine per operator).
 */
const VEHICLE_TYPES: Record<string, { id: string; form_factor: "bicycle" | "scooter_standing" | "car"; propulsion_type: "human" | "electric_assist" | "electric"; max_range_meters?: number; name: { fr: string; en: string } }> = {
  "vehicles.bike": { id: "bike", form_factor: "bicycle", propulsion_type: "human", name: { fr: "Vélo", en: "Bike" } },
  "vehicles.ebike": { id: "ebike", form_factor: "bicycle", propulsion_type: "electric_assist", max_range_meters: 50_000, name: { fr: "Vélo à assistance électrique", en: "E-bike" } },
  "vehicles.scooter": { id: "scooter", form_factor: "scooter_standing", propulsion_type: "electric", max_range_meters: 30_000, name: { fr: "Trottinette électrique", en: "E-scooter" } },
  "vehicles.car": { id: "car", form_factor: "car", propulsion_type: "electric", max_range_meters: 250_000, name: { fr: "Voiture partagée", en: "Shared car" } },
};

const localized = (t: { fr: string; en: string }) => LANGUAGES.map((language) => ({ language, text: t[language] }));
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function mobility(): OpenDataset {
  const d = findDataset("shared-mobility");
  if (!d) throw new Error("the shared-mobility dataset is missing: codecs/profiles/mobility.ts");
  return d;
}

/** The vehicle types the dataset's columns carry (profile order). */
function vehicleTypes(d: OpenDataset) {
  return d.columns.flatMap((c) => {
    const t = VEHICLE_TYPES[c.key];
    return t ? [{ key: c.key, ...t }] : [];
  });
}

/** GBFS stations need a position: devices without one are left out. */
async function stations(env: Env): Promise<OpenDevice[]> {
  return (await devicesOf(env, mobility())).filter((d) => d.latitude !== null && d.longitude !== null);
}

const envelope = <T>(lastUpdated: number, ttl: number, data: T) => ({ last_updated: rfc3339(lastUpdated), ttl, version: VERSION, data });

async function stationStatus(env: Env, now: number): Promise<StationStatus> {
  const d = mobility();
  const [quantities, devices] = await Promise.all([quantityMap(env), stations(env)]);
  const spec = (key: string) => quantities.get(key) ?? null;
  const keys = ["docks.available", "station.status", ...vehicleTypes(d).map((t) => t.key)];
  const ids = keys.flatMap((k) => (spec(k) ? [spec(k)!.id] : []));
  const byTerritory = new Map<string, OpenDevice[]>();
  for (const x of devices) byTerritory.set(x.territory, [...(byTerritory.get(x.territory) ?? []), x]);
  const out: StationStatus["data"]["stations"] = [];
  for (const [territory, group] of byTerritory) {
    const latest = await latestReadings(territoryDb(env, territory), group.map((x) => x.id), ids, now);
    for (const device of group) {
      const values = new Map<string, { value: number | string | boolean; time: number }>();
      for (const r of latest.filter((x) => x.d === device.id)) {
        const q = [...quantities.values()].find((x) => x.id === r.q);
        if (q) values.set(q.key, { value: decodeValue(q, r.v), time: r.t });
      }
      const count = (key: string) => {
        const v = values.get(key)?.value;
        return typeof v === "number" ? v : 0;
      };
      const status = values.get("station.status")?.value ?? (values.size > 0 ? "open" : "closed");
      const types = vehicleTypes(d).map((t) => ({ vehicle_type_id: t.id, count: count(t.key) }));
      // The newest reading; a station never heard reports its registration.
      const reported = values.size > 0 ? Math.max(...[...values.values()].map((v) => v.time)) : device.createdAt;
      out.push({
        station_id: device.devEui,
        num_vehicles_available: types.reduce((n, t) => n + t.count, 0),
        vehicle_types_available: types,
        num_docks_available: count("docks.available"),
        is_installed: true,
        is_renting: status === "open" || status === "noReturns",
        is_returning: status === "open" || status === "noRentals",
        last_reported: rfc3339(reported),
      });
    }
  }
  const lastUpdated = out.reduce((m, s) => Math.max(m, Date.parse(s.last_reported)), 0) || now;
  return envelope(lastUpdated, TTL.status, { stations: out });
}

async function stationInformation(env: Env, now: number): Promise<StationInformation> {
  const devices = await stations(env);
  return envelope(devices.reduce((m, x) => Math.max(m, x.updatedAt), 0) || now, TTL.static, {
    stations: devices.map((x) => ({ station_id: x.devEui, name: localized({ fr: x.name, en: x.name }), lat: x.latitude!, lon: x.longitude! })),
  });
}

function systemInformation(now: number, publisher: Publisher): SystemInformation {
  return envelope(now, TTL.static, {
    system_id: "cigale-amp",
    languages: [...LANGUAGES],
    name: localized({ fr: "Stations de mobilité partagée — Cigale", en: "Shared mobility stations — Cigale" }),
    operator: localized(publisher.name),
    opening_hours: "24/7",
    feed_contact_email: publisher.email,
    timezone: "Europe/Paris",
    license_id: LICENCE.spdx,
    url: publisher.url,
  });
}

function vehicleTypesFile(now: number): VehicleTypes {
  return envelope(now, TTL.static, {
    vehicle_types: vehicleTypes(mobility()).map((t) => ({
      vehicle_type_id: t.id,
      form_factor: t.form_factor,
      propulsion_type: t.propulsion_type,
      ...(t.max_range_meters !== undefined ? { max_range_meters: t.max_range_meters } : {}),
      name: localized(t.name),
    })),
  });
}

const FEEDS = ["system_information", "vehicle_types", "station_information", "station_status"] as const;

function discovery(base: string, now: number): Gbfs {
  return envelope(now, TTL.static, { feeds: [{ name: "gbfs" as const, url: `${base}/gbfs/gbfs.json` }, ...FEEDS.map((name) => ({ name, url: `${base}/gbfs/${name}.json` }))] });
}

/** Every GBFS file: the v3.0 envelope; its data as the GBFS 3.0 schemas define it (tests validate them). */
const gbfsFile = (name: string) =>
  z
    .object({ last_updated: z.string().openapi({ format: "date-time" }), ttl: z.number().int().min(0), version: z.literal(VERSION), data: z.record(z.string(), z.unknown()) })
    .openapi(`Gbfs_${name}`);

function route(name: "gbfs" | (typeof FEEDS)[number], summary: string) {
  return createRoute({
    method: "get",
    path: `/${name}.json`,
    summary,
    tags: ["open data", "GBFS"],
    responses: { 200: { description: `GBFS 3.0 ${name}.json`, content: { "application/json": { schema: gbfsFile(name) } } }, ...errorResponses(503) },
  });
}

/**
 * The files are typed by gbfs-typescript-types (MobilityData's own types), the contract here; the
 * zod envelope above only describes them in the OpenAPI document, hence the cast.
 */
const send = (c: Context<AppEnv>, file: { ttl: number }) => c.json(file as never, 200, { "Cache-Control": `public, max-age=${file.ttl}` });

/** Mounted at /gbfs by app.ts (through open/index.ts). */
export const gbfsRoutes = openApp();
gbfsRoutes.use("*", openHeaders());
gbfsRoutes
  .openapi(route("gbfs", "GBFS 3.0 discovery: the feeds of the shared-mobility system"), (c) => send(c, discovery(baseUrl(c.req.url), Date.now())))
  .openapi(route("system_information", "GBFS 3.0 system_information (fr, en; licence etalab-2.0)"), (c) => send(c, systemInformation(Date.now(), publisherOf(c.env))))
  .openapi(route("vehicle_types", "GBFS 3.0 vehicle_types, from the mobility profile's vehicle counts"), (c) => send(c, vehicleTypesFile(Date.now())))
  .openapi(route("station_information", "GBFS 3.0 station_information: public shared-mobility stations"), async (c) => send(c, await stationInformation(c.env, Date.now())))
  .openapi(route("station_status", "GBFS 3.0 station_status: latest counts of each public station"), async (c) => send(c, await stationStatus(c.env, Date.now())));
