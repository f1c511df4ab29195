import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/http.ts";
import { addDevice, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/**
 * SensorThings API 1.1: paging Observations by key in time order across Datastreams, the bound
 * on other orders, and the $filter functions (string, date and time, geometry) over Observations
 * and the in-memory sets, against the Worker with seeded readings; expected values by hand.
 */

type Json = Record<string, any>;
const STA = "/sta/v1.1";
const H = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 1); // 2026-03-01T00:00:00Z
const sid = (d: SeedDevice, q: number) => d.id * 1_000_000 + q;
const q = (text: string) => encodeURIComponent(text);
const BOX = "geography'POLYGON((5.45 43.55, 5.55 43.55, 5.55 43.65, 5.45 43.65, 5.45 43.55))'";

/** Every page of a list, following @iot.nextLink. */
async function all(path: string): Promise<{ ids: string[]; values: Json[]; pages: number; links: string[] }> {
  const values: Json[] = [];
  const links: string[] = [];
  let link: string | undefined = path;
  let pages = 0;
  while (link !== undefined) {
    if (pages === 200) throw new Error(`more than 200 pages: ${link}`);
    const u = new URL(link, "http://cigale.test");
    const page = await call<Json>("GET", u.pathname + u.search);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    values.push(...page.body["value"]);
    link = page.body["@iot.nextLink"];
    if (link) links.push(link);
    pages += 1;
  }
  return { ids: values.map((v) => v["@iot.id"]), values, pages, links };
}

