import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deviceListQuery } from "../../../worker/src/api/devices.ts";
import { deviceCreate } from "../../../worker/src/api/schemas.ts";
import { devEuiParam } from "../../../worker/src/api/validate.ts";
import { createApp } from "../../../worker/src/app.ts";
import { openApiDocument } from "../../../worker/src/openapi/document.ts";
import { chirpstackUp, newDevEui, ttnUplink } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer, request } from "../helpers/http.ts";
import { bootstrapAdmin, type Registry, setUpRegistry } from "../helpers/registry.ts";

/** The test registry, set up by whichever test needs it first (they may run in any order). */
let registry: Promise<Registry> | undefined;
const sharedRegistry = () => (registry ??= setUpRegistry());

/** GET /v1/openapi.json: a document of every route the app serves, generated from the routes' own definitions. */

type Json = Record<string, any>;

const app = createApp();
const doc = openApiDocument(app) as unknown as Json;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every documented operation as "METHOD /path", with its operation object. */
const operations: [string, Json][] = Object.entries(doc["paths"] as Record<string, Json>).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m] !== undefined).map((m): [string, Json] => [`${m.toUpperCase()} ${path}`, item[m]]),
);
const operation = (key: string): Json => {
  const found = operations.find(([k]) => k === key);
  if (!found) throw new Error(`${key} is not documented`);
  return found[1];
};

/** The app's routes in OpenAPI form; `use("*")` middleware (method ALL, path ending in *) is not a route. */
function servedRoutes(): string[] {
  const routes = app.routes.filter((r) => !(r.method === "ALL" && r.path.endsWith("*")))
    .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
  return [...new Set(routes)].sort();
}

/** A JSON pointer ("#/components/schemas/Error") into the document. */
function resolve(pointer: string): unknown {
  return pointer
    .slice(2)
    .split("/")
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

/** A documented response, through its $ref if it has one. */
const response = (r: Json): Json => (typeof r["$ref"] === "string" ? (resolve(r["$ref"]) as Json) : r);

const SAMPLE_PARAMS: Record<string, string> = { code: "amp", insee: "13001", devEui: "0000000000000001", id: "1", file: "air-quality.csv", dataset: "air-quality", day: "2026-01-15.csv.gz" };
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? `missing-sample-for-${name}`);

