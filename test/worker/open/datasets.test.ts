import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { PROFILES } from "../../../codecs/profiles/index.ts";
import { QUANTITIES } from "../../../codecs/profiles/quantities.ts";
import { DATASETS, findDataset } from "../../../worker/src/open/datasets.ts";
import { LICENCE } from "../../../worker/src/open/licence.ts";
import type { QuantityRecord } from "../../../worker/src/store/quantities.ts";
import { BASE, call, type ErrorAnswer } from "../helpers/http.ts";
import { exports } from "cloudflare:workers";
import { addDevice, csvLines, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/** Datasets derived from the profiles, and their CSV, GeoJSON, latest GeoJSON and Table Schema. */

const T0 = Date.parse("2026-03-01T00:00:00Z");
const MIN = 60_000;

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, { headers }));
}

describe("dataset definitions", () => {
  it("one per use case, each derived from its profile: every measured field but battery, with the quantity's unit", () => {
    expect(DATASETS.map((d) => d.id).sort()).toEqual(["air-quality", "footfall", "infrastructure-health", "noise", "shared-mobility", "street-furniture", "waste"]);
    for (const d of DATASETS) {
      const profile = PROFILES.find((p) => p.id === d.profile)!;
      const fields = new Set(profile.measurement.flatMap((l) => l.fields.map((f) => f.key)));
      fields.delete("battery");
      const keys = d.columns.map((c) => c.key);
      for (const key of fields) expect(keys, `${d.id} ${key}`).toContain(key);
      for (const c of d.columns) {
        const q = QUANTITIES.find((x) => x.key === c.key)!;
        expect(c.unit, c.key).toBe(q.unit);
        // A column not in the profile comes from the dataset's Smart Data Model entity (commercial sensors).
        if (!fields.has(c.key)) expect(c.smartDataModel?.entity, `${d.id} ${c.key}`).toBe(d.entity);
      }
      expect(d.title.fr).not.toBe(d.title.en);
    }
    expect(DATASETS.some((d) => d.profile === "meter"), "building meters stay private").toBe(false);
    expect(findDataset("air-quality")!.entity).toBe("AirQualityObserved");
    expect(findDataset("air-quality")!.codecs).toContain("milesight-iot/am319-codec");
    expect(findDataset("shared-mobility")!.columns.find((c) => c.key === "station.status")).toMatchObject({ kind: "enum", values: ["open", "noRentals", "noReturns", "closed"] });
  });
});

