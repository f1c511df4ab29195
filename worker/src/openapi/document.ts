import { z } from "zod";
import worker from "../../package.json" with { type: "json" };
import { errorBodySchema } from "../http/errors.ts";
import { CHIRPSTACK_EVENTS } from "../ingest/chirpstack/parse.ts";
import { SCHEMAS } from "../ingest/chirpstack/schema.ts";
import { ingestAnswer } from "../ingest/routes.ts";
import { ttnMessage } from "../ingest/ttn/parse.ts";
import { openApiParts } from "../open/index.ts";
import { type Body, type Operation, OPERATIONS, type Security } from "./operations.ts";

/**
 * The OpenAPI 3.1 document of the Worker's HTTP API, served at GET /v1/openapi.json. Built from
 * the operations table and the zod schemas the handlers validate with (z.toJSONSchema, draft
 * 2020-12: OpenAPI 3.1's own dialect), once per isolate.
 */

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Json>; securitySchemes: Record<string, Json> };
}

/** A zod schema as JSON Schema: what a request may send (`input`) or what an answer holds (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io });
  return rest;
}

const ref = (kind: "schemas" | "responses", name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** Error statuses: the shared response of each, all with the one error body (http/errors.ts). */
const ERRORS: Record<number, { name: string; description: string; headers?: Json }> = {
  400: {
    name: "BadRequest",
    description:
      "The request cannot be served as sent; error.code says why (INVALID_JSON, INVALID_REQUEST, UNKNOWN_TERRITORY…; ingest: EMPTY_BODY, INVALID_EVENT, INVALID_PROTOBUF, UNKNOWN_EVENT, MISSING_EVENT, UNSUPPORTED_MESSAGE, PAYLOAD_TOO_LONG) and error.message which field to fix. Nothing was stored.",
  },
  401: {
    name: "Unauthorized",
    description:
      "No valid credential: MISSING_CREDENTIALS, INVALID_AUTHORIZATION, MALFORMED_CREDENTIALS (not of the form cig_<kind>_ + 43 characters), INVALID_CREDENTIALS (unknown or revoked), DEV_CREDENTIAL_REFUSED.",
    headers: { "WWW-Authenticate": { schema: { type: "string" }, description: 'Bearer realm="cigale"' } },
  },
  403: {
    name: "Forbidden",
    description:
      "The credential may not do this: WRONG_CREDENTIAL_KIND; admin: OUTSIDE_TERRITORY, TERRITORY_SCOPED_KEY (a territory-scoped admin key). (Ingest never refuses a device: one outside the token's territory or commune is accepted and quarantined OUT_OF_SCOPE.)",
  },
  404: { name: "NotFound", description: "NOT_FOUND (no such resource) or INVALID_PATH (a path parameter of the wrong form)." },
  409: { name: "Conflict", description: "Already exists (…_EXISTS) or still in use (…_NOT_EMPTY, …_IN_USE, LAST_ADMIN_KEY, a device with data deleted without purge)." },
  413: { name: "PayloadTooLarge", description: "BODY_TOO_LARGE: 128 KiB for ingest, 2 MiB for the admin API." },
  415: { name: "UnsupportedMediaType", description: "UNSUPPORTED_MEDIA_TYPE: the Content-Type this route does not read." },
  500: { name: "InternalError", description: "INTERNAL: a fault of the Worker, logged." },
  429: {
    name: "TooManyRequests",
    description: "TOO_MANY_FAILURES: this client address sent too many unknown credentials; retry after Retry-After seconds with a valid one.",
    headers: { "Retry-After": { schema: { type: "integer" }, description: "seconds" } },
  },
  503: {
    name: "Unavailable",
    description: "STORAGE_UNAVAILABLE: D1 (or, for ingest, both the queue and the spool) could not be reached; nothing was kept.",
    headers: { "Retry-After": { schema: { type: "integer" }, description: "seconds" } },
  },
};

const SUCCESS: Record<Operation["ok"], string> = { 200: "OK", 201: "Created", 202: "Kept: in the ingest queue (accepted) or in the R2 spool (deferred)", 204: "Done, no content" };

const SECURITY_SCHEMES: Record<Exclude<Security, "public">, Json> = {
  ingestToken: { type: "http", scheme: "bearer", description: "An ingest token (POST /v1/admin/ingest-tokens), scoped to a territory or a commune." },
  adminKey: { type: "http", scheme: "bearer", description: "An admin key (POST /v1/admin/admin-keys; the first with worker/scripts/create-admin-key.ts)." },
};

const chirpstackSchemaName = (kind: string) => `Chirpstack${kind[0]!.toUpperCase()}${kind.slice(1)}Event`;

