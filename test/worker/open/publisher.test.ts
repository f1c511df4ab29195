import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../../worker/src/index.ts";
import { ConfigError, publisherOf } from "../../../worker/src/open/publisher.ts";
import { BASE } from "../helpers/http.ts";
import { Graph, jsonLdTriples, literal, NS } from "./rdf-helpers.ts";
import { addDevice, registry } from "./seed.ts";

/**
 * The publisher of the open data is the deployment's configuration (wrangler.toml [vars]): the
 * catalog, GBFS, the Table Schema and the GeoJSON files say what the vars say, and a Worker with a
 * missing or malformed var refuses with a message that names it.
 */

const { dct, foaf, vcard, dcat } = NS;
const OTHER = {
  OPEN_DATA_PUBLISHER_NAME: "Région Sud — Service de la donnée",
  OPEN_DATA_PUBLISHER_NAME_EN: "Région Sud — Data office",
  OPEN_DATA_PUBLISHER_URL: "https://data.region-sud.example/",
  OPEN_DATA_PUBLISHER_EMAIL: "donnees@region-sud.example",
};

async function get(path: string, vars: Partial<Record<keyof typeof OTHER, string>> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${BASE}${path}`), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function catalogGraph(vars: Partial<Record<keyof typeof OTHER, string>> = {}): Promise<Graph> {
  const r = await get("/open/catalog.jsonld", vars);
  expect(r.status).toBe(200);
  return new Graph(await jsonLdTriples(await r.json()));
}

describe("the open data's publisher comes from the vars", () => {
  beforeAll(async () => {
    await addDevice(await registry(), { profile: "mobility", public: true });
  });

  it("changing the vars changes the catalog's publisher and contact point (read as RDF)", async () => {
    const catalogIri = `${BASE}/open/catalog`;
    const local = await catalogGraph();
    const other = await catalogGraph(OTHER);
    for (const [g, vars] of [
      [local, env],
      [other, OTHER],
    ] as const) {
      const publisher = g.one(catalogIri, `${dct}publisher`)!;
      expect(g.ofType(`${foaf}Agent`)).toContain(publisher);
      expect(g.objects(publisher, `${foaf}name`).map(literal).sort((a, b) => (a.lang! < b.lang! ? -1 : 1))).toEqual([
        { value: vars.OPEN_DATA_PUBLISHER_NAME_EN, lang: "en" },
        { value: vars.OPEN_DATA_PUBLISHER_NAME, lang: "fr" },
      ]);
      expect(g.one(publisher, `${foaf}homepage`)).toBe(vars.OPEN_DATA_PUBLISHER_URL);
      expect(g.one(publisher, `${foaf}mbox`)).toBe(`mailto:${vars.OPEN_DATA_PUBLISHER_EMAIL}`);
      expect(g.one(catalogIri, `${foaf}homepage`)).toBe(vars.OPEN_DATA_PUBLISHER_URL);
      const contact = g.one(catalogIri, `${dcat}contactPoint`)!;
      expect(g.one(contact, `${vcard}hasEmail`)).toBe(`mailto:${vars.OPEN_DATA_PUBLISHER_EMAIL}`);
      expect(g.one(contact, `${vcard}hasURL`)).toBe(vars.OPEN_DATA_PUBLISHER_URL);
      expect(literal(g.one(contact, `${vcard}fn`)!).value).toBe(vars.OPEN_DATA_PUBLISHER_NAME);
      // Every dataset points at that publisher and contact.
      for (const d of g.ofType(`${dcat}Dataset`)) {
        expect(g.one(d, `${dct}publisher`)).toBe(publisher);
        expect(g.one(d, `${dcat}contactPoint`)).toBe(contact);
      }
    }
    // Nothing of the local values is left in the other graph.
    const text = JSON.stringify(other.triples);
    expect(text).not.toContain(env.OPEN_DATA_PUBLISHER_EMAIL);
    expect(text).not.toContain(env.OPEN_DATA_PUBLISHER_URL);
  });

  it("GBFS system_information, the Table Schema and the GeoJSON files say the same", async () => {
    const system = (await (await get("/gbfs/system_information.json", OTHER)).json()) as { data: Record<string, unknown> };
    expect(system.data["feed_contact_email"]).toBe(OTHER.OPEN_DATA_PUBLISHER_EMAIL);
    expect(system.data["url"]).toBe(OTHER.OPEN_DATA_PUBLISHER_URL);
    expect(system.data["operator"]).toEqual([
      { language: "fr", text: OTHER.OPEN_DATA_PUBLISHER_NAME },
      { language: "en", text: OTHER.OPEN_DATA_PUBLISHER_NAME_EN },
    ]);
    const schema = (await (await get("/open/datasets/noise/tableschema.json", OTHER)).json()) as { contributors: unknown[] };
    expect(schema.contributors).toEqual([{ title: OTHER.OPEN_DATA_PUBLISHER_NAME, email: OTHER.OPEN_DATA_PUBLISHER_EMAIL, path: OTHER.OPEN_DATA_PUBLISHER_URL, role: "author" }]);
    const member = { name: OTHER.OPEN_DATA_PUBLISHER_NAME, url: OTHER.OPEN_DATA_PUBLISHER_URL, email: OTHER.OPEN_DATA_PUBLISHER_EMAIL };
    expect(((await (await get("/open/datasets/shared-mobility/latest.geojson", OTHER)).json()) as { publisher: unknown }).publisher).toEqual(member);
    expect(((await (await get("/open/datasets/shared-mobility.geojson", OTHER)).json()) as { publisher: unknown }).publisher).toEqual(member);
  });

  it("the English name defaults to the French one", () => {
    expect(publisherOf({ ...OTHER, OPEN_DATA_PUBLISHER_NAME_EN: "" }).name).toEqual({ fr: OTHER.OPEN_DATA_PUBLISHER_NAME, en: OTHER.OPEN_DATA_PUBLISHER_NAME });
  });

  it("a missing or malformed var: 500 MISCONFIGURED naming it, on every surface that publishes the publisher", async () => {
    const cases: Array<[Partial<Record<keyof typeof OTHER, string>>, RegExp]> = [
      [{ ...OTHER, OPEN_DATA_PUBLISHER_NAME: "" }, /OPEN_DATA_PUBLISHER_NAME is not set/],
      [{ ...OTHER, OPEN_DATA_PUBLISHER_URL: "cigale.example" }, /OPEN_DATA_PUBLISHER_URL must be an absolute http\(s\) URL/],
      [{ ...OTHER, OPEN_DATA_PUBLISHER_URL: "ftp://cigale.example/" }, /OPEN_DATA_PUBLISHER_URL must be an absolute http\(s\) URL/],
      [{ ...OTHER, OPEN_DATA_PUBLISHER_EMAIL: "Open Data <opendata@cigale.example>" }, /OPEN_DATA_PUBLISHER_EMAIL must be one e-mail address/],
      [{ ...OTHER, OPEN_DATA_PUBLISHER_EMAIL: "" }, /OPEN_DATA_PUBLISHER_EMAIL is not set/],
      [{ ...OTHER, OPEN_DATA_PUBLISHER_NAME: "two\nlines" }, /OPEN_DATA_PUBLISHER_NAME must be one line/],
    ];
    for (const [vars, message] of cases) {
      expect(() => publisherOf(vars as never)).toThrow(ConfigError);
      for (const path of ["/open/catalog.jsonld", "/open/catalog.ttl", "/gbfs/system_information.json", "/open/datasets/noise/tableschema.json", "/open/datasets/noise/latest.geojson", "/open/datasets/noise.geojson"]) {
        const r = await get(path, vars);
        expect(r.status, `${path} ${JSON.stringify(vars)}`).toBe(500);
        const body = (await r.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("MISCONFIGURED");
        expect(body.error.message, path).toMatch(message);
        expect(body.error.message).toContain("wrangler.toml [vars]");
      }
    }
    // A route that publishes no publisher still answers.
    expect((await get("/gbfs/station_status.json", { OPEN_DATA_PUBLISHER_EMAIL: "" })).status).toBe(200);
  });
});
