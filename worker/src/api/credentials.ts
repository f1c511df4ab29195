import { Hono } from "hono";
import { z } from "zod";
import { administers, outsideTerritory } from "../auth/admin-scope.ts";
import { forgetCredentials } from "../auth/credentials.ts";
import { newSecret, sha256 } from "../auth/secrets.ts";
import type { AppEnv } from "../http/types.ts";
import { findAdminKey, insertAdminKey, listAdminKeys, revokeAdminKey } from "../store/admin-keys.ts";
import { findCommune } from "../store/communes.ts";
import { notFound, unknownReference } from "../store/errors.ts";
import { insertIngestToken, listIngestTokens, revokeIngestToken } from "../store/ingest-tokens.ts";
import { findTerritory } from "../store/territories.ts";
import { inseeCode, territoryCode } from "./schemas.ts";
import { jsonBody, param } from "./validate.ts";
import { adminKeyView, ingestTokenView } from "./views.ts";

/**
 * Ingest tokens (one per network-server application, scoped to a territory or a commune) and
 * admin keys. The secret is in the creation answer only; the database keeps its SHA-256.
 */
export const credentialRoutes = new Hono<AppEnv>();

const SHOWN_ONCE = "store this secret now: it is shown only once and cannot be recovered";
const name = z.string().trim().min(1, { error: "must not be empty" }).max(200, { error: "at most 200 characters" });
export const credentialId = z.coerce.number().int().positive();

export const tokenCreate = z
  .object({ name, territory: territoryCode.optional(), commune: inseeCode.optional() })
  .strict()
  .refine((t) => (t.territory === undefined) !== (t.commune === undefined), {
    error: 'give the token\'s scope: "territory" (a territory code) or "commune" (an INSEE code), exactly one',
  });

credentialRoutes.post("/ingest-tokens", async (c) => {
  const input = await jsonBody(c, tokenCreate);
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
});

credentialRoutes.get("/ingest-tokens", async (c) => c.json({ ingestTokens: (await listIngestTokens(c.env.DB, c.get("admin").territory)).map(ingestTokenView) }));

credentialRoutes.delete("/ingest-tokens/:id", async (c) => {
  const token = await revokeIngestToken(c.env.DB, param(credentialId, c.req.param("id"), "token id"), Date.now());
  forgetCredentials();
  return c.json(ingestTokenView(token));
});

/** `territory`: the key administers that territory only (api-keys, admin-keys, audit; see api/index.ts). */
export const adminKeyCreate = z.object({ name, territory: territoryCode.optional() }).strict();

credentialRoutes.post("/admin-keys", async (c) => {
  const input = await jsonBody(c, adminKeyCreate);
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
});

credentialRoutes.get("/admin-keys", async (c) => c.json({ adminKeys: (await listAdminKeys(c.env.DB, c.get("admin").territory)).map(adminKeyView) }));

credentialRoutes.delete("/admin-keys/:id", async (c) => {
  const id = param(credentialId, c.req.param("id"), "admin key id");
  const admin = c.get("admin");
  const existing = await findAdminKey(c.env.DB, id);
  // Another territory's key (or a platform-wide one) does not exist for a territory-scoped key.
  if (!existing || (admin.territory !== null && existing.territory !== admin.territory)) throw notFound("admin key", String(id));
  const key = await revokeAdminKey(c.env.DB, id, Date.now());
  forgetCredentials();
  c.set("audit", { target: `admin-key ${key.id}`, territory: key.territory });
  return c.json(adminKeyView(key));
});