describe("the OpenAPI document", () => {
  it("is an OpenAPI 3.1 document whose references all resolve", () => {
    expect(doc["openapi"]).toMatch(/^3\.1\.\d+$/);
    expect(doc["info"]).toMatchObject({ title: expect.any(String), version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(operations.length).toBeGreaterThan(30);
    expect(doc["components"]["securitySchemes"]).toEqual({
      ingestToken: expect.objectContaining({ type: "http", scheme: "bearer" }),
      adminKey: expect.objectContaining({ type: "http", scheme: "bearer" }),
      readKey: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(resolve(ref), ref).toBeDefined();
    const ids = operations.map(([, op]) => op["operationId"]);
    expect(new Set(ids).size, "operationIds are unique").toBe(ids.length);
    // A JSON Schema dialect marker stays out of the embedded schemas (OpenAPI 3.1 sets the dialect).
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it("documents every route the app serves, and only those", () => {
    expect(operations.map(([k]) => k).sort()).toEqual(servedRoutes());
  });

  it("declares each path parameter of each path, required", () => {
    for (const [key, op] of operations) {
      const inPath = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = ((op["parameters"] ?? []) as Json[]).filter((p) => p["in"] === "path");
      expect(declared.map((p) => p["name"]).sort(), key).toEqual(inPath);
      for (const p of declared) expect(p["required"], `${key} ${p["name"]}`).toBe(true);
    }
  });

  it("takes request schemas from the zod schemas the handlers validate with", () => {
    const body = operation("POST /v1/admin/devices")["requestBody"]["content"]["application/json"]["schema"] as Json;
    expect(body["required"]).toEqual(expect.arrayContaining(["devEui", "name", "commune"]));
    expect(body["additionalProperties"]).toBe(false);
    expect(Object.keys(body["properties"]).sort()).toEqual(Object.keys(deviceCreate.shape).sort());
    // The documented pattern accepts exactly what the handler accepts.
    const pattern = new RegExp(body["properties"]["devEui"]["pattern"]);
    for (const eui of ["70b3d57ed0001234", "70B3D57ED0001234", "70b3d57ed000123", "70b3d57ed000123g", "", "0x70b3d57ed00012"]) {
      expect(pattern.test(eui), eui).toBe(devEuiParam.safeParse(eui).success);
    }

    const query = (operation("GET /v1/admin/devices")["parameters"] as Json[]).filter((p) => p["in"] === "query");
    expect(query.map((p) => p["name"]).sort()).toEqual(Object.keys(deviceListQuery.shape).sort());
    expect(query.every((p) => p["required"] === false)).toBe(true);
    expect(query.find((p) => p["name"] === "limit")?.["schema"]).toMatchObject({ type: "integer", minimum: 1, maximum: 1000, default: 100 });

    const chirpstack = operation("POST /v1/ingest/chirpstack");
    expect(chirpstack["parameters"]).toEqual([
      { name: "event", in: "query", required: true, schema: expect.objectContaining({ enum: ["up", "join", "status", "ack", "txack", "log", "location"] }) },
    ]);
    expect(Object.keys(chirpstack["requestBody"]["content"]).sort()).toEqual(["application/json", "application/octet-stream"]);
    const up = resolve("#/components/schemas/ChirpstackUpEvent") as Json;
    expect(up["required"]).toContain("deviceInfo");
    expect(Object.keys(operation("POST /v1/ingest/ttn")["requestBody"]["content"])).toEqual(["application/json"]);
    expect(Object.keys(operation("POST /v1/admin/devices/import")["requestBody"]["content"])).toEqual(["text/csv"]);
  });

  it("documents the credential, the answers and the one error body of each route", () => {
    const error = resolve("#/components/schemas/Error") as Json;
    expect(error).toMatchObject({ type: "object", required: ["error"], properties: { error: { required: ["code", "message"] } } });
    for (const [key, op] of operations) {
      const statuses = Object.keys(op["responses"]).map(Number);
      expect(statuses.filter((s) => s >= 200 && s < 300), key).toHaveLength(1);
      for (const status of statuses.filter((s) => s >= 400)) {
        expect(response(op["responses"][String(status)])["content"]["application/json"]["schema"], `${key} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
      }
      const [, path] = key.split(" ") as [string, string];
      const scheme = path.startsWith("/v1/ingest/") ? "ingestToken" : path.startsWith("/v1/admin/") ? "adminKey" : null;
      // Public reads: anonymous or a read key; the service and open data: no credential.
      const publicRead = /^\/v1\/(communes|devices|indicators|alerts)\b/.test(path);
      expect(op["security"], key).toEqual(scheme ? [{ [scheme]: [] }] : publicRead ? [{}, { readKey: [] }] : []);
      if (scheme) expect(statuses, key).toEqual(expect.arrayContaining([401, 403, 429, 503]));
    }
    for (const key of ["POST /v1/ingest/chirpstack", "POST /v1/ingest/ttn"]) {
      expect(Object.keys(operation(key)["responses"]).map(Number), key).toEqual([202, 400, 401, 403, 413, 415, 429, 500, 503]);
      expect(operation(key)["responses"]["202"]["content"]["application/json"]["schema"]).toEqual({ $ref: "#/components/schemas/IngestAnswer" });
    }
    const [kept, ignored] = (resolve("#/components/schemas/IngestAnswer") as { anyOf: unknown[] }).anyOf;
    expect(kept).toMatchObject({
      required: ["result", "event", "devEui", "time"],
      properties: { result: { enum: ["accepted", "deferred"] }, message: { type: "string" } },
    });
    expect(ignored).toMatchObject({ required: ["result", "messageType", "devEui", "time", "message"], properties: { result: { const: "ignored" } } });
    expect(Object.keys(operation("DELETE /v1/admin/admin-keys/{id}")["responses"])).toEqual(expect.arrayContaining(["200", "404", "409"]));
    expect(Object.keys(operation("POST /v1/admin/territories")["responses"])).toEqual(expect.arrayContaining(["201", "400", "409", "413", "415"]));
  });
});

describe("the documented credentials and answers are the app's", () => {
  it("each secured route answers 401 with the error body without a credential, each public one without", async () => {
    for (const [key, op] of operations) {
      const [method, path] = key.split(" ") as [string, string];
      const security = op["security"] as Json[];
      if (security.length === 0 || security.some((s) => Object.keys(s).length === 0)) {
        // A public route may still want a parameter (an indicator needs commune or device): never 401, never 5xx.
        const response = await exports.default.fetch(request(method, concrete(path)));
        await response.arrayBuffer();
        expect(response.status, key).not.toBe(401);
        expect(response.status, key).toBeLessThan(500);
      } else {
        const r = await call<ErrorAnswer>(method, concrete(path));
        expect([r.status, r.body.error.code], key).toEqual([401, "MISSING_CREDENTIALS"]);
        expect(Object.keys(r.body.error).sort(), key).toEqual(["code", "message"]);
        expect(op["responses"]["401"], key).toBeDefined();
      }
    }
  });

  it("an admin key on an ingest route is the documented 403", async () => {
    const admin = await bootstrapAdmin();
    for (const path of ["/v1/ingest/chirpstack", "/v1/ingest/ttn"]) {
      expect(response(operation(`POST ${path}`)["responses"]["403"])["content"]["application/json"]["schema"], path).toEqual({ $ref: "#/components/schemas/Error" });
      const r = await call<ErrorAnswer>("POST", `${path}?event=up`, { token: admin, json: {} });
      expect([r.status, r.body.error.code], path).toEqual([403, "WRONG_CREDENTIAL_KIND"]);
    }
  });

  it("an ingest answer has the documented shape", async () => {
    const { ingest } = await sharedRegistry();
    const r = await call("POST", "/v1/ingest/chirpstack?event=up", { token: ingest, json: chirpstackUp({ devEui: newDevEui() }) });
    expect(r.status).toBe(202);
    const schema = (resolve("#/components/schemas/IngestAnswer") as Json)["anyOf"][0] as Json;
    expect(Object.keys(r.body).filter((k) => !(k in schema["properties"])), "undocumented fields").toEqual([]);
    for (const k of schema["required"] as string[]) expect(r.body, k).toHaveProperty(k);
    expect(schema["properties"]["result"]["enum"]).toContain(r.body["result"]);
    expect(schema["properties"]["event"]["enum"]).toContain(r.body["event"]);
    expect(new Date(r.body["time"] as string).toISOString()).toBe(r.body["time"]);
  });

  it("an 'ignored' ingest answer has the documented shape", async () => {
    const { ingest } = await sharedRegistry();
    const r = await call("POST", "/v1/ingest/ttn", { token: ingest, json: { ...ttnUplink({ devEui: newDevEui() }), simulated: true } });
    expect(r.status).toBe(202);
    const schema = (resolve("#/components/schemas/IngestAnswer") as Json)["anyOf"][1] as Json;
    expect(Object.keys(r.body).filter((k) => !(k in schema["properties"])), "undocumented fields").toEqual([]);
    for (const k of schema["required"] as string[]) expect(r.body, k).toHaveProperty(k);
    expect(r.body["result"]).toBe(schema["properties"]["result"]["const"]);
  });
});

describe("GET /v1/openapi.json", () => {
  it("is served without credentials, as JSON, built once per app", async () => {
    const r = await call("GET", "/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json\b/);
    expect(r.body).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(openApiDocument(app)).toBe(openApiDocument(app));
  });

  it("is rendered at /docs/api", async () => {
    const response = await exports.default.fetch(new Request("http://cigale.test/docs/api"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("/v1/openapi.json");
    expect(html).toContain("Cigale API");
  });
});