/** The statuses a route answers: its own, and those that follow from what it reads and its credential. */
export function statusesOf(op: Operation): number[] {
  const all = new Set<number>([op.ok, ...(op.also ?? [])]);
  if (op.body) for (const s of [400, 413, 415]) all.add(s);
  if (op.query) all.add(400);
  if (op.params) all.add(404);
  if (op.security !== "public") for (const s of [401, 403, 429, 500, 503]) all.add(s);
  return [...all].sort((a, b) => a - b);
}

function parameters(op: Operation): Json[] {
  const path = Object.entries(op.params ?? {}).map(([name, schema]) => ({ name, in: "path", required: true, schema: jsonSchema(schema) }));
  if (!op.query) return path;
  const q = jsonSchema(op.query) as { properties?: Record<string, Json>; required?: string[] };
  const query = Object.entries(q.properties ?? {}).map(([name, schema]) => ({ name, in: "query", required: (q.required ?? []).includes(name), schema }));
  return [...path, ...query];
}

function requestBody(body: Body): Json {
  switch (body.kind) {
    case "json":
      return { required: true, content: { "application/json": { schema: jsonSchema(body.schema) } } };
    case "chirpstack":
      return {
        required: true,
        description: "The integration event named by ?event=, in proto3 JSON or as the protobuf bytes of integration.*Event.",
        content: {
          "application/json": { schema: { anyOf: CHIRPSTACK_EVENTS.map((k) => ref("schemas", chirpstackSchemaName(k))) } },
          "application/octet-stream": { schema: { type: "string", format: "binary" } },
        },
      };
    case "ttn":
      return { required: true, content: { "application/json": { schema: ref("schemas", "TtnMessage") } } };
    case "csv":
      return { required: true, description: body.description, content: { "text/csv": { schema: { type: "string" } } } };
  }
}

function responses(op: Operation): Json {
  const out: Json = {};
  for (const status of statusesOf(op)) {
    if (status === op.ok) {
      out[String(status)] =
        status === 204
          ? { description: SUCCESS[204] }
          : { description: SUCCESS[op.ok], content: { "application/json": { schema: status === 202 ? ref("schemas", "IngestAnswer") : { type: "object" } } } };
    } else {
      const error = ERRORS[status];
      if (!error) throw new Error(`${op.method} ${op.path}: no shared response for status ${status}`);
      out[String(status)] = ref("responses", error.name);
    }
  }
  return out;
}

/** get /v1/admin/devices/{devEui}/uplinks → getAdminDevicesDevEuiUplinks */
function operationId(op: Operation): string {
  const words = op.path.split(/[/{}.-]+/).filter((w) => w !== "" && w !== "v1");
  return op.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

function operation(op: Operation): Json {
  const params = parameters(op);
  return {
    operationId: operationId(op),
    summary: op.summary,
    tags: [op.security === "public" ? "service" : op.security === "ingestToken" ? "ingest" : "admin"],
    security: op.security === "public" ? [] : [{ [op.security]: [] }],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.body ? { requestBody: requestBody(op.body) } : {}),
    responses: responses(op),
  };
}

export function buildDocument(operations: readonly Operation[] = OPERATIONS): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operation(op);
  const schemas: Record<string, Json> = {
    Error: jsonSchema(errorBodySchema, "output"),
    IngestAnswer: jsonSchema(ingestAnswer, "output"),
    TtnMessage: jsonSchema(ttnMessage),
  };
  for (const kind of CHIRPSTACK_EVENTS) schemas[chirpstackSchemaName(kind)] = jsonSchema(SCHEMAS[kind]);
  // Open data (worker/src/open) documents itself with @hono/zod-openapi.
  const open = openApiParts();
  Object.assign(paths, open.paths);
  Object.assign(schemas, open.schemas);
  const responses = Object.fromEntries(
    Object.values(ERRORS).map((e) => [e.name, { description: e.description, ...(e.headers ? { headers: e.headers } : {}), content: { "application/json": { schema: ref("schemas", "Error") } } }]),
  );
  return {
    openapi: "3.1.1",
    info: {
      title: "Cigale API",
      version: worker.version,
      description: "Ingest for LoRaWAN network servers (ChirpStack v4, The Things Stack v3) and the admin API of the Cigale Worker. Reference with storage and durability notes: worker/README.md.",
    },
    paths,
    components: { schemas, responses, securitySchemes: SECURITY_SCHEMES },
  };
}

let built: OpenApiDocument | undefined;

/** The document, built on the first request this isolate serves and kept. */
export function openApiDocument(): OpenApiDocument {
  built ??= buildDocument();
  return built;
}
