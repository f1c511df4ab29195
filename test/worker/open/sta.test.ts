import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { iso } from "../../../worker/src/open/sta/model.ts";
import { call } from "../helpers/http.ts";
import { addDevice, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/** OGC SensorThings API 1.1 at /sta/v1.1 over seeded public and private devices. */

type Json = Record<string, any>;
const T = Date.parse("2026-05-10T06:00:00Z");
const STA = "/sta/v1.1";
const sid = (d: SeedDevice, q: number) => d.id * 1_000_000 + q;

describe("SensorThings API", () => {
  let air: SeedDevice;
  let bin: SeedDevice;
  let hidden: SeedDevice;
  let no2: number;
  let fill: number;

  beforeAll(async () => {
    const admin = await registry();
    const q = await quantities();
    no2 = q.get("air.no2")!.id;
    fill = q.get("level.fill")!.id;
    air = await addDevice(admin, { profile: "env", public: true, name: "Cours Mirabeau", latitude: 43.5263, longitude: 5.4454 });
    hidden = await addDevice(admin, { profile: "env", public: false, name: "Secret meter" });
    bin = await addDevice(admin, { profile: "waste", public: true, name: "Bin Rotonde", latitude: 43.6, longitude: 5.5 });
    await seedSeries(air.id, no2, T - 3_600_000 * 24 * 2, 600_000, 7 * 24 * 6, 30); // a week of NO2 every 10 min: 30..79
    await seedSeries(air.id, q.get("air.pm2_5")!.id, T, 600_000, 3, 125); // 12.5, 12.6, 12.7 µg/m³
    await seedSeries(hidden.id, no2, T, 600_000, 10, 99);
    await seedSeries(bin.id, fill, T, 3_600_000, 5, 80);
  });

  it("landing page lists the eight entity sets and the conformance classes", async () => {
    const r = await call<Json>("GET", STA);
    expect(r.status).toBe(200);
    expect(r.body["value"].map((v: Json) => v["name"])).toEqual(["Things", "Locations", "HistoricalLocations", "Datastreams", "Sensors", "ObservedProperties", "Observations", "FeaturesOfInterest"]);
    expect(r.body["value"][0]["url"]).toBe("http://cigale.test/sta/v1.1/Things");
    expect(r.body["serverSettings"]["conformance"]).toContain("http://www.opengis.net/spec/iot_sensing/1.1/req/request-data");
  });

  it("Things: public devices with ids, self and navigation links; a private device is absent everywhere", async () => {
    const r = await call<Json>("GET", `${STA}/Things?$count=true`);
    expect(r.status).toBe(200);
    const ids = r.body["value"].map((t: Json) => t["@iot.id"]);
    expect(ids).toContain(air.id);
    expect(ids).not.toContain(hidden.id);
    const thing = r.body["value"].find((t: Json) => t["@iot.id"] === air.id);
    expect(thing["@iot.selfLink"]).toBe(`http://cigale.test${STA}/Things(${air.id})`);
    // Relative to the service root, as SensorThings 1.1 writes navigation links; the self link is absolute.
    expect(thing["Datastreams@iot.navigationLink"]).toBe(`Things(${air.id})/Datastreams`);
    expect(r.body["@iot.count"]).toBe(ids.length);
    expect((await call("GET", `${STA}/Things(${hidden.id})`)).status).toBe(404);
    expect((await call("GET", `${STA}/Things(${hidden.id})/Datastreams`)).status).toBe(404);
    expect((await call("GET", `${STA}/Datastreams(${sid(hidden, no2)})`)).status).toBe(404);
    const ds = await call<Json>("GET", `${STA}/Datastreams?$top=1000`);
    expect(ds.body["value"].map((d: Json) => d["@iot.id"])).not.toContain(sid(hidden, no2));
    const obs = await call<Json>("GET", `${STA}/Observations?$filter=result eq 9.9&$count=true`);
    expect(obs.body["@iot.count"]).toBe(0);
    const all = await call<Json>("GET", `${STA}/ObservedProperties(${no2})/Datastreams?$expand=Thing,Observations($top=1000)`);
    expect(all.body["value"].map((d: Json) => d["Thing"]["@iot.id"])).not.toContain(hidden.id);
    expect(all.body["value"].flatMap((d: Json) => d["Observations"]).some((o: Json) => o["result"] === 9.9)).toBe(false);
  });

  it("navigation, single entities and the mapping (UCUM unit, decoded result, location)", async () => {
    const ds = await call<Json>("GET", `${STA}/Things(${air.id})/Datastreams`);
    expect(ds.body["value"].map((d: Json) => d["@iot.id"]).sort()).toEqual([sid(air, no2), sid(air, ds.body["value"].find((d: Json) => d["name"].endsWith("air.pm2_5"))["@iot.id"] - air.id * 1_000_000)].sort());
    const d = await call<Json>("GET", `${STA}/Datastreams(${sid(air, no2)})`);
    expect(d.body["unitOfMeasurement"]["symbol"]).toBe("ug/m3");
    // The Datastream spans its first and last reading; how many it holds is a $count (the day rollups).
    expect(d.body["phenomenonTime"]).toBe(`${new Date(T - 2 * 86_400_000).toISOString()}/${new Date(T + 5 * 86_400_000 - 600_000).toISOString()}`);
    expect((await call<Json>("GET", `${STA}/Datastreams(${sid(air, no2)})/Observations?$top=0&$count=true`)).body["@iot.count"]).toBe(7 * 24 * 6);
    const loc = await call<Json>("GET", `${STA}/Things(${air.id})/Locations`);
    expect(loc.body["value"][0]["location"]).toEqual({ type: "Point", coordinates: [5.4454, 43.5263] });
    const sensor = await call<Json>("GET", `${STA}/Datastreams(${sid(air, no2)})/Sensor`);
    expect(sensor.body["@iot.id"]).toBe("env");
    expect((await call<Json>("GET", `${STA}/Sensors('env')`)).body["name"]).toBe("env");
    const op = await call<Json>("GET", `${STA}/Datastreams(${sid(air, no2)})/ObservedProperty`);
    expect(op.body["name"]).toBe("air.no2");
    const pm = await call<Json>("GET", `${STA}/Datastreams?$filter=endswith(name, 'air.pm2_5')&$expand=Observations($orderby=phenomenonTime asc)`);
    expect(pm.body["value"][0]["Observations"].map((o: Json) => o["result"])).toEqual([12.5, 12.6, 12.7]);
    const one = pm.body["value"][0]["Observations"][0];
    expect((await call<Json>("GET", `${STA}/Observations('${one["@iot.id"]}')`)).body["result"]).toBe(12.5);
  });

  it("$top, $skip, $select, $orderby and key-paged @iot.nextLink over Observations; $count from the rollups", async () => {
    const first = await call<Json>("GET", `${STA}/Datastreams(${sid(air, no2)})/Observations?$top=500&$count=true&$select=result,phenomenonTime`);
    expect(first.body["@iot.count"]).toBe(7 * 24 * 6);
    expect(first.body["value"]).toHaveLength(500);
    expect(Object.keys(first.body["value"][0]).sort()).toEqual(["phenomenonTime", "result"]);
    // Follow the key-paged links to the end: every reading once, in time order.
    const seen: string[] = first.body["value"].map((o: Json) => o["phenomenonTime"]);
    let link: string | undefined = first.body["@iot.nextLink"];
    expect(new URL(link!).searchParams.get("$skiptoken")).toMatch(/^\d+-\d+-\d+$/);
    while (link !== undefined) {
      const u = new URL(link);
      const page = await call<Json>("GET", u.pathname + u.search);
      expect(page.status).toBe(200);
      seen.push(...page.body["value"].map((o: Json) => o["phenomenonTime"]));
      link = page.body["@iot.nextLink"];
    }
    expect(seen).toHaveLength(7 * 24 * 6);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    const desc = await call<Json>("GET", `${STA}/Datastreams(${sid(air, no2)})/Observations?$orderby=phenomenonTime desc&$top=2&$skip=1`);
    expect(desc.body["value"].map((o: Json) => o["phenomenonTime"])).toEqual([new Date(T + 5 * 86_400_000 - 1_200_000).toISOString(), new Date(T + 5 * 86_400_000 - 1_800_000).toISOString()]);
    // Ordered by time, the next page is asked by key: after the last reading given, $skip dropped.
    const next = new URL(desc.body["@iot.nextLink"]);
    expect(next.searchParams.get("$skip")).toBeNull();
    expect(next.searchParams.get("$skiptoken")).toBe(`${air.id}-${no2}-${T + 5 * 86_400_000 - 1_800_000}`);
    const after = await call<Json>("GET", next.pathname + next.search);
    expect(after.body["value"].map((o: Json) => o["phenomenonTime"])).toEqual([new Date(T + 5 * 86_400_000 - 2_400_000).toISOString(), new Date(T + 5 * 86_400_000 - 3_000_000).toISOString()]);
    const things = await call<Json>("GET", `${STA}/Things?$orderby=name desc&$top=1`);
    expect(things.body["value"]).toHaveLength(1);
    expect((await call<Json>("GET", `${STA}/Things?$top=100000`)).status).toBe(200);
  });

  it("$filter: comparison, arithmetic, string, geo and time", async () => {
    const names = async (q: string) => (await call<Json>("GET", `${STA}/Things?$filter=${encodeURIComponent(q)}`)).body["value"].map((t: Json) => t["name"]);
    expect(await names("name eq 'Cours Mirabeau'")).toEqual(["Cours Mirabeau"]);
    expect(await names("startswith(tolower(name), 'bin') and length(name) eq 11")).toEqual(["Bin Rotonde"]);
    expect(await names("substringof('Mira', name) or contains(name, 'Rotonde')")).toEqual(expect.arrayContaining(["Cours Mirabeau", "Bin Rotonde"]));
    expect(await names("not (name eq 'Cours Mirabeau') and @iot.id eq " + bin.id)).toEqual(["Bin Rotonde"]);
    const locs = async (q: string) => (await call<Json>("GET", `${STA}/Locations?$filter=${encodeURIComponent(q)}`)).body["value"].map((t: Json) => t["@iot.id"]);
    expect(await locs("geo.distance(location, geography'POINT(5.4454 43.5263)') lt 0.001")).toEqual([air.id]);
    expect(await locs("st_within(location, geography'POLYGON((5.49 43.59, 5.51 43.59, 5.51 43.61, 5.49 43.61, 5.49 43.59))')")).toEqual([bin.id]);
    const obs = await call<Json>("GET", `${STA}/Datastreams(${sid(air, no2)})/Observations?$count=true&$filter=${encodeURIComponent("phenomenonTime ge 2026-05-10T06:00:00Z and phenomenonTime lt 2026-05-10T07:00:00Z and (result sub 1) mod 2 eq 1")}`);
    expect(obs.status).toBe(200);
    // NO2 is stored in whole µg/m³: 68..73 in that hour, three of them even.
    expect(obs.body["@iot.count"]).toBe(3);
    expect(obs.body["value"].map((o: Json) => o["result"])).toEqual([68, 70, 72]);
  });

  it("a bad $filter is a 400 with the position of the error", async () => {
    const r = await call<Json>("GET", `${STA}/Things?$filter=${encodeURIComponent("name eq 'x' and")}`);
    expect(r.status).toBe(400);
    expect(r.body["error"]["code"]).toBe("INVALID_REQUEST");
    expect(r.body["error"]["position"]).toEqual({ offset: 15, column: 16 }); // the end of the text, where an operand is missing
    const unknown = await call<Json>("GET", `${STA}/Things?$filter=${encodeURIComponent("name eq 'x' or secret eq 1")}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body["error"]["position"]["offset"]).toBe(15);
    const fn = await call<Json>("GET", `${STA}/Things?$filter=${encodeURIComponent("frobnicate(name) eq 1")}`);
    expect(fn.body["error"]["position"]["offset"]).toBe(0);
    const big = await call<Json>("GET", `${STA}/Things?$filter=${encodeURIComponent(Array.from({ length: 80 }, (_, i) => `@iot.id eq ${i}`).join(" or "))}`);
    expect(big.status).toBe(400);
    expect(big.body["error"]["message"]).toMatch(/more than 100 terms|nested deeper than/);
    expect((await call<Json>("GET", `${STA}/Things?$top=-1`)).status).toBe(400);
    expect((await call<Json>("GET", `${STA}/Things?$expand=Nope`)).status).toBe(400);
  });

  it("top-level Observations in key order, FeaturesOfInterest and the way back from an Observation", async () => {
    const all = await call<Json>("GET", `${STA}/Observations?$top=1000&$count=true`);
    expect(all.status).toBe(200);
    // Counted from the day rollups of public Datastreams: the private meter's 10 readings are not there.
    expect(all.body["@iot.count"]).toBe(7 * 24 * 6 + 3 + 5);
    // Key paging across Datastreams: every public reading once, in (device, quantity, time) order.
    const ids: string[] = [];
    let link: string | undefined = `${STA}/Observations?$top=300`;
    while (link !== undefined) {
      const u = new URL(link, "http://cigale.test");
      const page = await call<Json>("GET", u.pathname + u.search);
      ids.push(...page.body["value"].map((x: Json) => x["@iot.id"]));
      link = page.body["@iot.nextLink"];
    }
    expect(ids).toHaveLength(7 * 24 * 6 + 3 + 5);
    const keys = ids.map((id) => id.split("-").map(Number));
    for (let i = 1; i < keys.length; i++) {
      const [a, b] = [keys[i - 1]!, keys[i]!];
      expect(a[0]! < b[0]! || (a[0] === b[0] && (a[1]! < b[1]! || (a[1] === b[1] && a[2]! < b[2]!)))).toBe(true);
    }
    expect(keys.some(([d]) => d === hidden.id)).toBe(false);
    const o = all.body["value"][0];
    expect(o["@iot.id"]).toMatch(new RegExp(`^${air.id}-`));
    const back = await call<Json>("GET", `${STA}/Observations('${o["@iot.id"]}')?$expand=Datastream($select=name),FeatureOfInterest`);
    expect(back.body["Datastream"]).toEqual({ name: "Cours Mirabeau — air.no2" });
    expect(back.body["FeatureOfInterest"]["feature"]).toEqual({ type: "Point", coordinates: [5.4454, 43.5263] });
    const foi = await call<Json>("GET", `${STA}/FeaturesOfInterest(${bin.id})/Observations?$count=true`);
    expect(foi.body["@iot.count"]).toBe(5);
    expect((await call<Json>("GET", `${STA}/FeaturesOfInterest(${hidden.id})/Observations`)).status).toBe(404);
    expect((await call<Json>("GET", `${STA}/Observations('${hidden.id}-${no2}-${T}')`)).status).toBe(404);
    const hl = await call<Json>("GET", `${STA}/Things(${air.id})/HistoricalLocations?$expand=Locations`);
    expect(hl.body["value"][0]["Locations"][0]["@iot.id"]).toBe(air.id);
  });

  it("nested $expand: the latest Observation of every Datastream of every Thing", async () => {
    const r = await call<Json>("GET", `${STA}/Things?$expand=${encodeURIComponent("Datastreams($expand=Observations($orderby=phenomenonTime desc;$top=1))")}`);
    expect(r.status).toBe(200);
    const thing = r.body["value"].find((t: Json) => t["@iot.id"] === air.id);
    const byName = Object.fromEntries(thing["Datastreams"].map((d: Json) => [d["name"].split(" — ")[1], d["Observations"]]));
    expect(byName["air.no2"]).toHaveLength(1);
    expect(byName["air.no2"][0]["phenomenonTime"]).toBe(new Date(T + 5 * 86_400_000 - 600_000).toISOString());
    expect(byName["air.pm2_5"][0]["result"]).toBe(12.7);
    expect(r.body["value"].some((t: Json) => t["@iot.id"] === hidden.id)).toBe(false);
    const path = await call<Json>("GET", `${STA}/Things(${bin.id})?$expand=Datastreams/Observations($top=2;$count=true)`);
    expect(path.body["Datastreams"][0]["Observations"]).toHaveLength(2);
    expect(path.body["Datastreams"][0]["Observations@iot.count"]).toBe(5);
    expect(path.body["Datastreams"][0]["Observations@iot.nextLink"]).toContain("/Observations");
    // An expanded collection's next page keeps the options it was expanded with: following the
    // links gives the Datastream's Observations in the asked order, each once.
    const nested = await call<Json>("GET", `${STA}/Things(${air.id})?$expand=${encodeURIComponent("Datastreams($expand=Observations($orderby=phenomenonTime desc;$top=400;$select=phenomenonTime))")}`);
    const stream = nested.body["Datastreams"].find((d: Json) => d["name"].endsWith(" — air.no2"));
    const times: string[] = stream["Observations"].map((o: Json) => o["phenomenonTime"]);
    expect(Object.keys(stream["Observations"][0])).toEqual(["phenomenonTime"]);
    for (let link: string | undefined = stream["Observations@iot.nextLink"], pages = 0; link !== undefined; pages++) {
      expect(pages).toBeLessThan(5);
      const next = new URL(link);
      expect(next.searchParams.get("$orderby")).toBe("phenomenonTime desc");
      const page = await call<Json>("GET", next.pathname + next.search);
      expect(page.status).toBe(200);
      times.push(...page.body["value"].map((o: Json) => o["phenomenonTime"]));
      link = page.body["@iot.nextLink"];
    }
    expect(times).toHaveLength(7 * 24 * 6);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set(times).size).toBe(times.length);
    // stream_state holds the counts the answers rely on.
    const state = await env.DB.prepare("SELECT sum(count) AS n FROM stream_state WHERE device_id = ?1").bind(bin.id).first<{ n: number }>();
    expect(state!.n).toBe(5);
  });
});

describe("SensorThings times", () => {
  it("iso writes what Date.prototype.toISOString writes, and falls back to it outside 1970–9999", () => {
    const times = [0, 1, 999, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 253_402_300_799_999, -1, -62_198_755_200_000, 253_402_300_800_000, 1.5];
    // Every day of 1970–2400 at a varying time of day, and pseudo-random instants up to 9999.
    for (let d = 0; d < 157_000; d++) times.push(d * 86_400_000 + ((d * 7_919_993) % 86_400_000));
    let x = 12_345;
    for (let i = 0; i < 100_000; i++) times.push((x = (x * 48_271) % 2_147_483_647) * 117_999);
    const wrong = times.filter((t) => iso(t) !== new Date(t).toISOString());
    expect(wrong).toEqual([]);
  });
});
