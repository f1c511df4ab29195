import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { presentedCredential } from "../auth/bearer.ts";
import { verifyIngestToken } from "../auth/credentials.ts";
import type { AppEnv } from "../http/types.ts";
import { type Accepted, acceptEvent } from "./accept.ts";
import { bodyFormat, readBody } from "./body.ts";
import { chirpstackKind, parseChirpstack } from "./chirpstack/parse.ts";
import { EVENT_KINDS } from "./event.ts";
import { type IgnoredMessage, parseTtn } from "./ttn/parse.ts";

/**
 * POST /v1/ingest/chirpstack?event=… (ChirpStack v4 HTTP integration, JSON or protobuf) and
 * POST /v1/ingest/ttn (The Things Stack webhook, JSON). Each reads: authenticate → check the
 * request → parse → queue → answer. No D1 round trip on this path once the token is cached:
 * finding the device, checking it is in the token's scope, storing, deduplicating and decoding
 * happen in the queue consumer, against the registry as it is then. The route never refuses a
 * device from what its isolate remembers of the registry: ChirpStack never retries, so a 403
 * from a stale entry (a device moved since) would lose the uplink.
 */
export const ingestRoutes = new Hono<AppEnv>();

ingestRoutes.post("/chirpstack", async (c) => {
  const now = Date.now();
  const scope = await verifyIngestToken(c.env, presentedCredential(c, "ingest token"), now);
  const kind = chirpstackKind(c.req.query("event"));
  const format = bodyFormat(c.req.header("content-type"), ["json", "protobuf"]);
  const event = parseChirpstack(kind, format, await readBody(c.req.raw), now);
  return answer(c, await acceptEvent(c.env, event, scope, now));
});

ingestRoutes.post("/ttn", async (c) => {
  const now = Date.now();
  const scope = await verifyIngestToken(c.env, presentedCredential(c, "ingest token"), now);
  bodyFormat(c.req.header("content-type"), ["json"]);
  const message = parseTtn(await readBody(c.req.raw), now);
  if (message.ignored) return ignored(c, message.ignored);
  return answer(c, await acceptEvent(c.env, message.event, scope, now));
});

/**
 * The 202 answer of both routes: accepted or deferred (`message` says why), or — The Things
 * Stack only — ignored: a message that carries no measurement (`messageType`, `message` says
 * which webhook setting to change), kept nowhere.
 */
export const ingestAnswer = z.union([
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
]);

/** 202 either way: accepted (in the ingest queue) or deferred (in the R2 spool). */
function answer(c: Context<AppEnv>, a: Accepted): Response {
  const head = { result: a.result, event: a.kind, devEui: a.devEui, time: new Date(a.time).toISOString() };
  return c.json((a.message === undefined ? head : { ...head, message: a.message }) satisfies z.input<typeof ingestAnswer>, 202);
}

function ignored(c: Context<AppEnv>, m: IgnoredMessage): Response {
  const body = { result: "ignored" as const, messageType: m.messageType, devEui: m.devEui, time: new Date(m.time).toISOString(), message: m.message };
  return c.json(body satisfies z.input<typeof ingestAnswer>, 202);
}
