import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { presentedCredential } from "../auth/bearer.ts";
import { verifyIngestToken } from "../auth/credentials.ts";
import { errors, INGEST_TOKEN, json, routes, SECURED } from "../http/openapi.ts";
import type { AppEnv } from "../http/types.ts";
import { type Accepted, acceptEvent } from "./accept.ts";
import { bodyFormat, readBody } from "./body.ts";
import { CHIRPSTACK_EVENTS, chirpstackKind, chirpstackQuery, parseChirpstack } from "./chirpstack/parse.ts";
import { SCHEMAS } from "./chirpstack/schema.ts";
import { EVENT_KINDS } from "./event.ts";
import type { Scope } from "./scope.ts";
import { type IgnoredMessage, parseTtn, ttnMessage } from "./ttn/parse.ts";

/**
 * POST /v1/ingest/chirpstack?event=… (ChirpStack v4 HTTP integration, JSON or protobuf) and
 * POST /v1/ingest/ttn (The Things Stack webhook, JSON). Each reads: authenticate → check the
 * request → parse → queue → answer. No D1 round trip on this path once the token is cached:
 * finding the device, checking it is in the token's scope, storing, deduplicating and decoding
 * happen in the queue consumer, against the registry as it is then. The route never refuses a
 * device from what its isolate remembers of the registry: ChirpStack never retries, so a 403
 * from a stale entry (a device moved since) would lose the uplink.
 *
 * The bodies are documented, not validated by the router: ingest reads the raw bytes itself
 * (size limit while reading, JSON or protobuf by Content-Type) and parses them with the
 * ChirpStack and TTS schemas, whose JSON Schema is what the document shows.
 */
export const ingestRoutes = routes();

/**
 * The 202 answer of both routes: accepted or deferred (`message` says why), or — The Things
 * Stack only — ignored: a message that carries no measurement (`messageType`, `message` says
 * which webhook setting to change), kept nowhere.
 */
export const ingestAnswer = z
  .union([
    z.object({
      result: z.enum(["accepted", "deferred"]),
      event: z.enum(EVENT_KINDS),
      devEui: z.string(),
      time: z.iso.datetime(),
      message: z.string().optional(),
    }),
    z.object({
      result: z.literal("ignored"),
      messageType: z.string(),
      devEui: z.string(),
      time: z.iso.datetime(),
      message: z.string(),
    }),
  ])
  .openapi("IngestAnswer");

type SchemaComponent = Parameters<typeof ingestRoutes.openAPIRegistry.registerComponent<"schemas">>[2];

/** A JSON Schema component from a zod schema the parser uses (what a request may send). */
function documentSchema(name: string, schema: z.ZodType): { $ref: string } {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input" });
  // JSON Schema 2020-12 is OpenAPI 3.1's schema dialect; the generator's type is narrower.
  ingestRoutes.openAPIRegistry.registerComponent("schemas", name, rest as SchemaComponent);
  return { $ref: `#/components/schemas/${name}` };
}

const chirpstackEvents = CHIRPSTACK_EVENTS.map((kind) => documentSchema(`Chirpstack${kind[0]!.toUpperCase()}${kind.slice(1)}Event`, SCHEMAS[kind]));
const ttnSchema = documentSchema("TtnMessage", ttnMessage);

/** Authenticates the ingest token before anything else is looked at, and hands its scope to the handler. */
function ingestToken(): MiddlewareHandler<AppEnv & { Variables: { scope: Scope } }> {
  return async (c, next) => {
    c.set("scope", await verifyIngestToken(c.env, presentedCredential(c, "ingest token"), Date.now()));
    await next();
  };
}

const answers = { 202: json(ingestAnswer, "Kept: in the ingest queue (accepted) or in the R2 spool (deferred)"), ...errors(400, 413, 415, ...SECURED) };

ingestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/chirpstack",
    summary: "ChirpStack v4 HTTP integration event (proto3 JSON or protobuf), queued for storage",
    tags: ["ingest"],
    security: INGEST_TOKEN,
    middleware: [ingestToken()] as const,
    request: {
      query: chirpstackQuery,
      body: {
        required: true,
        description: "The integration event named by ?event=, in proto3 JSON or as the protobuf bytes of integration.*Event.",
        content: {
          "application/json": { schema: { anyOf: chirpstackEvents } },
          "application/octet-stream": { schema: { type: "string", format: "binary" } },
        },
      },
    },
    responses: answers,
  }),
  async (c) => {
    const now = Date.now();
    const kind = c.req.valid("query").event;
    const format = bodyFormat(c.req.header("content-type"), ["json", "protobuf"]);
    const event = parseChirpstack(kind, format, await readBody(c.req.raw), now);
    return answer(c, await acceptEvent(c.env, event, c.var.scope, now, waitUntilOf(c)));
  },
  // A missing or unknown ?event= keeps ingest's own codes (MISSING_EVENT, UNKNOWN_EVENT).
  (result, c) => {
    if (!result.success) chirpstackKind(c.req.query("event"));
  },
);

ingestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/ttn",
    summary: "The Things Stack v3 webhook message (uplink_message → up, join_accept → join), queued for storage",
    tags: ["ingest"],
    security: INGEST_TOKEN,
    middleware: [ingestToken()] as const,
    request: { body: { required: true, content: { "application/json": { schema: ttnSchema } } } },
    responses: answers,
  }),
  async (c) => {
    const now = Date.now();
    bodyFormat(c.req.header("content-type"), ["json"]);
    const message = parseTtn(await readBody(c.req.raw), now);
    if (message.ignored) return ignored(c, message.ignored);
    return answer(c, await acceptEvent(c.env, message.event, c.var.scope, now, waitUntilOf(c)));
  },
);

/** The request's waitUntil; null when the app is called without an execution context (some tests). */
function waitUntilOf(c: Context): ((promise: Promise<unknown>) => void) | null {
  try {
    const ctx = c.executionCtx;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    return null;
  }
}

/** 202 either way: accepted (in the ingest queue) or deferred (in the R2 spool). */
function answer(c: Context, a: Accepted) {
  const head = { result: a.result, event: a.kind, devEui: a.devEui, time: new Date(a.time).toISOString() };
  return c.json((a.message === undefined ? head : { ...head, message: a.message }) satisfies z.input<typeof ingestAnswer>, 202);
}

/** 202 ignored: a The Things Stack message without a measurement, kept nowhere. */
function ignored(c: Context, m: IgnoredMessage) {
  const body = { result: "ignored" as const, messageType: m.messageType, devEui: m.devEui, time: new Date(m.time).toISOString(), message: m.message };
  return c.json(body satisfies z.input<typeof ingestAnswer>, 202);
}
