import { Hono } from "hono";
import type { Context } from "hono";
import { bearerToken } from "../auth/bearer.ts";
import { verifyIngestToken } from "../auth/credentials.ts";
import type { AppEnv } from "../http/types.ts";
import { iso } from "../store/db.ts";
import { type Accepted, acceptEvent } from "./accept.ts";
import { bodyFormat, readBody } from "./body.ts";
import { chirpstackKind, parseChirpstack } from "./chirpstack/parse.ts";
import { parseTtn } from "./ttn/parse.ts";

/**
 * POST /v1/ingest/chirpstack?event=… (ChirpStack v4 HTTP integration, JSON or protobuf) and
 * POST /v1/ingest/ttn (The Things Stack webhook, JSON). Each reads: authenticate → check the
 * request → parse → accept (store, quarantine or spool) → answer fast.
 */
export const ingestRoutes = new Hono<AppEnv>();

ingestRoutes.post("/chirpstack", async (c) => {
  const now = Date.now();
  const scope = await verifyIngestToken(c.env, bearerToken(c.req.header("authorization"), "ingest token"), now);
  const kind = chirpstackKind(c.req.query("event"));
  const format = bodyFormat(c.req.header("content-type"), ["json", "protobuf"]);
  const event = parseChirpstack(kind, format, await readBody(c.req.raw), now);
  return answer(c, await acceptEvent(c.env, event, scope, now));
});

ingestRoutes.post("/ttn", async (c) => {
  const now = Date.now();
  const scope = await verifyIngestToken(c.env, bearerToken(c.req.header("authorization"), "ingest token"), now);
  bodyFormat(c.req.header("content-type"), ["json"]);
  const event = parseTtn(await readBody(c.req.raw), now);
  return answer(c, await acceptEvent(c.env, event, scope, now));
});

/** 200 stored or duplicate; 202 quarantined or deferred (kept, not yet stored as readings). */
function answer(c: Context<AppEnv>, a: Accepted): Response {
  const head = { result: a.result, event: a.kind, devEui: a.devEui, time: iso(a.time) };
  switch (a.result) {
    case "stored":
      return c.json({ ...head, readings: a.readings, ...(a.decode ? { decode: a.decode } : {}) }, 200);
    case "duplicate":
      return c.json(head, 200);
    case "quarantined":
      return c.json({ ...head, reason: a.reason }, 202);
    case "deferred":
      return c.json({ ...head, message: a.message }, 202);
  }
}
