import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { errorBodySchema } from "../http/errors.ts";
import type { AppEnv } from "../http/types.ts";
import { type AuditEntry, insertAuditEntry, listAuditEntries } from "../store/audit.ts";
import { iso } from "../store/db.ts";
import { openApiRouter } from "./openapi-router.ts";
import { isoTime } from "./validate.ts";

/**
 * The audit trail of the admin API. Every admin write that succeeds (any method but GET, HEAD and
 * OPTIONS answered below 400) is recorded by `auditWrites`, whatever the route, so that a new
 * route cannot forget it: who (the admin key's id and prefix), what (`action` = method and route
 * pattern, e.g. "DELETE /v1/admin/devices/:devEui"; `target` = the request path; `details` = the
 * answer's status, the query, a JSON body up to 8 KiB, and what the handler adds with
 * `c.set("audit", …)`), when. Read it at GET /v1/admin/audit.
 */

const MAX_BODY_IN_DETAILS = 8 * 1024;
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

async function requestDetails(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<Record<string, unknown>> {
  const details: Record<string, unknown> = { status: c.res.status };
  const query = c.req.query();
  if (Object.keys(query).length > 0) details["query"] = query;
  const type = c.req.header("content-type") ?? "";
  const length = Number(c.req.header("content-length") ?? "NaN");
  if (/^application\/json/i.test(type)) {
    try {
      const text = await c.req.text();
      details["body"] = text.length <= MAX_BODY_IN_DETAILS ? (JSON.parse(text) as unknown) : { bytes: text.length };
    } catch {
      // A body the handler refused would not be here (status < 400); one already consumed raw is left out.
    }
  } else if (type !== "") {
    details["body"] = { contentType: type, ...(Number.isFinite(length) ? { bytes: length } : {}) };
  }
  return details;
}

/** Records each successful admin write; mounted on /v1/admin after the admin key is verified. */
export function auditWrites(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (READS.has(c.req.method) || c.res.status >= 400 || c.error) return;
    const admin = c.get("admin");
    const note = c.get("audit");
    const entry: Omit<AuditEntry, "id"> = {
      at: Date.now(),
      adminKeyId: admin.id,
      adminKeyPrefix: admin.prefix,
      action: `${c.req.method} ${routePath(c, -1)}`,
      target: note?.target ?? c.req.path,
      territory: note?.territory !== undefined ? note.territory : admin.territory,
      details: { ...(await requestDetails(c)), ...note?.details },
    };
    try {
      await insertAuditEntry(c.env.DB, entry);
    } catch (error) {
      // The write itself is done; its record is kept in the Worker's logs rather than failing the answer.
      console.error("audit entry not stored:", JSON.stringify(entry), error);
    }
  };
}

export const auditRoutes = openApiRouter();

const entryView = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  adminKey: z.object({ id: z.number().int().nullable(), prefix: z.string() }),
  action: z.string().describe('method and route pattern, e.g. "POST /v1/admin/api-keys"'),
  target: z.string().nullable(),
  territory: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

const toView = (e: AuditEntry): z.infer<typeof entryView> => ({
  id: e.id,
  at: iso(e.at) as string,
  adminKey: { id: e.adminKeyId, prefix: e.adminKeyPrefix },
  action: e.action,
  target: e.target,
  territory: e.territory,
  details: e.details,
});

export const auditQuery = z
  .object({
    action: z.string().min(1).max(200).optional().describe('exact action, e.g. "DELETE /v1/admin/devices/:devEui"'),
    since: isoTime.optional().describe("ISO 8601 date or date-time: entries at or after it"),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .regex(/^\d+$/, { error: "expected the `next` value of the previous page" })
      .transform(Number)
      .optional(),
  })
  .strict();

const list = createRoute({
  method: "get",
  path: "/audit",
  summary: "The audit trail of admin writes, newest first (a territory-scoped key sees its territory's)",
  security: [{ adminKey: [] }],
  request: { query: auditQuery },
  responses: {
    200: {
      description: "One page; `next` is the cursor of the following one (null: last page)",
      content: { "application/json": { schema: z.object({ entries: z.array(entryView), next: z.string().nullable() }) } },
    },
    ...Object.fromEntries([400, 401, 403, 429, 503].map((s) => [s, { description: "see error.code", content: { "application/json": { schema: errorBodySchema } } }])),
  },
});

auditRoutes.openapi(list, async (c) => {
  const q = c.req.valid("query");
  const entries = await listAuditEntries(c.env.DB, { action: q.action, since: q.since, territory: c.get("admin").territory, before: q.cursor, limit: q.limit + 1 });
  const page = entries.slice(0, q.limit);
  return c.json({ entries: page.map(toView), next: entries.length > q.limit ? String(page[page.length - 1]!.id) : null }, 200);
});
