import { beforeAll, describe, expect, it } from "vitest";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { addDevice, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/** NGSI-LD entities of the Smart Data Models, normalized and key-values, with the mapping's factors. */

type Json = Record<string, any>;
const T = Date.parse("2026-05-10T06:00:00Z");
const ENV_CONTEXT = "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld";

describe("NGSI-LD", () => {
  let air: SeedDevice;
  let bin: SeedDevice;
  let hidden: SeedDevice;

  beforeAll(async () => {
    const admin = await registry();
    const q = await quantities();
    air = await addDevice(admin, { profile: "env", public: true, name: "Cours Mirabeau" });
    hidden = await addDevice(admin, { profile: "env", public: false });
    bin = await addDevice(admin, { profile: "waste", public: true });
    const put = (d: SeedDevice, key: string, stored: number, at = T, n = 1) => seedSeries(d.id, q.get(key)!.id, at, 600_000, n, stored);
    await put(air, "air.no2", 30, T - 3_600_000, 7); // 30..36, every 10 min up to T
    await put(air, "air.relativeHumidity", 650); // stored × 10 (0.5 % resolution): 65.0 %
    await put(air, "air.pm2_5", 125); // 12.5 µg/m³
    await put(hidden, "air.no2", 99);
    await put(bin, "level.fill", 80);
    await put(bin, "alarm.lidOpen", 1);
  });

  it("normalized AirQualityObserved: Properties with observedAt and UN/CEFACT unitCode, factors applied, GeoProperty, refDevice, context Link", async () => {
    const r = await call<Json[]>("GET", "/ngsi-ld/v1/entities?type=AirQualityObserved");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.headers.get("link")).toContain(`<${ENV_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"`);
    expect(r.body.map((e) => e["id"])).toEqual([`urn:ngsi-ld:AirQualityObserved:${air.devEui}`]);
    const e = r.body[0]!;
    expect(e["type"]).toBe("AirQualityObserved");
    expect(e["no2"]).toEqual({ type: "Property", value: 36, observedAt: new Date(T).toISOString(), unitCode: "GQ" });
    expect(e["pm25"]).toMatchObject({ type: "Property", value: 12.5, unitCode: "GQ" });
    // % → 0–1 (factor 0.01): no unit code of %.
    expect(e["relativeHumidity"]).toEqual({ type: "Property", value: 0.65, observedAt: new Date(T).toISOString() });
    expect(e["location"]).toEqual({ type: "GeoProperty", value: { type: "Point", coordinates: [5.4474, 43.5297] } });
    expect(e["refDevice"]).toEqual({ type: "Relationship", object: `urn:ngsi-ld:Device:${air.devEui}` });
    expect(e["dateObserved"]).toEqual({ type: "Property", value: new Date(T).toISOString() });
    expect(JSON.stringify(r.body)).not.toContain(hidden.devEui);
  });

  it("key-values, JSON-LD with the official @context in the body, one entity by id, 404 for a private or unknown one", async () => {
    const id = `urn:ngsi-ld:AirQualityObserved:${air.devEui}`;
    const kv = await call<Json>("GET", `/ngsi-ld/v1/entities/${encodeURIComponent(id)}?options=keyValues`, { headers: { Accept: "application/ld+json" } });
    expect(kv.status).toBe(200);
    expect(kv.headers.get("content-type")).toMatch(/^application\/ld\+json/);
    expect(kv.body["@context"]).toEqual([ENV_CONTEXT, "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"]);
    expect(kv.body).toMatchObject({ id, type: "AirQualityObserved", no2: 36, pm25: 12.5, location: { type: "Point", coordinates: [5.4474, 43.5297] }, refDevice: `urn:ngsi-ld:Device:${air.devEui}` });
    for (const missing of [`urn:ngsi-ld:AirQualityObserved:${hidden.devEui}`, `urn:ngsi-ld:NoiseLevelObserved:${air.devEui}`, "urn:ngsi-ld:Parking:0000000000000001", "nonsense"]) {
      const r = await call<ErrorAnswer>("GET", `/ngsi-ld/v1/entities/${encodeURIComponent(missing)}`);
      expect(r.status, missing).toBe(404);
    }
    expect((await call("GET", "/ngsi-ld/v1/entities?type=Parking")).status).toBe(400);
  });

  it("WasteContainer: fill level 80 % → 0.8, the lid alarm as status lidOpen; Device entities for every public device, with a count", async () => {
    const w = (await call<Json[]>("GET", "/ngsi-ld/v1/entities?type=WasteContainer&options=keyValues")).body;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ type: "WasteContainer", fillingLevel: 0.8, status: "lidOpen" });
    const d = await call<Json[]>("GET", "/ngsi-ld/v1/entities?type=Device&options=keyValues&count=true&limit=1");
    expect(d.headers.get("ngsild-results-count")).toBe("2");
    expect(d.body).toHaveLength(1);
    expect(d.body[0]).toMatchObject({ id: `urn:ngsi-ld:Device:${air.devEui}`, type: "Device", serialNumber: air.devEui });
    expect(d.body[0]!["controlledProperty"]).toEqual(expect.arrayContaining(["air.no2", "air.pm2_5"]));
  });

  it("temporal: each attribute's instances in the window, lastN, and [value, time] pairs with temporalValues", async () => {
    const id = encodeURIComponent(`urn:ngsi-ld:AirQualityObserved:${air.devEui}`);
    const window = `timerel=between&timeAt=${new Date(T - 3_600_000).toISOString()}&endTimeAt=${new Date(T + 1).toISOString()}`;
    const r = await call<Json>("GET", `/ngsi-ld/v1/temporal/entities/${id}?${window}`);
    expect(r.status).toBe(200);
    expect((r.body["no2"] as Json[]).map((x) => x["value"])).toEqual([30, 31, 32, 33, 34, 35, 36]);
    expect((r.body["no2"] as Json[])[0]).toEqual({ type: "Property", value: 30, observedAt: new Date(T - 3_600_000).toISOString(), unitCode: "GQ" });
    const last = await call<Json>("GET", `/ngsi-ld/v1/temporal/entities/${id}?${window}&lastN=2`);
    expect((last.body["no2"] as Json[]).map((x) => x["value"])).toEqual([35, 36]);
    const pairs = await call<Json>("GET", `/ngsi-ld/v1/temporal/entities/${id}?${window}&options=temporalValues`);
    expect(pairs.body["no2"]["values"][6]).toEqual([36, new Date(T).toISOString()]);
    expect((await call("GET", `/ngsi-ld/v1/temporal/entities/${encodeURIComponent(`urn:ngsi-ld:AirQualityObserved:${hidden.devEui}`)}?${window}`)).status).toBe(404);
  });
});