describe("dataset files", () => {
  let q: Map<string, QuantityRecord>;
  let aix: SeedDevice;
  let marseille: SeedDevice;
  let hidden: SeedDevice;
  let nowhere: SeedDevice;

  beforeAll(async () => {
    const admin = await registry();
    q = await quantities();
    aix = await addDevice(admin, { profile: "env", public: true, commune: "13001", latitude: 43.5297, longitude: 5.4474, name: "Cours Mirabeau, Aix" });
    marseille = await addDevice(admin, { profile: "env", public: true, commune: "13055", latitude: 43.2965, longitude: 5.3698 });
    hidden = await addDevice(admin, { profile: "env", public: false, commune: "13001" });
    nowhere = await addDevice(admin, { profile: "env", public: true, commune: "13055", latitude: null, longitude: null });
    const no2 = q.get("air.no2")!.id;
    const pm25 = q.get("air.pm2_5")!.id;
    const temp = q.get("air.temperature")!.id;
    for (const d of [aix, marseille, hidden, nowhere]) {
      await seedSeries(d.id, no2, T0, 10 * MIN, 12, 20); // 20..31 µg/m³
      await seedSeries(d.id, pm25, T0, 10 * MIN, 12, 100); // stored ×10: 10.0..11.1
    }
    // Temperature every 20 minutes only: rows at other times leave it empty.
    await seedSeries(aix.id, temp, T0, 20 * MIN, 6, 2135);
  });

  it("CSV: header, one row per device and time, a column per quantity, ISO UTC times, latitude/longitude, public devices only", async () => {
    const r = await get(`/open/datasets/air-quality.csv?from=2026-03-01T00:00:00Z&to=2026-03-01T02:00:00Z`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.headers.get("link")).toContain(LICENCE.url);
    expect(r.headers.get("link")).toContain('rel="license"');
    expect(r.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    const text = await r.text();
    // The name holds a comma: quoted per RFC 4180.
    expect(text).toContain(`,"Cours Mirabeau, Aix",13001,`);
    const lines = csvLines(text);
    const header = lines[0]!;
    expect(header.slice(0, 6)).toEqual(["time", "device", "name", "commune", "latitude", "longitude"]);
    expect(header).toEqual(expect.arrayContaining(["air.no2", "air.pm2_5", "air.temperature", "air.pm10"]));
    const rows = lines.slice(1).map((l) => Object.fromEntries(header.map((h, i) => [h, l[i]])));
    expect(rows).toHaveLength(36); // 3 public devices × 12 times
    expect(rows.some((r) => r["device"] === hidden.devEui)).toBe(false);
    const first = rows.find((r) => r["device"] === aix.devEui)!;
    expect(first).toMatchObject({ time: "2026-03-01T00:00:00.000Z", name: "Cours Mirabeau, Aix", commune: "13001", latitude: "43.5297", longitude: "5.4474", "air.no2": "20", "air.pm2_5": "10", "air.temperature": "21.35", "air.pm10": "" });
    const aixRows = rows.filter((r) => r["device"] === aix.devEui);
    expect(aixRows.map((r) => r["time"])).toEqual(Array.from({ length: 12 }, (_, i) => new Date(T0 + i * 10 * MIN).toISOString()));
    expect(aixRows[1]!["air.temperature"]).toBe("");
    expect(aixRows[2]!["air.temperature"]).toBe("21.36");
    expect(rows.find((r) => r["device"] === nowhere.devEui)).toMatchObject({ latitude: "", longitude: "" });
  });

  it("CSV: from is inclusive, to exclusive; commune filters", async () => {
    const text = await (await get(`/open/datasets/air-quality.csv?from=2026-03-01T00:10:00Z&to=2026-03-01T00:30:00Z&commune=13055`)).text();
    const rows = csvLines(text).slice(1);
    expect(rows).toHaveLength(4); // 2 public devices in Marseille × 00:10, 00:20
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(["13055"]));
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(["2026-03-01T00:10:00.000Z", "2026-03-01T00:20:00.000Z"]));
  });

  it("GeoJSON (RFC 7946): a FeatureCollection of Points, longitude first, null geometry without a position, the licence as a member", async () => {
    const r = await get(`/open/datasets/air-quality.geojson?from=2026-03-01T00:00:00Z&to=2026-03-01T00:10:00Z`);
    expect(r.headers.get("content-type")).toBe("application/geo+json");
    const fc = (await r.json()) as { type: string; license: string; features: Array<{ type: string; geometry: { type: string; coordinates: number[] } | null; properties: Record<string, unknown> }> };
    expect(fc.type).toBe("FeatureCollection");
    expect(fc.license).toBe("etalab-2.0");
    expect(fc.features).toHaveLength(3);
    const a = fc.features.find((f) => f.properties["device"] === aix.devEui)!;
    expect(a.geometry).toEqual({ type: "Point", coordinates: [5.4474, 43.5297] });
    expect(a.properties).toMatchObject({ time: "2026-03-01T00:00:00.000Z", "air.no2": 20, "air.pm2_5": 10, "air.temperature": 21.35, "air.pm10": null });
    expect(fc.features.find((f) => f.properties["device"] === nowhere.devEui)!.geometry).toBeNull();
  });

  it("latest.geojson: one feature per public device with the newest value of each quantity", async () => {
    const r = await get(`/open/datasets/air-quality/latest.geojson`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/geo\+json/);
    const fc = (await r.json()) as { features: Array<{ id: string; properties: Record<string, unknown> }> };
    expect(fc.features.map((f) => f.id).sort()).toEqual([aix.devEui, marseille.devEui, nowhere.devEui].sort());
    const a = fc.features.find((f) => f.id === aix.devEui)!;
    expect(a.properties).toMatchObject({ time: new Date(T0 + 110 * MIN).toISOString(), "air.no2": 31, "air.pm2_5": 11.1, "air.temperature": 21.4 });
  });

  it("tableschema.json: a frictionless Table Schema whose fields are the CSV's columns, with units and the licence", async () => {
    const r = await call<Record<string, any>>("GET", "/open/datasets/air-quality/tableschema.json");
    expect(r.status).toBe(200);
    const schema = r.body;
    const header = csvLines(await (await get(`/open/datasets/air-quality.csv?from=2026-03-01T00:00:00Z&to=2026-03-01T00:01:00Z`)).text())[0]!;
    expect(schema["fields"].map((f: { name: string }) => f.name)).toEqual(header);
    expect(schema["licenses"]).toEqual([{ name: "etalab-2.0", title: LICENCE.title.fr, path: LICENCE.url }]);
    expect(schema["primaryKey"]).toEqual(["device", "time"]);
    const no2 = schema["fields"].find((f: { name: string }) => f.name === "air.no2");
    expect(no2).toMatchObject({ type: "number", title: expect.stringContaining("µg/m³"), description: expect.stringContaining("ug/m3") });
    expect(schema["fields"].find((f: { name: string }) => f.name === "time")).toMatchObject({ type: "datetime" });
    const status = (await call<Record<string, any>>("GET", "/open/datasets/shared-mobility/tableschema.json")).body["fields"].find((f: { name: string }) => f.name === "station.status");
    expect(status).toMatchObject({ type: "string", constraints: { enum: ["open", "noRentals", "noReturns", "closed"] } });
  });

  it("bad input is the API's error body: 400 for a query, 404 for a dataset", async () => {
    for (const query of ["from=yesterday", "from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from=2025-01-01&to=2026-01-01", "commune=1300"]) {
      const r = await call<ErrorAnswer>("GET", `/open/datasets/air-quality.csv?${query}`);
      expect([r.status, r.body.error.code], query).toEqual([400, "INVALID_REQUEST"]);
    }
    for (const path of ["/open/datasets/parking.csv", "/open/datasets/air-quality.xlsx", "/open/datasets/meter/latest.geojson", "/open/datasets/x/tableschema.json"]) {
      const r = await call<ErrorAnswer>("GET", path);
      expect(r.status, path).toBe(404);
      expect(Object.keys(r.body.error).sort()).toEqual(["code", "message"]);
    }
  });

  it("answers CORS preflight for any origin", async () => {
    const r = await exports.default.fetch(new Request(`${BASE}/open/datasets/air-quality.csv`, { method: "OPTIONS", headers: { Origin: "https://example.org", "Access-Control-Request-Method": "GET" } }));
    expect(r.status).toBeLessThan(300);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.headers.get("access-control-expose-headers")).toContain("Content-Range");
    void env;
  });
});
