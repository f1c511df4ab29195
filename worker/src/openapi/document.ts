import type { OpenAPIHono } from "@hono/zod-openapi";
import worker from "../../package.json" with { type: "json" };
import { createApp } from "../app.ts";
import { READ_KEY_OPTIONAL } from "../http/openapi.ts";
import type { AppEnv } from "../http/types.ts";

/**
 * The OpenAPI 3.1 document of the Worker's HTTP API, served at GET /v1/openapi.json: generated
 * from the routes' own definitions (`createRoute`: path, parameters, body, every answer), the
 * same zod schemas that validate requests and type the handlers' answers. Built once per app.
 */

export type OpenApiDocument = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;

const INFO = {
  title: "Cigale API",
  version: worker.version,
  description:
    "The Cigale Worker's HTTP API: public reads of sensor data (no key for public devices; a read key for private ones), ingest for LoRaWAN network servers (ChirpStack v4, The Things Stack v3) and the admin API. Reference with storage and durability notes: worker/README.md; typed client: @cigale/sdk.",
};

const TAGS = [
  { name: "public", description: "Sensor data, for everyone: public devices without a key, private ones with a read:private key." },
  { name: "ingest", description: "For network servers, with an ingest token." },
  { name: "admin", description: "The registry and ingest operations, with an admin key." },
  { name: "service", description: "The service itself." },
];

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** get /v1/admin/devices/{devEui}/uplinks → getAdminDevicesDevEuiUplinks, for routes that do not name themselves. */
function operationId(method: string, path: string): string {
  const words = path.split(/[/{}.-]+/).filter((w) => w !== "" && w !== "v1");
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

/** Public read routes take an optional read key; other routes without a credential take none (service, open data). */
const READ_PREFIXES = ["/v1/communes", "/v1/devices", "/v1/indicators", "/v1/alerts"];

/** Operation ids and credentials for the routes whose definitions leave them out. */
function complete(doc: OpenApiDocument): OpenApiDocument {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.operationId ??= operationId(method, path);
      op.security ??= READ_PREFIXES.some((p) => path.startsWith(p)) ? READ_KEY_OPTIONAL : [];
    }
  }
  return doc;
}

const built = new WeakMap<object, OpenApiDocument>();

let appOfThisIsolate: OpenAPIHono<AppEnv> | undefined;

/** The document of `app` (default: an app as index.ts serves it), generated on first use and kept. */
export function openApiDocument(app: OpenAPIHono<AppEnv> = (appOfThisIsolate ??= createApp())): OpenApiDocument {
  let doc = built.get(app);
  if (!doc) {
    doc = complete(app.getOpenAPI31Document({ openapi: "3.1.1", info: INFO, tags: TAGS }));
    built.set(app, doc);
  }
  return doc;
}
