import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/http.ts";
import { GBFS_SCHEMAS } from "./gbfs-schemas.ts";
import { addDevice, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/** GBFS 3.0 for the public shared-mobility stations, validated against the GBFS 3.0 schemas with ajv. */

type Json = Record<string, any>;
const ajv = new Ajv2020({ strict: true, allErrors: true });
// ajv-formats is CommonJS: its plugin is the module's `default` (TypeScript) and the module itself (runtime).
formats.default(ajv);
const validators = Object.fromEntries(Object.entries(GBFS_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));

const T = Date.parse("2026-04-02T08:00:00Z");

describe("GBFS 3.0", () => {
  let station: SeedDevice;
  let closed: SeedDevice;
  let hidden: SeedDevice;
  let unplaced: SeedDevice;
  const files: Record<string, Json> = {};

  beforeAll(async () => {
    const admin = await registry();
    const q = await quantities();
    station = await addDevice(admin, { profile: "mobility", public: true, name: "Gare Saint-Charles" });
    closed = await addDevice(admin, { profile: "mobility", public: true, name: "Cours Julien" });
    hidden = await addDevice(admin, { profile: "mobility", public: false });
    unplaced = await addDevice(admin, { profile: "mobility", public: true, latitude: null, longitude: null });
    const put = (d: SeedDevice, key: string, value: number, at = T) => seedSeries(d.id, q.get(key)!.id, at, 60_000, 1, value);
    // Older readings first: the status must take the newest.
    await put(station, "vehicles.bike", 1, T - 600_000);
    await put(station, "vehicles.bike", 7);
    await put(station, "vehicles.ebike", 3);
    await put(station, "docks.available", 12);
    await put(station, "station.status", 0); // open
    await put(closed, "vehicles.bike", 2);
    await put(closed, "station.status", 1); // noRentals
    await put(hidden, "vehicles.bike", 9);
    for (const name of ["gbfs", "system_information", "vehicle_types", "station_information", "station_status"]) {
      const r = await call<Json>("GET", `/gbfs/${name}.json`);
      expect(r.status, name).toBe(200);
      expect(r.headers.get("access-control-allow-origin"), name).toBe("*");
      expect(r.headers.get("cache-control"), name).toBe(`public, max-age=${r.body["ttl"]}`);
      files[name] = r.body;
    }
  });

  it("every file is valid against its GBFS 3.0 schema", () => {
    for (const [name, body] of Object.entries(files)) {
      const valid = validators[name]!(body);
      expect(valid ? [] : validators[name]!.errors, name).toEqual([]);
    }
    // The schemas do bite: a v2-style integer timestamp and a missing localized language fail.
    expect(validators["station_status"]!({ ...files["station_status"], last_updated: 1700000000 })).toBe(false);
    expect(validators["system_information"]!({ ...files["system_information"], data: { ...files["system_information"]!["data"], name: [{ text: "x" }] } })).toBe(false);
  });

  it("discovery lists the four feeds, each answering; ttl and last_updated on every file", async () => {
    const feeds = files["gbfs"]!["data"]["feeds"] as Array<{ name: string; url: string }>;
    expect(feeds.map((f) => f.name).sort()).toEqual(["gbfs", "station_information", "station_status", "system_information", "vehicle_types"]);
    for (const f of feeds) expect((await call("GET", new URL(f.url).pathname)).status, f.url).toBe(200);
    expect(files["station_status"]!["ttl"]).toBe(60);
    for (const body of Object.values(files)) expect(new Date(body["last_updated"]).getTime()).toBeGreaterThan(0);
  });

  it("system_information: localized fr and en, Europe/Paris, the licence's SPDX id", () => {
    const data = files["system_information"]!["data"];
    expect(data["languages"]).toEqual(["fr", "en"]);
    expect(data["name"].map((n: Json) => n["language"])).toEqual(["fr", "en"]);
    expect(data["timezone"]).toBe("Europe/Paris");
    expect(data["license_id"]).toBe("etalab-2.0");
  });

  it("stations: public and placed only; status from the newest readings; vehicle types of vehicle_types.json", () => {
    const info = files["station_information"]!["data"]["stations"] as Json[];
    const status = files["station_status"]!["data"]["stations"] as Json[];
    expect(info.map((s) => s["station_id"]).sort()).toEqual([station.devEui, closed.devEui].sort());
    expect(status.map((s) => s["station_id"]).sort()).toEqual([station.devEui, closed.devEui].sort());
    for (const d of [hidden, unplaced]) expect(JSON.stringify(files)).not.toContain(d.devEui);
    const s = status.find((x) => x["station_id"] === station.devEui)!;
    expect(s).toMatchObject({ num_vehicles_available: 10, num_docks_available: 12, is_installed: true, is_renting: true, is_returning: true, last_reported: new Date(T).toISOString().replace(".000Z", "Z") });
    expect(s["vehicle_types_available"]).toEqual([
      { vehicle_type_id: "bike", count: 7 },
      { vehicle_type_id: "ebike", count: 3 },
      { vehicle_type_id: "scooter", count: 0 },
      { vehicle_type_id: "car", count: 0 },
    ]);
    expect(status.find((x) => x["station_id"] === closed.devEui)).toMatchObject({ num_vehicles_available: 2, is_renting: false, is_returning: true });
    const types = (files["vehicle_types"]!["data"]["vehicle_types"] as Json[]).map((t) => t["vehicle_type_id"]);
    for (const x of status) for (const t of x["vehicle_types_available"] as Json[]) expect(types).toContain(t["vehicle_type_id"]);
    expect(info.find((x) => x["station_id"] === station.devEui)).toMatchObject({ name: [{ language: "fr", text: "Gare Saint-Charles" }, { language: "en", text: "Gare Saint-Charles" }], lat: 43.5297, lon: 5.4474 });
    void env;
  });
});
