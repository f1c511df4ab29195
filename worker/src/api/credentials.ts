import { createRoute, z } from "@hono/zod-openapi";
import { administers, outsideTerritory } from "../auth/admin-scope.ts";
import { forgetCredentials } from "../auth/credentials.ts";
import { newSecret, sha256 } from "../auth/secrets.ts";
import { ADMIN_KEY, errors, json, jsonBody, jsonGuard, routes, SECURED } from "../http/openapi.ts";
import { findAdminKey, insertAdminKey, listAdminKeys, revokeAdminKey } from "../store/admin-keys.ts";
import { findCommune } from "../store/communes.ts";
import { notFound, unknownReference } from "../store/errors.ts";
import { insertIngestToken, listIngestTokens, revokeIngestToken } from "../store/ingest-tokens.ts";
import { findTerritory } from "../store/territories.ts";
import { inseeCode, territoryCode } from "./schemas.ts";
import { adminKeyAnswer, adminKeyView, ingestTokenAnswer, ingestTokenView } from "./views.ts";

/**
 * Ingest tokens (one per network-server application, scoped to a territory or a commune) and
 * admin keys. The secret is in the creation answer only; the database keeps its SHA-256.
 */
export const credentialRoutes = routes();

const tags = ["admin"];
const SHOWN_ONCE = "store this secret now: it is shown only once and cannot be recovered";
const name = z.string().trim().min(1, { error: "must not be empty" }).max(200, { error: "at most 200 characters" });
export const credentialId = z.coerce.number().int().positive();
const params = z.object({ id: credentialId });

export const tokenCreate = z
  .object({ name, territory: territoryCode.optional(), commune: inseeCode.optional() })
  .strict()
  .refine((t) => (t.territory === undefined) !== (t.commune === undefined), {
    error: 'give the token\'s scope: "territory" (a territory code) or "commune" (an INSEE code), exactly one',
  });

const createdToken = ingestTokenAnswer.extend({ token: z.string().describe("the secret: shown in this answer only"), note: z.string() });

credentialRoutes.openapi(
  createRoute({
    method: "post",
    path: "/ingest-tokens",
    summary: "Create an ingest token scoped to a territory or a commune; the token is in this answer only",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { body: jsonBody(tokenCreate) },
    responses: { 201: json(createdToken, "Created, with its secret"), ...errors(400, 413, 415, ...SECURED) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    if (input.territory !== undefined && !(await findTerritory(c.env.DB, input.territory))) {
      throw unknownReference("territory", input.territory, "create it with POST /v1/admin/territories");
    }
    if (input.commune !== undefined && !(await findCommune(c.env.DB, input.commune))) {
      throw unknownReference("commune", input.commune, "create it with POST /v1/admin/communes");
    }
    const { secret, prefix } = newSecret("ingest");
    const token = await insertIngestToken(
      c.env.DB,
      { name: input.name, hash: await sha256(secret), prefix, territory: input.territory ?? null, commune: input.commune ?? null },
      Date.now(),
    );
    return c.json({ ...ingestTokenView(token), token: secret, note: SHOWN_ONCE }, 201);
  },
);

credentialRoutes.openapi(
  createRoute({
    method: "get",
    path: "/ingest-tokens",
    summary: "List ingest tokens (never the secret)",
    tags,
    security: ADMIN_KEY,
    responses: { 200: json(z.object({ ingestTokens: z.array(ingestTokenAnswer) }), "The ingest tokens"), ...errors(...SECURED) },
  }),
  async (c) => c.json({ ingestTokens: (await listIngestTokens(c.env.DB, c.get("admin").territory)).map(ingestTokenView) }, 200),
);

credentialRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/ingest-tokens/{id}",
    summary: "Revoke an ingest token",
    tags,
    security: ADMIN_KEY,
    request: { params },
    responses: { 200: json(ingestTokenAnswer, "The token, revoked"), ...errors(404, ...SECURED) },
  }),
  async (c) => {
    const token = await revokeIngestToken(c.env.DB, c.req.valid("param").id, Date.now());
    forgetCredentials();
    return c.json(ingestTokenView(token), 200);
  },
);

/** `territory`: the key administers that territory only (api-keys, admin-keys, audit; see api/index.ts). */
export const adminKeyCreate = z.object({ name, territory: territoryCode.optional() }).strict();
const createdKey = adminKeyAnswer.extend({ key: z.string().describe("the secret: shown in this answer only"), note: z.string() });

credentialRoutes.openapi(
  createRoute({
    method: "post",
    path: "/admin-keys",
    summary: "Create an admin key; the key is in this answer only",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { body: jsonBody(adminKeyCreate) },
    responses: { 201: json(createdKey, "Created, with its secret"), ...errors(400, 413, 415, ...SECURED) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const admin = c.get("admin");
    const territory = input.territory ?? admin.territory;
    if (territory !== null && !(await findTerritory(c.env.DB, territory))) {
      throw unknownReference("territory", territory, "create it with POST /v1/admin/territories");
    }
    if (!administers(admin, territory)) throw outsideTerritory(admin, territory === null ? "a platform-wide key" : `territory ${territory}`);
    const { secret, prefix } = newSecret("admin");
    const key = await insertAdminKey(c.env.DB, { name: input.name, hash: await sha256(secret), prefix, territory }, Date.now());
    c.set("audit", { target: `admin-key ${key.id}`, territory: key.territory, details: { name: key.name, territory: key.territory } });
    return c.json({ ...adminKeyView(key), key: secret, note: SHOWN_ONCE }, 201);
  },
);

credentialRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin-keys",
    summary: "List admin keys (never the secret)",
    tags,
    security: ADMIN_KEY,
    responses: { 200: json(z.object({ adminKeys: z.array(adminKeyAnswer) }), "The admin keys"), ...errors(...SECURED) },
  }),
  async (c) => c.json({ adminKeys: (await listAdminKeys(c.env.DB, c.get("admin").territory)).map(adminKeyView) }, 200),
);

credentialRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/admin-keys/{id}",
    summary: "Revoke an admin key; the last active one cannot be",
    tags,
    security: ADMIN_KEY,
    request: { params },
    responses: { 200: json(adminKeyAnswer, "The key, revoked"), ...errors(404, 409, ...SECURED) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const admin = c.get("admin");
    const existing = await findAdminKey(c.env.DB, id);
    // Another territory's key (or a platform-wide one) does not exist for a territory-scoped key.
    if (!existing || (admin.territory !== null && existing.territory !== admin.territory)) throw notFound("admin key", String(id));
    const key = await revokeAdminKey(c.env.DB, id, Date.now());
    forgetCredentials();
    c.set("audit", { target: `admin-key ${key.id}`, territory: key.territory });
    return c.json(adminKeyView(key), 200);
  },
);
