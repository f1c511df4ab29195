import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_KEY, errors, json, jsonBody, jsonGuard, routes, SECURED } from "../http/openapi.ts";
import { quantityIndex } from "../ingest/decode/readings.ts";
import { redecodeQuarantine, redecodeUplinks } from "../ingest/redecode.ts";
import { countSpool, drainSpool, listSpool } from "../ingest/spool.ts";
import { iso } from "../store/db.ts";
import { countOpenQuarantine, listQuarantined } from "../store/quarantine.ts";
import { countUplinks } from "../store/uplinks.ts";
import { codecId, profileId } from "./schemas.ts";
import { devEuiParam, flag, isoTime, limit } from "./validate.ts";
import { quarantineAnswer, quarantineView } from "./views.ts";

/** Operating ingest: where accepted events are, the quarantine, re-decoding, the spool, the quantity table. */
export const ingestOpsRoutes = routes();

const tags = ["admin"];

export const statusQuery = z.object({ count: flag.default(false) });

/**
 * GET /v1/admin/ingest/status: what is still on its way to D1 — the ingest queue's backlog
 * (messages not yet handed to the consumer; the batch being stored and messages waiting for a
 * retry are not counted) and the spool. `?count=true` adds the stored uplinks and the open
 * quarantine: full-table counts, for benchmarks and small deployments.
 */
const statusAnswer = z.object({
  queue: z.union([
    z.object({ backlog: z.number().int(), backlogBytes: z.number().int(), oldestMessageAt: z.iso.datetime().nullable() }),
    z.object({ error: z.string() }),
  ]),
  spool: z.object({ entries: z.number().int(), more: z.boolean() }),
  stored: z.object({ uplinks: z.number().int(), quarantined: z.number().int() }).nullable(),
});

ingestOpsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/ingest/status",
    summary: "What is still on its way to D1: queue backlog, spool (?count=true adds stored counts)",
    tags,
    security: ADMIN_KEY,
    request: { query: statusQuery },
    responses: { 200: json(statusAnswer, "Backlog and spool"), ...errors(400, ...SECURED) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    let queue: z.input<typeof statusAnswer>["queue"];
    try {
      const m = await c.env.INGEST_QUEUE.metrics();
      queue = { backlog: m.backlogCount, backlogBytes: m.backlogBytes, oldestMessageAt: m.oldestMessageTimestamp ? iso(new Date(m.oldestMessageTimestamp).getTime()) : null };
    } catch (error) {
      queue = { error: error instanceof Error ? error.message : String(error) };
    }
    const spool = await countSpool(c.env.SPOOL);
    const stored = q.count ? { uplinks: await countUplinks(c.env.DB), quarantined: await countOpenQuarantine(c.env.DB) } : null;
    return c.json({ queue, spool, stored }, 200);
  },
);

export const quarantineQuery = z.object({
  devEui: devEuiParam.optional(),
  reason: z.string().optional(),
  all: flag.default(false),
  after: z.coerce.number().int().nonnegative().optional(),
  limit: limit(1000, 100),
});

ingestOpsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/quarantine",
    summary: "Quarantined events with their reason, one page",
    tags,
    security: ADMIN_KEY,
    request: { query: quarantineQuery },
    responses: { 200: json(z.object({ quarantine: z.array(quarantineAnswer), next: z.number().int().nullable() }), "One page"), ...errors(400, ...SECURED) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listQuarantined(c.env.DB, { open: !q.all, devEui: q.devEui, reasonCode: q.reason, after: q.after, limit: q.limit });
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined;
    return c.json({ quarantine: rows.map(quarantineView), next: last ? last.id : null }, 200);
  },
);

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
const redecodeAnswer = z.union([
  z.object({ events: z.number().int(), stored: z.number().int(), duplicate: z.number().int(), stillQuarantined: z.number().int(), next: z.number().int().nullable() }),
  z.object({ uplinks: z.number().int(), decoded: z.number().int(), failed: z.number().int(), readings: z.number().int(), next: z.string().nullable() }),
]);

ingestOpsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/redecode",
    summary: "Process quarantined events again, or decode stored uplinks again; one page per call",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { body: jsonBody(redecodeBody) },
    responses: { 200: json(redecodeAnswer, "What this page did; `next` continues"), ...errors(400, 413, 415, ...SECURED) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    if (body.quarantine === true) {
      return c.json(await redecodeQuarantine(c.env.DB, body, Date.now()), 200);
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
    return c.json(report, 200);
  },
);

export const spoolQuery = z.object({
  cursor: z.string().optional(),
  limit: limit(1000, 100),
  /** The entries moved aside (spool-aside/: failed for a reason other than an outage), instead of those waiting for the drain. */
  aside: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
});

const spoolAnswer = z.object({
  entries: z.array(
    z.object({ key: z.string(), size: z.number().int(), uploadedAt: z.number().int().describe("epoch ms"), attempts: z.number().int(), reason: z.string().nullable(), lastError: z.string().nullable() }),
  ),
  cursor: z.string().nullable(),
});

ingestOpsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/spool",
    summary: "Entries of the ingest fallback (R2 spool)",
    tags,
    security: ADMIN_KEY,
    request: { query: spoolQuery },
    responses: { 200: json(spoolAnswer, "One page; `cursor` continues"), ...errors(400, ...SECURED) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    return c.json(await listSpool(c.env.SPOOL, q.limit, q.cursor, q.aside), 200);
  },
);

/** Replays the spool now instead of waiting for the cron trigger. */
ingestOpsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/spool/drain",
    summary: "Replay the spool into D1 now",
    tags,
    security: ADMIN_KEY,
    responses: {
      200: json(
        z.object({ stored: z.number().int(), duplicate: z.number().int(), quarantined: z.number().int(), failed: z.number().int(), remaining: z.boolean() }),
        "What the replay did",
      ),
      ...errors(...SECURED),
    },
  }),
  async (c) => c.json(await drainSpool(c.env.DB, c.env.SPOOL), 200),
);

/** The quantity table: id, key, unit and how values are stored (enum labels by index). */
export const quantityAnswer = z.object({
  id: z.number().int(),
  key: z.string(),
  unit: z.string(),
  encoding: z.enum(["number", "boolean", "enum", "version"]),
  labels: z.array(z.string()).readonly().nullable(),
  decimals: z.number().int(),
});

ingestOpsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/quantities",
    summary: "The quantity table: id, key, unit, encoding, labels, decimals",
    tags,
    security: ADMIN_KEY,
    responses: { 200: json(z.object({ quantities: z.array(quantityAnswer) }), "Every quantity"), ...errors(...SECURED) },
  }),
  async (c) => c.json({ quantities: [...(await quantityIndex(c.env.DB)).values()] }, 200),
);
