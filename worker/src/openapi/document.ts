import type { OpenAPIHono } from "@hono/zod-openapi";
import worker from "../../package.json" with { type: "json" };
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

function nameOperations(doc: OpenApiDocument): OpenApiDocument {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op && !op.operationId) op.operationId = operationId(method, path);
    }
  }
  return doc;
}

const built = new WeakMap<object, OpenApiDocument>();

/** The document of `app`, generated on the first request and kept. */
export function openApiDocument(app: OpenAPIHono<AppEnv>): OpenApiDocument {
  let doc = built.get(app);
  if (!doc) {
    doc = nameOperations(app.getOpenAPI31Document({ openapi: "3.1.1", info: INFO, tags: TAGS }));
    built.set(app, doc);
  }
  return doc;
}
