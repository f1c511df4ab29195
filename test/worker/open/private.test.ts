import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { writeDailyBulk } from "../../../worker/src/open/bulk.ts";
import { DATASETS } from "../../../worker/src/open/datasets.ts";
import { ENTITY_TYPES } from "../../../worker/src/open/ngsi-ld.ts";
import { openApiDocument } from "../../../worker/src/openapi/document.ts";
import { BASE } from "../helpers/http.ts";
import { addDevice, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/**
 * Private devices reach no open surface. One public and one private device of every use case, both
 * with readings; then every open route the OpenAPI document lists (files, latest, Table Schema,
 * catalog, bulk, GBFS, NGSI-LD) is called with every value of its parameters, and no answer may
 * name a private device, by DevEUI or by name.
 */

const DAY = "2026-06-10";
const T = Date.parse("2026-06-10T10:00:00Z");

async function body(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const r = await exports.default.fetch(new Request(`${BASE}${path}`, { headers }));
  const bytes = await r.arrayBuffer();
  const gzip = (r.headers.get("content-type") ?? "").startsWith("application/gzip");
  const text = gzip ? await new Response(new Response(bytes).body!.pipeThrough(new DecompressionStream("gzip"))).text() : new TextDecoder().decode(bytes);
  return { status: r.status, text };
}

describe("private devices appear on no open surface", () => {
  const publics: SeedDevice[] = [];
  const privates: SeedDevice[] = [];

  beforeAll(async () => {
    const admin = await registry();
    const q = await quantities();
    for (const d of DATASETS) {
      for (const isPublic of [true, false]) {
        const device = await addDevice(admin, { profile: d.profile, public: isPublic, name: `${isPublic ? "public" : "SECRET"} ${d.id}` });
        (isPublic ? publics : privates).push(device);
        for (const c of d.columns.slice(0, 3)) await seedSeries(device.id, q.get(c.key)!.id, T, 600_000, 6, c.kind === "number" ? 10 : 0);
      }
    }
    // A private building meter too: no dataset, but its data must not leak either.
    privates.push(await addDevice(admin, { profile: "meter", public: false, name: "SECRET meter" }));
    await writeDailyBulk(env, DAY);
  });

  it("walks every documented open route with every parameter value", async () => {
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: { enum?: string[] } }> }>> };
    const openPaths = Object.keys(doc.paths).filter((p) => /^\/(open|gbfs|ngsi-ld)\//.test(p) && doc.paths[p]!["get"]);
    expect(openPaths.length).toBeGreaterThanOrEqual(15);
    const entityIds = [...publics, ...privates].flatMap((d) => ENTITY_TYPES.map((t) => encodeURIComponent(`urn:ngsi-ld:${t}:${d.devEui}`)));
    const samples: Record<string, string[]> = {
      dataset: DATASETS.map((d) => d.id),
      file: DATASETS.flatMap((d) => [`${d.id}.csv`, `${d.id}.geojson`]),
      day: [`${DAY}.csv.gz`],
      entityId: entityIds,
    };
    const window = `from=${DAY}T00:00:00Z&to=${DAY}T23:00:00Z`;
    const queries: Record<string, string[]> = {
      "/open/datasets/{file}": [window],
      "/ngsi-ld/v1/entities": [...ENTITY_TYPES.map((t) => `type=${t}&limit=1000`), ...ENTITY_TYPES.map((t) => `type=${t}&limit=1000&options=keyValues`)],
      "/ngsi-ld/v1/temporal/entities/{entityId}": [`timerel=between&timeAt=${DAY}T00:00:00Z&endTimeAt=${DAY}T23:00:00Z`],
      "/open/catalog": ["", "pageSize=2&page=2"],
    };
    const secrets = privates.flatMap((d) => [d.devEui, `SECRET`]);
    let calls = 0;
    let publicSeen = 0;
    for (const path of openPaths) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      let concrete = [path];
      for (const name of names) concrete = concrete.flatMap((p) => (samples[name] ?? [`missing-${name}`]).map((v) => p.replace(`{${name}}`, v)));
      for (const url of concrete) {
        for (const query of queries[path] ?? [""]) {
          for (const accept of path === "/open/catalog" ? ["text/turtle", "application/ld+json"] : ["*/*"]) {
            const r = await body(`${url}${query ? `?${query}` : ""}`, { Accept: accept });
            calls += 1;
            expect(r.status, `${url}?${query}`).toBeLessThan(500);
            for (const secret of secrets) expect(r.text.includes(secret), `${url}?${query} names ${secret}`).toBe(false);
            if (publics.some((d) => r.text.includes(d.devEui))) publicSeen += 1;
          }
        }
      }
    }
    // The walk did see data: the public twins of the private devices are all over it.
    expect(calls).toBeGreaterThan(100);
    expect(publicSeen).toBeGreaterThan(30);
  });
});
