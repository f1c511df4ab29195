import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/types.ts";
import { quantityIndex } from "../ingest/decode/readings.ts";
import { redecodeQuarantine, redecodeUplinks } from "../ingest/redecode.ts";
import { countSpool, drainSpool, listSpool } from "../ingest/spool.ts";
import { iso } from "../store/db.ts";
import { countOpenQuarantine, listQuarantined } from "../store/quarantine.ts";
import { countUplinks } from "../store/uplinks.ts";
import { codecId, profileId } from "./schemas.ts";
import { devEuiParam, flag, isoTime, jsonBody, limit, query } from "./validate.ts";
import { quarantineView } from "./views.ts";

/** Operating ingest: where accepted events are, the quarantine, re-decoding, the spool, the quantity table. */
export const ingestOpsRoutes = new Hono<AppEnv>();

export const statusQuery = z.object({ count: flag.default(false) });

/**
 * GET /v1/admin/ingest/status: what is still on its way to D1 — the ingest queue's backlog
 * (messages not yet handed to the consumer; the batch being stored and messages waiting for a
 * retry are not counted) and the spool. `?count=true` adds the stored uplinks and the open
 * quarantine: full-table counts, for benchmarks and small deployments.
 */
ingestOpsRoutes.get("/ingest/status", async (c) => {
  const q = query(c, statusQuery);
  let queue: Record<string, unknown>;
  try {
    const m = await c.env.INGEST_QUEUE.metrics();
    queue = { backlog: m.backlogCount, backlogBytes: m.backlogBytes, oldestMessageAt: m.oldestMessageTimestamp ? iso(new Date(m.oldestMessageTimestamp).getTime()) : null };
  } catch (error) {
    queue = { error: error instanceof Error ? error.message : String(error) };
  }
  const spool = await countSpool(c.env.SPOOL);
  const stored = q.count ? { uplinks: await countUplinks(c.env.DB), quarantined: await countOpenQuarantine(c.env.DB) } : null;
  return c.json({ queue, spool, stored });
});

export const quarantineQuery = z.object({
  devEui: devEuiParam.optional(),
  reason: z.string().optional(),
  all: flag.default(false),
  after: z.coerce.number().int().nonnegative().optional(),
  limit: limit(1000, 100),
});

ingestOpsRoutes.get("/quarantine", async (c) => {
  const q = query(c, quarantineQuery);
  const rows = await listQuarantined(c.env.DB, { open: !q.all, devEui: q.devEui, reasonCode: q.reason, after: q.after, limit: q.limit });
  const last = rows.length === q.limit ? rows[rows.length - 1] : undefined;
  return c.json({ quarantine: rows.map(quarantineView), next: last ? last.id : null });
});

export const redecodeBody = z.union([
  z
    .object({
      quarantine: z.literal(true),
      devEui: devEuiParam.optional(),
      after: z.number().int().nonnegative().optional(),
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(),
  z
    .object({
      quarantine: z.literal(false).optional(),
      devEui: devEuiParam.optional(),
      profile: profileId.optional(),
      codec: codecId.optional(),
      from: isoTime.optional(),
      to: isoTime.optional(),
      failedOnly: z.boolean().default(false),
      after: z.string().regex(/^\d+:\d+:\d+$/, { error: 'expected the "next" value of the previous answer' }).optional(),
      limit: z.number().int().min(1).max(500).default(200),
    })
    .strict(),
]);

/**
 * POST /v1/admin/redecode
 * - `{"quarantine": true, "devEui"?}`: process quarantined events again;
 * - `{"devEui"?, "profile"?, "codec"?, "from"?, "to"?, "failedOnly"?}`: decode stored uplinks again.
 * One page per call; repeat with `"after": next` until `next` is null. Idempotent.
 */
ingestOpsRoutes.post("/redecode", async (c) => {
  const body = await jsonBody(c, redecodeBody);
  if (body.quarantine === true) {
    return c.json(await redecodeQuarantine(c.env.DB, body, Date.now()));
  }
  const [deviceId, time, fCnt] = body.after ? body.after.split(":").map(Number) : [];
  const report = await redecodeUplinks(c.env.DB, {
    devEui: body.devEui,
    profile: body.profile,
    codec: body.codec,
    from: body.from ?? 0,
    to: body.to ?? 8_640_000_000_000_000,
    failedOnly: body.failedOnly,
    after: deviceId !== undefined && time !== undefined && fCnt !== undefined ? { deviceId, time, fCnt } : undefined,
    limit: body.limit,
  });
  return c.json(report);
});

export const spoolQuery = z.object({
  cursor: z.string().optional(),
  limit: limit(1000, 100),
  /** The entries moved aside (spool-aside/: failed for a reason other than an outage), instead of those waiting for the drain. */
  aside: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
});

ingestOpsRoutes.get("/spool", async (c) => {
  const q = query(c, spoolQuery);
  return c.json(await listSpool(c.env.SPOOL, q.limit, q.cursor, q.aside));
});

/** Replays the spool now instead of waiting for the cron trigger. */
ingestOpsRoutes.post("/spool/drain", async (c) => c.json(await drainSpool(c.env.DB, c.env.SPOOL)));

/** The quantity table: id, key, unit and how values are stored (enum labels by index). */
ingestOpsRoutes.get("/quantities", async (c) => c.json({ quantities: [...(await quantityIndex(c.env.DB)).values()] }));
