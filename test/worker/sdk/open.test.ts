import { env, exports } from "cloudflare:workers";
import type { QuantityKey } from "@cigale/codecs/profiles";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import generatedSource from "../../../sdk/src/open.generated.ts?raw";
import { renderOpenData } from "../../../sdk/scripts/open-data.ts";
import { csvRecords } from "../../../sdk/src/csv.ts";
import type * as Api from "../../../sdk/src/api.generated.ts";
import { CigaleError, createClient, DATASETS, type Dataset, type DatasetCollection, type DatasetColumnKey, type DatasetId, type DatasetRow, type NgsiLdType, type ProfileId, type QuantityOf, type TableSchema } from "../../../sdk/src/index.ts";
import type { bulkIndex } from "../../../worker/src/open/bulk-routes.ts";
import type { DatasetId as WorkerDatasetId } from "../../../worker/src/open/datasets.ts";
import { DATASETS as WORKER_DATASETS } from "../../../worker/src/open/datasets.ts";
import type { featureCollection } from "../../../worker/src/open/formats.ts";
import type { jsonLdDocument } from "../../../worker/src/open/jsonld-document.ts";
import type { NgsiLdType as WorkerNgsiLdType } from "../../../worker/src/open/ngsi-ld.ts";
import type { tableSchemaDoc } from "../../../worker/src/open/tableschema.ts";
import { addDevice, quantities, registry, type SeedDevice, seedSeries } from "../open/seed.ts";

/** @cigale/sdk's open-data helpers inside workerd, against the real Worker (its fetch handler) and seeded readings. */

const selfFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));
const cigale = createClient({ baseUrl: "http://cigale.test", fetch: selfFetch, backoffMs: 1 });

const T0 = Date.parse("2026-02-10T00:00:00Z");
const TEN_MIN = 600_000;

describe("open-data types", () => {
  it("the generated datasets are what the Worker's definitions render to today", () => {
    expect(generatedSource).toBe(renderOpenData());
    expect(DATASETS.map((d) => [d.id, d.profile, d.columns.map((c) => [c.key, c.unit, c.kind])])).toEqual(WORKER_DATASETS.map((d) => [d.id, d.profile, d.columns.map((c) => [c.key, c.unit, c.kind])]));
  });

  it("equal the Worker's types (a type check fails when they drift)", () => {
    expectTypeOf<DatasetId>().toEqualTypeOf<WorkerDatasetId>();
    expectTypeOf<NgsiLdType>().toEqualTypeOf<WorkerNgsiLdType>();
    expectTypeOf<DatasetColumnKey<DatasetId>>().toExtend<QuantityKey>();
    // Every quantity a dataset's profile measures (codecs/profiles, battery aside) is a column of it.
    type Uncovered = { [I in DatasetId]: Exclude<QuantityOf<Dataset<I>["profile"] & ProfileId>, "battery" | DatasetColumnKey<I>> }[DatasetId];
    expectTypeOf<Uncovered>().toEqualTypeOf<never>();
    expectTypeOf<Api.DatasetFeatureCollection>().toEqualTypeOf<z.output<typeof featureCollection>>();
    expectTypeOf<DatasetCollection<"noise">>().toExtend<z.output<typeof featureCollection>>();
    expectTypeOf<Api.TableSchema>().toEqualTypeOf<z.output<typeof tableSchemaDoc>>();
    expectTypeOf<Api.BulkIndex>().toEqualTypeOf<z.output<typeof bulkIndex>>();
    expectTypeOf<Api.CatalogGraph>().toEqualTypeOf<z.output<typeof jsonLdDocument>>();
    // Values typed by column kind: numbers, booleans, an enum's labels; null when not measured.
    expectTypeOf<DatasetRow<"noise">["sound.laeq"]>().toEqualTypeOf<number | null>();
    expectTypeOf<DatasetRow<"waste">["alarm.lidOpen"]>().toEqualTypeOf<boolean | null>();
    expectTypeOf<DatasetRow<"shared-mobility">["station.status"]>().toEqualTypeOf<"open" | "noRentals" | "noReturns" | "closed" | null>();
  });
});

