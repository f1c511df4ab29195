import { createRoute, z } from "@hono/zod-openapi";
import { administers, credentialLimit } from "../auth/admin-scope.ts";
import { forgetCredentials } from "../auth/credentials.ts";
import { newSecret, sha256 } from "../auth/secrets.ts";
import { errorBodySchema } from "../http/errors.ts";
import { type ApiKey, findApiKey, insertApiKey, listApiKeys, revokeApiKey } from "../store/api-keys.ts";
import { iso } from "../store/db.ts";
import { notFound } from "../store/errors.ts";
import { openApiRouter } from "./openapi-router.ts";
import { inseeCode, territoryCode } from "./schemas.ts";

/**
 * Read keys of the public API (`cig_read_…`): POST /v1/admin/api-keys creates one (the secret is
 * in this answer only; the database keeps its SHA-256), GET lists them, DELETE revokes one. A
 * territory-scoped admin key creates, lists and revokes its territory's keys only.
 */
export const apiKeyRoutes = openApiRouter();

const SHOWN_ONCE = "store this key now: it is shown only once and cannot be recovered";

export const apiKeyCreate = z
  .object({
    name: z.string().trim().min(1, { error: "must not be empty" }).max(200, { error: "at most 200 characters" }),
    scope: z.enum(["read", "read:private"], { error: 'expected "read" (public devices) or "read:private" (private devices too)' }),
    territory: territoryCode.optional(),
    commune: inseeCode.optional(),
  })
  .strict()
  .refine((k) => k.territory === undefined || k.commune === undefined, { error: 'limit the key to a "territory" or to a "commune", not both' });

export const apiKeyView = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  scope: z.enum(["read", "read:private"]),
  territory: z.string().nullable().describe("the territory the key is limited to (for a commune key: its commune's)"),
  commune: z.string().nullable(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});

const toView = (k: ApiKey): z.infer<typeof apiKeyView> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scope: k.scope,
  territory: k.territory,
  commune: k.commune,
  createdAt: iso(k.createdAt) as string,
  revokedAt: iso(k.revokedAt),
});

const errors = (...statuses: (400 | 401 | 403 | 404 | 409 | 415 | 429 | 503)[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: "see error.code", content: { "application/json": { schema: errorBodySchema } } }]));

const security = [{ adminKey: [] }];

const create = createRoute({
  method: "post",
  path: "/api-keys",
  summary: "Create a read key for the public API (shown once)",
  security,
  request: { body: { required: true, content: { "application/json": { schema: apiKeyCreate } } } },
  responses: {
    201: {
      description: "Created; `key` is the secret, in this answer only",
      content: { "application/json": { schema: apiKeyView.extend({ key: z.string().regex(/^cig_read_/), note: z.string() }) } },
    },
    ...errors(400, 401, 403, 415, 429, 503),
  },
});

apiKeyRoutes.openapi(create, async (c) => {
  const input = c.req.valid("json");
  const admin = c.get("admin");
  const limit = await credentialLimit(c.env.DB, admin, input);
  const { secret, prefix } = newSecret("read");
  const key = await insertApiKey(c.env.DB, { name: input.name, hash: await sha256(secret), prefix, scope: input.scope, ...limit, createdBy: admin.id }, Date.now());
  c.set("audit", { target: `api-key ${key.id}`, territory: key.territory, details: { name: key.name, scope: key.scope, territory: key.territory, commune: key.commune } });
  return c.json({ ...toView(key), key: secret, note: SHOWN_ONCE }, 201);
});

const list = createRoute({
  method: "get",
  path: "/api-keys",
  summary: "List read keys (never their secrets)",
  security,
  responses: { 200: { description: "OK", content: { "application/json": { schema: z.object({ apiKeys: z.array(apiKeyView) }) } } }, ...errors(401, 403, 429, 503) },
});

apiKeyRoutes.openapi(list, async (c) => c.json({ apiKeys: (await listApiKeys(c.env.DB, c.get("admin").territory)).map(toView) }, 200));

const revoke = createRoute({
  method: "delete",
  path: "/api-keys/{id}",
  summary: "Revoke a read key (every isolate refuses it within 30 s)",
  security,
  request: { params: z.object({ id: z.coerce.number().int().positive() }) },
  responses: { 200: { description: "Revoked", content: { "application/json": { schema: apiKeyView } } }, ...errors(401, 403, 404, 429, 503) },
});

apiKeyRoutes.openapi(revoke, async (c) => {
  const { id } = c.req.valid("param");
  const admin = c.get("admin");
  const existing = await findApiKey(c.env.DB, id);
  // A key of another territory does not exist for a territory-scoped admin key.
  if (!existing || !administers(admin, existing.territory)) throw notFound("api key", String(id));
  const key = await revokeApiKey(c.env.DB, id, Date.now());
  forgetCredentials();
  c.set("audit", { target: `api-key ${key.id}`, territory: key.territory, details: { name: key.name } });
  return c.json(toView(key), 200);
});