async function count(path: string, filter: string): Promise<number> {
  const r = await call<Json>("GET", `${path}?$top=0&$count=true&$filter=${q(filter)}`);
  expect(r.status, `${filter}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body["@iot.count"];
}

async function results(path: string, filter: string): Promise<unknown[]> {
  const r = await call<Json>("GET", `${path}?$top=1000&$filter=${q(filter)}`);
  expect(r.status, `${filter}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body["value"].map((o: Json) => o["result"]);
}

describe("SensorThings API: ordering, paging and $filter functions", () => {
  let alpha: SeedDevice;
  let beta: SeedDevice;
  let many: SeedDevice[];
  let no2: number;
  let pm25: number;
  let fill: number;
  let admin: string;
  /** What was seeded for public devices: (device, quantity, time). */
  const seeded: Array<{ d: number; q: number; t: number }> = [];
  const series = async (d: SeedDevice, quantity: number, from: number, step: number, n: number, base: number) => {
    await seedSeries(d.id, quantity, from, step, n, base);
    if (d.public) for (let i = 0; i < n; i++) seeded.push({ d: d.id, q: quantity, t: from + i * step });
  };

  beforeAll(async () => {
    admin = await registry();
    const qs = await quantities();
    no2 = qs.get("air.no2")!.id;
    pm25 = qs.get("air.pm2_5")!.id;
    fill = qs.get("level.fill")!.id;
    alpha = await addDevice(admin, { profile: "env", public: true, name: "Station Alpha", latitude: 43.5, longitude: 5.4 });
    beta = await addDevice(admin, { profile: "waste", public: true, name: "Bin Beta", latitude: 43.6, longitude: 5.5 });
    const hidden = await addDevice(admin, { profile: "env", public: false, name: "Station Hidden", latitude: 43.5, longitude: 5.4 });
    many = [];
    for (let j = 0; j < 6; j++) many.push(await addDevice(admin, { profile: "env", public: true, name: `Many ${j}`, latitude: 43.3, longitude: 5.3 }));
    // Station Alpha: NO2 10…33 µg/m³ and PM2.5 10.0…12.3 µg/m³ every hour of 2026-03-01 (UTC).
    await series(alpha, no2, T0, H, 24, 10);
    await series(alpha, pm25, T0, H, 24, 100);
    // Bin Beta: 40…51 % every two hours from 00:30.
    await series(beta, fill, T0 + 30 * MIN, 2 * H, 12, 40);
    await series(hidden, no2, T0, H, 24, 90);
    // Six more stations × three quantities (18 Datastreams): every 3 h from the day before, each
    // Datastream j·3 + k minutes later than the first (the first meets Station Alpha's hours).
    const keys = ["air.temperature", "air.no2", "air.pm10"] as const;
    const bases = [2000, 1, 50];
    for (let j = 0; j < 6; j++) for (let k = 0; k < 3; k++) await series(many[j]!, qs.get(keys[k]!)!.id, T0 - 24 * H + (j * 3 + k) * MIN, 3 * H, 16, bases[k]!);
  });

  const idOf = (o: { d: number; q: number; t: number }) => `${o.d}-${o.q}-${o.t}`;
  const byTime = (desc: boolean) => (a: { d: number; q: number; t: number }, b: { d: number; q: number; t: number }) => (desc ? b.t - a.t : a.t - b.t) || a.d - b.d || a.q - b.q;

  it("orders Observations of many Datastreams by time, paged by key: every reading once, ties split across pages", async () => {
    expect(seeded).toHaveLength(48 + 12 + 18 * 16);
    // 21 Datastreams: read by time windows, widened while a page is not full.
    const desc = await all(`${STA}/Observations?$orderby=${q("phenomenonTime desc")}&$top=7`);
    expect(desc.ids).toEqual([...seeded].sort(byTime(true)).map(idOf));
    expect(desc.pages).toBe(Math.ceil(seeded.length / 7));
    for (const link of desc.links) {
      expect(new URL(link).searchParams.get("$skip")).toBeNull();
      expect(new URL(link).searchParams.get("$skiptoken")).toMatch(/^\d+-\d+-\d+$/);
    }
    // The newest: 23:00 of Station Alpha (both Datastreams, quantity order), then Bin Beta's 22:30.
    expect(desc.ids.slice(0, 3)).toEqual([`${alpha.id}-${Math.min(no2, pm25)}-${T0 + 23 * H}`, `${alpha.id}-${Math.max(no2, pm25)}-${T0 + 23 * H}`, `${beta.id}-${fill}-${T0 + 22 * H + 30 * MIN}`]);
    const asc = await all(`${STA}/Observations?$orderby=${q("resultTime asc")}&$top=11`);
    expect(asc.ids).toEqual([...seeded].sort(byTime(false)).map(idOf));
    // The first of the Many stations meets Station Alpha at midnight: a tie across devices, by device.
    const atT0 = asc.ids.filter((id) => id.endsWith(`-${T0}`));
    expect(atT0).toEqual([`${alpha.id}-${Math.min(no2, pm25)}-${T0}`, `${alpha.id}-${Math.max(no2, pm25)}-${T0}`, `${many[0]!.id}-${[...seeded].find((s) => s.d === many[0]!.id && s.t === T0)!.q}-${T0}`]);
  });

  it("orders the Observations of one Thing by time with one walk per Datastream; $skip then key paging", async () => {
    const mine = seeded.filter((s) => s.d === alpha.id).sort(byTime(true)).map(idOf);
    const paged = await all(`${STA}/FeaturesOfInterest(${alpha.id})/Observations?$orderby=${q("phenomenonTime desc")}&$top=5`);
    expect(paged.ids).toEqual(mine);
    const skipped = await call<Json>("GET", `${STA}/FeaturesOfInterest(${alpha.id})/Observations?$orderby=${q("phenomenonTime desc")}&$top=2&$skip=3`);
    expect(skipped.body["value"].map((o: Json) => o["@iot.id"])).toEqual(mine.slice(3, 5));
    const rest = await all(new URL(skipped.body["@iot.nextLink"]).pathname + new URL(skipped.body["@iot.nextLink"]).search);
    expect(rest.ids).toEqual(mine.slice(5));
    // What $skip passes is read: past 200 000 readings the request is refused (follow the links instead).
    const far = await call<Json>("GET", `${STA}/FeaturesOfInterest(${alpha.id})/Observations?$skip=100000&$top=10`);
    expect(far.status).toBe(400);
    expect(far.body["error"]["message"]).toMatch(/read 200022 Observations/);
    expect((await call<Json>("GET", `${STA}/Observations?$skip=250000`)).status).toBe(400);
    // A filter on the Thing leaves two Datastreams of 21.
    const filtered = await call<Json>("GET", `${STA}/Observations?$filter=${q("Datastream/Thing/name eq 'Station Alpha'")}&$orderby=${q("phenomenonTime desc")}&$top=5&$count=true`);
    expect(filtered.body["@iot.count"]).toBe(48);
    expect(filtered.body["value"].map((o: Json) => o["@iot.id"])).toEqual(mine.slice(0, 5));
    // Latest of each Datastream inside an expand, and the two newest with a time filter.
    const ds = await call<Json>("GET", `${STA}/Things(${alpha.id})/Datastreams?$expand=${q("Observations($orderby=phenomenonTime desc;$top=2;$filter=hour(phenomenonTime) lt 12)")}`);
    for (const d of ds.body["value"]) expect(d["Observations"].map((o: Json) => o["phenomenonTime"])).toEqual([new Date(T0 + 11 * H).toISOString(), new Date(T0 + 10 * H).toISOString()]);
  });

  it("string functions: over a reading's own @iot.id, and over its Datastream, Thing and ObservedProperty (one value per Datastream)", async () => {
    const O = `${STA}/Observations`;
    expect(await count(O, "startswith(Datastream/name, 'Bin')")).toBe(12);
    // air.no2 of Station Alpha (24) and of the six Many stations (6 × 16); Station Hidden is private.
    expect(await count(O, "endswith(Datastream/ObservedProperty/name, 'no2')")).toBe(24 + 96);
    expect(await results(O, "substringof('Alpha', Datastream/Thing/name) and result ge 30")).toEqual([30, 31, 32, 33]);
    expect(await count(O, "length(Datastream/ObservedProperty/name) eq 10")).toBe(12); // level.fill
    expect(await count(O, "indexof(Datastream/ObservedProperty/name, 'pm2') eq 4")).toBe(24); // air.pm2_5
    expect(await count(O, "tolower(toupper(Datastream/Thing/name)) eq 'bin beta'")).toBe(12);
    expect(await count(O, "trim(concat('  ', Datastream/Thing/name)) eq 'Bin Beta'")).toBe(12);
    expect(await count(O, "substring(Datastream/ObservedProperty/name, 4) eq 'no2'")).toBe(120);
    expect(await count(O, "substring(Datastream/ObservedProperty/name, 0, 3) eq 'air' and Datastream/Thing/name eq 'Station Alpha'")).toBe(48);
    expect(await count(O, "contains(Datastream/description, 'measured by Many')")).toBe(18 * 16);
    // On the reading itself ('device-quantity-time'), in SQL.
    expect(await count(O, `startswith(@iot.id, '${alpha.id}-${no2}-')`)).toBe(24);
    expect(await count(O, `endswith(@iot.id, '-${T0 + 23 * H}') and length(@iot.id) gt 5`)).toBe(2);
    expect(await count(O, `indexof(@iot.id, '-${fill}-') eq ${String(beta.id).length}`)).toBe(12);
    // Mixed: a reading condition or a Datastream one.
    expect(await count(O, "result gt 32 or Datastream/ObservedProperty/name eq 'level.fill'")).toBe(1 + 12);
    // In memory, over Things.
    const things = await call<Json>("GET", `${STA}/Things?$filter=${q("indexof(name, 'Beta') eq 4 and substring(name, 0, 3) eq 'Bin' and trim(concat(name, '  ')) eq 'Bin Beta'")}`);
    expect(things.body["value"].map((t: Json) => t["@iot.id"])).toEqual([beta.id]);
  });

  it("date and time functions on phenomenonTime and resultTime, date, time-of-day and duration literals, now()", async () => {
    const A = `${STA}/Datastreams(${sid(alpha, no2)})/Observations`;
    expect(await count(A, "year(phenomenonTime) eq 2026 and month(phenomenonTime) eq 3 and day(phenomenonTime) eq 1")).toBe(24);
    expect(await results(A, "hour(phenomenonTime) eq 5")).toEqual([15]);
    expect(await results(A, "hour(resultTime) ge 20")).toEqual([30, 31, 32, 33]);
    expect(await count(A, "minute(phenomenonTime) eq 0 and second(phenomenonTime) eq 0 and fractionalseconds(phenomenonTime) eq 0")).toBe(24);
    expect(await count(A, "minute(phenomenonTime) eq 30")).toBe(0);
    expect(await count(`${STA}/Datastreams(${sid(beta, fill)})/Observations`, "minute(phenomenonTime) eq 30")).toBe(12);
    expect(await count(A, "date(phenomenonTime) eq 2026-03-01")).toBe(24);
    expect(await count(A, "date(phenomenonTime) eq 2026-03-02")).toBe(0);
    expect(await results(A, "time(phenomenonTime) ge 20:00:00")).toEqual([30, 31, 32, 33]);
    expect(await results(A, "time(phenomenonTime) eq 05:00")).toEqual([15]);
    expect(await count(A, "phenomenonTime lt now() and phenomenonTime gt mindatetime() and resultTime lt maxdatetime()")).toBe(24);
    // 12:00 minus two hours: 10:00 … 23:00.
    expect(await count(A, "phenomenonTime ge 2026-03-01T12:00:00Z sub duration'PT2H'")).toBe(14);
    expect(await count(A, "phenomenonTime ge 2026-03-01T00:00:00Z add duration'P1DT0H'")).toBe(0);
    // A date compared with a time is its midnight UTC.
    expect(await count(A, "phenomenonTime ge 2026-03-01 and phenomenonTime lt 2026-03-02")).toBe(24);
    expect(await count(A, "phenomenonTime lt 2026-03-01")).toBe(0);
    expect(await count(A, "resultTime eq phenomenonTime and totaloffsetminutes(phenomenonTime) eq 0")).toBe(24);
    expect(await count(`${STA}/Observations`, "hour(phenomenonTime) eq 22 and Datastream/Thing/name eq 'Station Alpha'")).toBe(2);
    // In memory: a Datastream's phenomenonTime is first/last reading; the functions read its start.
    const ds = await call<Json>("GET", `${STA}/Datastreams?$filter=${q("minute(phenomenonTime) eq 30 and year(phenomenonTime) eq 2026")}`);
    expect(ds.body["value"].map((d: Json) => d["@iot.id"])).toEqual([sid(beta, fill)]);
    const hl = await call<Json>("GET", `${STA}/HistoricalLocations?$filter=${q("time le now() and time gt 2026-01-01T00:00:00Z sub duration'P1D'")}&$count=true`);
    expect(hl.body["@iot.count"]).toBe(2 + 6);
  });

  it("geometry functions over the FeatureOfInterest of each reading and over Locations", async () => {
    const O = `${STA}/Observations`;
    expect(await count(O, "geo.distance(FeatureOfInterest/feature, geography'POINT(5.4 43.5)') lt 0.01")).toBe(48);
    // Bin Beta is √(0.1² + 0.1²) ≈ 0.1414° away, the Many stations √(0.1² + 0.2²) ≈ 0.2236°.
    expect(await count(O, "geo.distance(FeatureOfInterest/feature, geography'POINT(5.4 43.5)') gt 0.14 and geo.distance(FeatureOfInterest/feature, geography'POINT(5.4 43.5)') lt 0.15")).toBe(12);
    expect(await count(O, `st_within(FeatureOfInterest/feature, ${BOX})`)).toBe(12);
    expect(await count(O, `st_contains(${BOX}, FeatureOfInterest/feature)`)).toBe(12);
    expect(await count(O, `st_disjoint(FeatureOfInterest/feature, ${BOX})`)).toBe(48 + 18 * 16);
    expect(await count(O, "st_intersects(FeatureOfInterest/feature, geography'LINESTRING(5.4 43.4, 5.4 43.6)')")).toBe(48);
    expect(await count(O, "geo.intersects(FeatureOfInterest/feature, geography'POINT(5.3 43.3)')")).toBe(18 * 16);
    expect(await count(O, "st_equals(FeatureOfInterest/feature, geography'POINT(5.5 43.6)') and result ge 50")).toBe(2); // 50, 51 %
    expect(await count(O, "geo.length(geography'LINESTRING(0 0, 3 4, 3 5)') eq 6 and Datastream/Thing/name eq 'Bin Beta'")).toBe(12);
    const locs = async (filter: string) => (await call<Json>("GET", `${STA}/Locations?$filter=${q(filter)}`)).body["value"].map((l: Json) => l["@iot.id"]);
    expect(await locs(`st_contains(${BOX}, location)`)).toEqual([beta.id]);
    expect(await locs("geo.intersects(location, geography'LINESTRING(5.4 43.4, 5.4 43.6)') or st_equals(location, geography'POINT(5.5 43.6)')")).toEqual([alpha.id, beta.id]);
    expect(await locs("geo.length(location) eq 0 and geo.distance(location, geography'POINT(5.3 43.3)') eq 0")).toEqual(many.map((m) => m.id));
  });

  it("a filter that cannot be evaluated is a 400 with the position of the problem", async () => {
    const bad = async (path: string, filter: string) => {
      const r = await call<Json>("GET", `${path}?$filter=${q(filter)}`);
      expect(r.status, filter).toBe(400);
      expect(r.body["error"]["option"]).toBe("$filter");
      return r.body["error"]["position"]["offset"];
    };
    // A geometry function over a reading's own value, a geometry used as a value.
    expect(await bad(`${STA}/Observations`, "result gt 1 and geo.distance(result, geography'POINT(1 2)') lt 1")).toBe(16);
    expect(await bad(`${STA}/Observations`, "FeatureOfInterest/feature eq geography'POINT(5.5 43.6)'")).toBe(0);
    // Arity, an impossible time of day, an unknown function.
    expect(await bad(`${STA}/Things`, "name eq 'x' or substring(name) eq 'y'")).toBe(15);
    expect(await bad(`${STA}/Observations`, "hour(phenomenonTime) eq 25:00")).toBe(24);
    expect(await bad(`${STA}/Observations`, "weekday(phenomenonTime) eq 1")).toBe(0);
    expect(await bad(`${STA}/Observations`, "phenomenonTime gt duration'P1Y'")).toBe(29); // years have no fixed length
  });
  it("(last: adds a busy Datastream) other orders are sorted by the database, paged with $skip, and refused past 100 000 readings", async () => {
    const top = await call<Json>("GET", `${STA}/Datastreams(${sid(alpha, no2)})/Observations?$orderby=${q("result desc")}&$top=3`);
    expect(top.body["value"].map((o: Json) => o["result"])).toEqual([33, 32, 31]);
    const link = new URL(top.body["@iot.nextLink"]);
    expect(link.searchParams.get("$skip")).toBe("3");
    expect((await call<Json>("GET", link.pathname + link.search)).body["value"].map((o: Json) => o["result"])).toEqual([30, 29, 28]);
    const both = await call<Json>("GET", `${STA}/FeaturesOfInterest(${alpha.id})/Observations?$orderby=${q("result asc, phenomenonTime desc")}&$top=3`);
    // PM2.5 10.0 at 00:00 and NO2 10 at 00:00 tie on result and time: then by Datastream.
    expect(both.body["value"].map((o: Json) => [o["result"], o["phenomenonTime"]])).toEqual([
      [10, new Date(T0).toISOString()],
      [10, new Date(T0).toISOString()],
      [10.1, new Date(T0 + H).toISOString()],
    ]);
    // 100 001 readings in one Datastream: ordering them by result is refused, by time it is a key walk.
    const big = await addDevice(admin, { profile: "env", public: true, name: "Busy" });
    await seedSeries(big.id, no2, T0, MIN, 100_001, 0);
    const refused = await call<Json>("GET", `${STA}/Datastreams(${sid(big, no2)})/Observations?$orderby=${q("result desc")}`);
    expect(refused.status).toBe(400);
    expect(refused.body["error"]["option"]).toBe("$orderby");
    expect(refused.body["error"]["message"]).toMatch(/100001 Observations/);
    expect((await call<Json>("GET", `${STA}/Observations?$orderby=result`)).status).toBe(400);
    const newest = await call<Json>("GET", `${STA}/Datastreams(${sid(big, no2)})/Observations?$orderby=${q("phenomenonTime desc")}&$top=2&$count=true`);
    expect(newest.body["@iot.count"]).toBe(100_001);
    expect(newest.body["value"].map((o: Json) => o["phenomenonTime"])).toEqual([new Date(T0 + 100_000 * MIN).toISOString(), new Date(T0 + 99_999 * MIN).toISOString()]);
    // Readings 60 days before the others, found by a filter few readings pass: each request walks
    // at most four time windows (24 days) and answers a short page whose link resumes at the edge.
    const old = await addDevice(admin, { profile: "env", public: true, name: "Old" });
    await seedSeries(old.id, no2, T0 - 60 * 24 * H, H, 3, 7);
    const olds = [2, 1, 0].map((i) => `${old.id}-${no2}-${T0 - 60 * 24 * H + i * H}`);
    const found = await all(`${STA}/Observations?$filter=${q("year(phenomenonTime) lt 2026")}&$orderby=${q("phenomenonTime desc")}&$top=5`);
    expect(found.ids).toEqual(olds);
    // From Busy's last reading (T0 + 69 days) back to T0 − 60 days: 129 days, 24 per request.
    expect(found.pages).toBeGreaterThanOrEqual(6);
    for (const link of found.links) expect(new URL(link).searchParams.get("$skiptoken")).toMatch(/^\d+-\d+-\d+$/);
    // A bound on the time itself starts the walk there, in every order: one page each.
    for (const orderby of ["phenomenonTime desc", "phenomenonTime asc", "@iot.id"]) {
      const bounded = await all(`${STA}/Observations?$filter=${q("phenomenonTime lt 2026-02-01T00:00:00Z and result ge 0")}&$orderby=${q(orderby)}&$top=5`);
      expect(bounded.ids, orderby).toEqual(orderby.endsWith("desc") ? olds : [...olds].reverse());
      expect(bounded.pages, orderby).toBe(1);
    }
  }, 120_000);

  it("(after the busy Datastream) $count: a filter of times only sums hour rollups; any other reading filter is refused past 200 000 readings; without one, the Datastreams' counts", async () => {
    const counted = await addDevice(admin, { profile: "env", public: true, name: "Counted" });
    await seedSeries(counted.id, no2, T0, MIN, 150_000, 0);
    await seedSeries(counted.id, pm25, T0, MIN, 60_000, 0);
    const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
    const foi = `${STA}/FeaturesOfInterest(${counted.id})/Observations`;
    const one = `${STA}/Datastreams(${sid(counted, no2)})/Observations`;
    // Times only: whole hours from rollup_hour, partial hours at both ends from the readings. The
    // same filter with a term that every reading passes is counted reading by reading (one Datastream, 150 000).
    for (const [filter, want] of [
      [`phenomenonTime lt ${at(1000)}`, 1000],
      [`phenomenonTime ge ${at(61)} and resultTime le ${at(6001)}`, 6001 - 61 + 1],
      [`phenomenonTime gt ${at(59)} and phenomenonTime lt ${at(61)}`, 1],
      [`phenomenonTime eq ${at(7777)}`, 1],
      [`${at(120)} le phenomenonTime and ${at(240)} gt phenomenonTime`, 120],
      ["phenomenonTime ge 2026-03-02 and phenomenonTime lt 2026-03-04", 2 * 1440],
      [`phenomenonTime ge ${at(149_990)}`, 10],
    ] as const) {
      expect(await count(one, filter), filter).toBe(want);
      expect(await count(one, `${filter} and result ge -1000000`), `${filter}, by readings`).toBe(want);
    }
    // Both Datastreams (210 000 readings), and every Datastream, by hour rollups: no bound met.
    expect(await count(foi, `phenomenonTime lt ${at(100_000)}`)).toBe(100_000 + 60_000);
    expect(await count(`${STA}/Observations`, `phenomenonTime ge ${at(0)} and phenomenonTime lt ${at(30)} and Datastream/Thing/name eq 'Counted'`)).toBe(60);
    // Any other reading filter on them: refused before anything is read.
    for (const path of [foi, `${STA}/Observations`]) {
      const refused = await call<Json>("GET", `${path}?$filter=${q(`phenomenonTime lt ${at(1000)} and result gt 20`)}&$count=true`);
      expect(refused.status, path).toBe(400);
      expect(refused.body["error"]["option"]).toBe("$count");
      expect(refused.body["error"]["message"]).toMatch(/at most 200000/);
      // The same filter without $count pages as before.
      expect((await call<Json>("GET", `${path}?$filter=${q("result gt 20")}&$top=2`)).status, path).toBe(200);
    }
    expect((await call<Json>("GET", `${foi}?$filter=${q("result gt 20")}&$count=true`)).body["error"]["message"]).toMatch(/210000 readings/);
    // In an $expand too: the bound is over every parent of the level.
    const expanded = await call<Json>("GET", `${STA}/Things?$expand=${q("Datastreams($expand=Observations($filter=result gt 20;$count=true;$top=1))")}`);
    expect(expanded.status).toBe(400);
    // One Datastream under the bound: counted in the readings (values 0…49 in turn: 29 of each 50 above 20).
    expect(await count(one, "result gt 20")).toBe(3000 * 29);
    // A filter on Datastreams only reads no reading: the counts of the Datastreams it keeps.
    expect(await count(`${STA}/Observations`, "Datastream/Thing/name eq 'Counted'")).toBe(210_000);
    const all = await call<Json>("GET", `${foi}?$count=true&$top=1`);
    expect(all.body["@iot.count"]).toBe(210_000);
  }, 120_000);
});