describe("csvRecords", () => {
  it("reads RFC 4180 records the same however the bytes are split (quotes, commas, line breaks, doubled quotes, UTF-8)", async () => {
    const text = 'time,name,v\r\n2026-01-01T00:00:00Z,"Cours ""Mirabeau"", Aix",1.5\r\n2026-01-01T00:10:00Z,"deux\r\nlignes — é",\r\n2026-01-01T00:20:00Z,"",x';
    const expected = [
      ["time", "name", "v"],
      ["2026-01-01T00:00:00Z", 'Cours "Mirabeau", Aix', "1.5"],
      ["2026-01-01T00:10:00Z", "deux\r\nlignes — é", ""],
      ["2026-01-01T00:20:00Z", "", "x"],
    ];
    const bytes = new TextEncoder().encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.slice(0, cut));
          c.enqueue(bytes.slice(cut));
          c.close();
        },
      });
      const records: string[][] = [];
      for await (const r of csvRecords(body)) records.push(r);
      expect(records, `cut at ${cut}`).toEqual(expected);
    }
  });
});

describe("open data through the SDK, in workerd", () => {
  let aix: SeedDevice;
  let marseille: SeedDevice;
  let hidden: SeedDevice;
  let station: SeedDevice;
  let busy: SeedDevice;
  const MONTH_START = Date.parse("2026-04-01T00:00:00Z");

  beforeAll(async () => {
    const admin = await registry();
    const q = await quantities();
    aix = await addDevice(admin, { profile: "env", public: true, name: 'Air, "Mirabeau"', latitude: 43.5263, longitude: 5.4454 });
    marseille = await addDevice(admin, { profile: "env", public: true, commune: "13055", latitude: 43.2951, longitude: 5.3743 });
    hidden = await addDevice(admin, { profile: "env", public: false });
    station = await addDevice(admin, { profile: "mobility", public: true, commune: "13055", latitude: 43.3026, longitude: 5.3806 });
    // A day of NO2 every 10 minutes (200, 201, … 249, 200 … µg/m³) on each air device; some temperature on aix (12.00 °C, 12.01 …).
    for (const d of [aix, marseille, hidden]) await seedSeries(d.id, q.get("air.no2")!.id, T0, TEN_MIN, 144, 200);
    await seedSeries(aix.id, q.get("air.temperature")!.id, T0, TEN_MIN, 6, 1200);
    await seedSeries(station.id, q.get("vehicles.bike")!.id, Date.now() - 3_600_000, TEN_MIN, 3, 4);
    // A busy month of noise: every 5 minutes for 30 days, 8,640 rows.
    busy = await addDevice(admin, { profile: "noise", public: true });
    await seedSeries(busy.id, q.get("sound.laeq")!.id, MONTH_START, 300_000, 8640, 500);
  });

  it("rows(): the CSV as typed rows, streamed, public devices only, filtered by commune", async () => {
    const rows: DatasetRow<"air-quality">[] = [];
    for await (const row of cigale.open.rows("air-quality", { from: new Date(T0), to: new Date(T0 + 86_400_000) })) rows.push(row);
    expect(rows).toHaveLength(2 * 144);
    expect(new Set(rows.map((r) => r.device))).toEqual(new Set([aix.devEui, marseille.devEui]));
    const first = rows.find((r) => r.device === aix.devEui)!;
    expect(first).toMatchObject({ time: new Date(T0).toISOString(), name: 'Air, "Mirabeau"', commune: "13001", latitude: 43.5263, longitude: 5.4454, "air.no2": 200, "air.temperature": 12, "air.o3": null });
    const inMarseille = [];
    for await (const row of cigale.open.rows("air-quality", { from: new Date(T0), to: new Date(T0 + 3_600_000), commune: "13055" })) inMarseille.push(row.device);
    expect(inMarseille).toEqual(Array(6).fill(marseille.devEui));
  });

  it("rows(): a month streams — the first row is read after one chunk of the file, not the whole of it", async () => {
    let read = 0;
    const counting: typeof fetch = async (input, init) => {
      const response = await selfFetch(input, init);
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          read += chunk.byteLength;
          c.enqueue(chunk);
        },
      });
      return new Response(response.body!.pipeThrough(counter), response);
    };
    const client = createClient({ baseUrl: "http://cigale.test", fetch: counting });
    let rows = 0;
    let atFirstRow = 0;
    for await (const row of client.open.rows("noise", { from: new Date(MONTH_START), to: new Date(MONTH_START + 30 * 86_400_000) })) {
      if (rows === 0) atFirstRow = read;
      rows++;
      expect(row.device).toBe(busy.devEui);
    }
    expect(rows).toBe(8640);
    expect(atFirstRow).toBeGreaterThan(0);
    expect(atFirstRow).toBeLessThan(read / 5);
  });

  it("rows(): stopping early cancels the stream; file() gives the Response to stream elsewhere", async () => {
    let n = 0;
    for await (const _ of cigale.open.rows("air-quality", { from: new Date(T0), to: new Date(T0 + 86_400_000) })) if (++n === 3) break;
    expect(n).toBe(3);
    const response = await cigale.open.file("air-quality", "csv", { from: "2026-02-10", to: "2026-02-11" });
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect((await response.text()).split("\r\n")[0]).toMatch(/^time,device,name,commune,latitude,longitude,air\./);
    expect(cigale.open.latestUrl("waste", { commune: "13055" })).toBe("http://cigale.test/open/datasets/waste/latest.geojson?commune=13055");
    expect(cigale.open.tableSchemaUrl("waste")).toBe("http://cigale.test/open/datasets/waste/tableschema.json");
    expect(cigale.open.fileUrl("noise", "geojson", { from: new Date(T0), commune: "13001" })).toBe(`http://cigale.test/open/datasets/noise.geojson?from=${encodeURIComponent(new Date(T0).toISOString())}&commune=13001`);
  });

  it("geojson(), latest() and tableSchema() are typed by the dataset", async () => {
    const geo = await cigale.open.geojson("air-quality", { from: new Date(T0), to: new Date(T0 + TEN_MIN) });
    expect(geo.features.map((f) => f.properties.device).sort()).toEqual([aix.devEui, marseille.devEui].sort());
    expect(geo.publisher.email).toBe(env.OPEN_DATA_PUBLISHER_EMAIL);
    const latest = await cigale.open.latest("shared-mobility");
    const mine = latest.features.find((f) => f.id === station.devEui)!;
    expect(mine.geometry?.coordinates).toEqual([5.3806, 43.3026]);
    expect(mine.properties["vehicles.bike"]).toBe(6);
    expect(latest.license).toBe("etalab-2.0");
    const schema: TableSchema = await cigale.open.tableSchema("noise");
    expect(schema.fields.map((f) => f.name)).toEqual(["time", "device", "name", "commune", "latitude", "longitude", ...DATASETS.find((d) => d.id === "noise")!.columns.map((c) => c.key)]);
    await expect(cigale.open.rows("nope" as DatasetId).next()).rejects.toMatchObject({ code: "UNKNOWN_DATASET" });
    await expect(cigale.open.rows("air-quality", { from: "2026-01-01", to: "2026-06-01" }).next()).rejects.toMatchObject({ status: 400, code: "INVALID_REQUEST" });
  });

  it("bulk files: index, whole file with ETag, byte ranges, 304 when unchanged, HEAD, typed rows decompressed as they arrive", async () => {
    const day = "2026-02-10";
    const rows = [];
    for await (const row of cigale.open.bulk.rows("air-quality", day)) rows.push(row);
    // The local day (Europe/Paris) 2026-02-09T23:00Z … 2026-02-10T23:00Z holds 138 of each device's 144 readings.
    expect(rows).toHaveLength(2 * 138);
    expect(rows[0]!.time).toBe("2026-02-10T00:00:00.000Z");
    const whole = await cigale.open.bulk.get("air-quality", day);
    expect(whole.status).toBe(200);
    const bytes = new Uint8Array(await new Response(whole.body).arrayBuffer());
    expect(whole.size).toBe(bytes.length);
    expect(whole.etag).toMatch(/^"/);
    const part = await cigale.open.bulk.get("air-quality", day, { range: { offset: 10, length: 20 } });
    expect([part.status, part.range, part.size]).toEqual([206, { offset: 10, length: 20 }, bytes.length]);
    expect(new Uint8Array(await new Response(part.body).arrayBuffer())).toEqual(bytes.slice(10, 30));
    const tail = await cigale.open.bulk.get("air-quality", day, { range: { suffix: 8 } });
    expect(new Uint8Array(await new Response(tail.body).arrayBuffer())).toEqual(bytes.slice(-8));
    const unchanged = await cigale.open.bulk.get("air-quality", day, { ifNoneMatch: whole.etag! });
    expect([unchanged.status, unchanged.body]).toEqual([304, null]);
    const head = await cigale.open.bulk.head("air-quality", day);
    expect([head.status, head.size, head.etag, head.body]).toEqual([200, bytes.length, whole.etag, null]);
    await expect(cigale.open.bulk.get("air-quality", day, { range: { offset: bytes.length + 5 } })).rejects.toMatchObject({ status: 416, code: "RANGE_NOT_SATISFIABLE" });
    const index = await cigale.open.bulk.index("air-quality");
    expect(index.files.map((f) => [f.day, f.bytes, f.etag, f.url])).toEqual([[day, bytes.length, whole.etag, cigale.open.bulk.url("air-quality", day)]]);
    expect(() => cigale.open.bulk.url("air-quality", "10/02/2026")).toThrow(CigaleError);
  });

  it("the DCAT catalog page by page (hydra:next), every dataset once, no private device", async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of cigale.open.catalog.pages({ pageSize: 3 })) {
      pages++;
      for (const node of page["@graph"]) if ([node["@type"]].flat().includes("dcat:Dataset")) seen.push(node["@id"] as string);
      expect(JSON.stringify(page)).not.toContain(hidden.devEui);
    }
    expect(pages).toBe(Math.ceil(DATASETS.length / 3));
    expect(seen.sort()).toEqual(DATASETS.map((d) => `http://cigale.test/open/datasets/${d.id}`).sort());
    expect(cigale.open.catalog.url("ttl")).toBe("http://cigale.test/open/catalog.ttl");
  });

  it("GBFS feeds typed by gbfs-typescript-types", async () => {
    const discovery = await cigale.open.gbfs.discovery();
    expect(discovery.data.feeds.map((f) => f.name)).toContain("station_status");
    const system = await cigale.open.gbfs.systemInformation();
    expect(system.data.feed_contact_email).toBe(env.OPEN_DATA_PUBLISHER_EMAIL);
    const status = await cigale.open.gbfs.stationStatus();
    const s = status.data.stations.find((x) => x.station_id === station.devEui)!;
    expect(s.vehicle_types_available?.find((v) => v.vehicle_type_id === "bike")?.count).toBe(6);
    expect((await cigale.open.gbfs.stationInformation()).data.stations.map((x) => x.station_id)).toEqual([station.devEui]);
    expect((await cigale.open.gbfs.vehicleTypes()).data.vehicle_types.map((v) => v.vehicle_type_id)).toContain("bike");
  });

  it("NGSI-LD: entities of a type with their total, every page, one entity, its temporal evolution", async () => {
    const { entities, total } = await cigale.open.ngsiLd.entities("AirQualityObserved", { keyValues: true, limit: 1 });
    expect([entities.length, total]).toEqual([1, 2]);
    expect(entities[0]!.type).toBe("AirQualityObserved");
    const all = [];
    for await (const e of cigale.open.ngsiLd.all("AirQualityObserved", { pageSize: 1 })) all.push(e.id);
    expect(all.sort()).toEqual([aix, marseille].map((d) => `urn:ngsi-ld:AirQualityObserved:${d.devEui}`).sort());
    const one = await cigale.open.ngsiLd.entity(`urn:ngsi-ld:AirQualityObserved:${aix.devEui}`);
    expect(one["no2"]).toMatchObject({ type: "Property", value: 243 });
    await expect(cigale.open.ngsiLd.entity(`urn:ngsi-ld:AirQualityObserved:${hidden.devEui}`)).rejects.toMatchObject({ status: 404 });
    const temporal = await cigale.open.ngsiLd.temporal(`urn:ngsi-ld:AirQualityObserved:${aix.devEui}`, { from: new Date(T0), to: new Date(T0 + 3 * TEN_MIN) });
    expect((temporal["no2"] as Array<{ value: number }>).map((i) => i.value)).toEqual([200, 201, 202]);
  });
});
