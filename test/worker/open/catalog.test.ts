import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DATASETS } from "../../../worker/src/open/datasets.ts";
import { LICENCE } from "../../../worker/src/open/licence.ts";
import { BASE } from "../helpers/http.ts";
import { Graph, jsonLdTriples, literal, NS, turtleTriples } from "./rdf-helpers.ts";
import { addDevice, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/**
 * The DCAT-AP catalog, read as RDF the way data.gouv.fr's udata DCAT harvester and a DCAT-AP
 * validator read it: each requirement checked on the parsed graph, never on the text.
 */

const T0 = Date.parse("2026-02-01T00:00:00Z");
const { dcat, dct, foaf, vcard, locn, hydra, xsd, dcatap } = NS;

async function fetchText(path: string, init: RequestInit = {}): Promise<{ status: number; type: string; text: string; headers: Headers }> {
  const r = await exports.default.fetch(new Request(`${BASE}${path}`, init));
  return { status: r.status, type: r.headers.get("content-type") ?? "", text: await r.text(), headers: r.headers };
}

describe("DCAT-AP catalog", () => {
  let graph: Graph;
  let hidden: SeedDevice;

  beforeAll(async () => {
    const admin = await registry();
    const q = await quantities();
    const a = await addDevice(admin, { profile: "env", public: true, latitude: 43.5297, longitude: 5.4474 });
    const b = await addDevice(admin, { profile: "env", public: true, commune: "13055", latitude: 43.2965, longitude: 5.3698 });
    // A private device far away (Paris): neither its position nor its data may shape the catalog.
    hidden = await addDevice(admin, { profile: "env", public: false, latitude: 48.85, longitude: 2.35 });
    await seedSeries(a.id, q.get("air.no2")!.id, T0, 600_000, 10, 20);
    await seedSeries(b.id, q.get("air.no2")!.id, T0 + 3_600_000, 600_000, 10, 20);
    await seedSeries(hidden.id, q.get("air.no2")!.id, T0 - 86_400_000, 600_000, 10, 20);
    await addDevice(admin, { profile: "noise", public: true });
    const r = await fetchText("/open/catalog.jsonld");
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/ld\+json/);
    graph = new Graph(await jsonLdTriples(JSON.parse(r.text)));
  });

  it("JSON-LD is self-contained (inline @context, no fetch) and says exactly what the Turtle says", async () => {
    const doc = JSON.parse((await fetchText("/open/catalog.jsonld")).text) as Record<string, unknown>;
    expect(typeof doc["@context"]).toBe("object");
    const ttl = await fetchText("/open/catalog.ttl");
    expect(ttl.type).toBe("text/turtle; charset=utf-8");
    const fromTurtle = new Graph(turtleTriples(ttl.text));
    // The Hydra view names its own serialization's URL; everything else is the same graph.
    const strip = (g: Graph) => new Set([...g.keys()].map((k) => k.replaceAll("catalog.ttl", "catalog.X").replaceAll("catalog.jsonld", "catalog.X")));
    expect(strip(fromTurtle)).toEqual(strip(graph));
    expect(graph.triples.length).toBeGreaterThan(200);
  });

  it("one dcat:Catalog listing every dataset, with publisher, licence and its data services", () => {
    const [catalog, ...others] = graph.ofType(`${dcat}Catalog`);
    expect(others).toEqual([]);
    expect(graph.objects(catalog!, `${dcat}dataset`).sort()).toEqual(DATASETS.map((d) => `${BASE}/open/datasets/${d.id}`).sort());
    expect(graph.objects(catalog!, `${dct}title`).map((t) => literal(t).lang).sort()).toEqual(["en", "fr"]);
    expect(graph.one(catalog!, `${dct}license`)).toBe(LICENCE.url);
    expect(graph.objects(catalog!, `${dcat}service`).length).toBeGreaterThan(0);
  });

  it("every dataset has what udata and DCAT-AP require: identifier, fr/en title and description, keywords, themes, publisher, contact, frequency, licence", () => {
    const datasets = graph.ofType(`${dcat}Dataset`);
    expect(datasets).toHaveLength(DATASETS.length);
    for (const d of datasets) {
      // udata skips a dataset without dct:identifier or dct:title.
      const ids = graph.objects(d, `${dct}identifier`);
      expect(ids, d).toHaveLength(1);
      expect(literal(ids[0]!).value).toBe(d);
      for (const p of [`${dct}title`, `${dct}description`]) expect(graph.objects(d, p).map((t) => literal(t).lang).sort(), `${d} ${p}`).toEqual(["en", "fr"]);
      const keywords = graph.objects(d, `${dcat}keyword`).map(literal);
      expect(keywords.filter((k) => k.lang === "fr").length, d).toBeGreaterThan(0);
      expect(keywords.filter((k) => k.lang === "en").length, d).toBeGreaterThan(0);
      const themes = graph.objects(d, `${dcat}theme`);
      expect(themes.length, d).toBeGreaterThan(0);
      for (const t of themes) expect(t).toMatch(/^http:\/\/publications\.europa\.eu\/resource\/authority\/data-theme\/[A-Z]{4}$/);
      const publisher = graph.one(d, `${dct}publisher`)!;
      expect(graph.ofType(`${foaf}Agent`)).toContain(publisher);
      expect(graph.objects(publisher, `${foaf}name`).length).toBeGreaterThan(0);
      const contact = graph.one(d, `${dcat}contactPoint`)!;
      expect(graph.ofType(`${vcard}Kind`)).toContain(contact);
      expect(graph.one(contact, `${vcard}hasEmail`)).toMatch(/^mailto:/);
      expect(graph.one(d, `${dct}accrualPeriodicity`)).toBe("http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT");
      // udata matches the licence by URL (its id lov2); the document names its SPDX id too.
      expect(graph.objects(d, `${dct}license`)).toEqual([LICENCE.url]);
      expect(literal(graph.one(LICENCE.url, `${dct}identifier`)!).value).toBe("etalab-2.0");
      expect(graph.objects(d, `${dct}conformsTo`)).toEqual([`${d}/tableschema.json`]);
    }
  });

  it("coverage in time and space, issued and modified, from public devices only", () => {
    const air = `${BASE}/open/datasets/air-quality`;
    const temporal = graph.one(air, `${dct}temporal`)!;
    expect(graph.ofType(`${dct}PeriodOfTime`)).toContain(temporal);
    expect(literal(graph.one(temporal, `${dcat}startDate`)!)).toEqual({ value: new Date(T0).toISOString(), datatype: `${xsd}dateTime` });
    expect(literal(graph.one(temporal, `${dcat}endDate`)!)).toEqual({ value: new Date(T0 + 3_600_000 + 9 * 600_000).toISOString(), datatype: `${xsd}dateTime` });
    const spatial = graph.one(air, `${dct}spatial`)!;
    const geometry = literal(graph.one(spatial, `${locn}geometry`)!);
    // udata reads locn:geometry as a GeoJSON literal of this datatype, Polygon or MultiPolygon only.
    expect(geometry.datatype).toBe("https://www.iana.org/assignments/media-types/application/vnd.geo+json");
    const polygon = JSON.parse(geometry.value) as { type: string; coordinates: number[][][] };
    expect(polygon.type).toBe("Polygon");
    const ring = polygon.coordinates[0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    const lats = ring.map((p) => p[1]!);
    expect(Math.max(...lats)).toBeCloseTo(43.5297, 4);
    expect(Math.min(...lats)).toBeCloseTo(43.2965, 4);
    for (const p of ["issued", "modified"]) expect(literal(graph.one(air, `${dct}${p}`)!).datatype, p).toBe(`${xsd}dateTime`);
    expect(JSON.stringify(graph.triples)).not.toContain(hidden.devEui);
    // A dataset without data has no invented coverage.
    expect(graph.objects(`${BASE}/open/datasets/waste`, `${dct}temporal`)).toEqual([]);
  });

  it("distributions: a URL udata can take (downloadURL or accessURL), media type, format and licence; APIs through a DataService", () => {
    for (const d of graph.ofType(`${dcat}Dataset`)) {
      const dists = graph.objects(d, `${dcat}distribution`);
      expect(dists.length, d).toBeGreaterThanOrEqual(5);
      for (const x of dists) {
        expect(graph.ofType(`${dcat}Distribution`)).toContain(x);
        expect(graph.objects(x, `${dcat}accessURL`).length, x).toBe(1);
        expect(graph.one(x, `${dcat}mediaType`), x).toMatch(/^http:\/\/www\.iana\.org\/assignments\/media-types\/[a-z]+\/[a-z0-9.+-]+$/);
        expect(graph.one(x, `${dct}format`), x).toMatch(/^http:\/\/publications\.europa\.eu\/resource\/authority\/file-type\/[A-Z]+$/);
        expect(graph.one(x, `${dct}license`), x).toBe(LICENCE.url);
        expect(graph.objects(x, `${dct}title`).length, x).toBe(2);
      }
      const csv = dists.find((x) => x.endsWith("#csv"))!;
      expect(graph.one(csv, `${dcat}downloadURL`)).toBe(`${d}.csv`);
      const api = dists.filter((x) => graph.objects(x, `${dcat}accessService`).length > 0);
      expect(api.length, d).toBeGreaterThan(0);
      for (const x of api) {
        const service = graph.one(x, `${dcat}accessService`)!;
        expect(graph.ofType(`${dcat}DataService`)).toContain(service);
        expect(graph.objects(service, `${dcat}endpointURL`).length).toBe(1);
        expect(graph.objects(service, `${dcat}servesDataset`)).toContain(d);
        expect(graph.objects(service, `${dct}identifier`).length).toBe(1);
      }
    }
  });

  it("high-value datasets name the regulation and their HVD category", () => {
    const air = `${BASE}/open/datasets/air-quality`;
    expect(graph.one(air, `${dcatap}applicableLegislation`)).toBe("http://data.europa.eu/eli/reg_impl/2023/138/oj");
    expect(graph.one(air, `${dcatap}hvdCategory`)).toBe("http://data.europa.eu/bna/c_dd313021");
    expect(graph.objects(`${BASE}/open/datasets/footfall`, `${dcatap}hvdCategory`)).toEqual([]);
  });

  it("Hydra paging: following hydra:next of the PartialCollectionView (as udata does) visits every dataset once", async () => {
    let url: string | undefined = `${BASE}/open/catalog.ttl?pageSize=3`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const r = await fetchText(url.slice(BASE.length));
      expect(r.status, url).toBe(200);
      const g = new Graph(turtleTriples(r.text));
      seen.push(...g.ofType(`${dcat}Dataset`));
      const [view] = g.ofType(`${hydra}PartialCollectionView`);
      expect(view, url).toBeDefined();
      expect(literal(g.one(view!, `${hydra}totalItems`)!).value).toBe(String(DATASETS.length));
      url = g.one(view!, `${hydra}next`);
      pages += 1;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(Math.ceil(DATASETS.length / 3));
    expect(seen.sort()).toEqual(DATASETS.map((d) => `${BASE}/open/datasets/${d.id}`).sort());
    expect((await fetchText("/open/catalog.ttl?pageSize=3&page=9")).status).toBe(404);
    expect((await fetchText("/open/catalog.ttl?pageSize=0")).status).toBe(400);
  });

  it("content negotiation at /open/catalog, and HEAD answers the Content-Type a harvester detects the format from", async () => {
    for (const [accept, type] of [
      ["text/turtle", /^text\/turtle/],
      ["application/ld+json", /^application\/ld\+json/],
      ["application/ld+json;q=0.5, text/turtle", /^text\/turtle/],
      ["text/turtle;q=0.2, application/ld+json;q=0.9", /^application\/ld\+json/],
      ["*/*", /^application\/ld\+json/],
    ] as const) {
      const head = await exports.default.fetch(new Request(`${BASE}/open/catalog`, { method: "HEAD", headers: { Accept: accept } }));
      expect(head.status, accept).toBe(200);
      expect(head.headers.get("content-type"), accept).toMatch(type);
      expect(await head.text(), accept).toBe("");
      const get = await fetchText("/open/catalog", { headers: { Accept: accept } });
      expect(get.type, accept).toMatch(type);
      expect(get.headers.get("vary")).toContain("Accept");
    }
    const ttl = await fetchText("/open/catalog", { headers: { Accept: "text/turtle" } });
    expect(new Graph(turtleTriples(ttl.text)).ofType(`${dcat}Dataset`)).toHaveLength(DATASETS.length);
  });
});
