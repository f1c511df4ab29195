import { routePath } from "hono/route";
import { presentedCredential } from "../auth/bearer.ts";
import { verifyAdminKey } from "../auth/credentials.ts";
import { AuthError } from "../auth/errors.ts";
import { routes } from "../http/openapi.ts";
import { apiKeyRoutes } from "./api-keys.ts";
import { auditRoutes, auditWrites } from "./audit.ts";
import { communeRoutes } from "./communes.ts";
import { credentialRoutes } from "./credentials.ts";
import { deviceRoutes } from "./devices.ts";
import { ingestOpsRoutes } from "./ingest-ops.ts";
import { territoryRoutes } from "./territories.ts";

/** /v1/admin: the registry and ingest operations, every route behind an admin key (checked before any validation), every write audited. */
export const adminRoutes = routes();

/**
 * The routes a territory-scoped admin key may call: those that restrict what they show and change
 * to the key's territory. Every other route refuses such a key (deny by default), so that a route
 * cannot leak another territory's data by forgetting the scope.
 */
const TERRITORY_AWARE = new Set([
  "GET /v1/admin/api-keys",
  "POST /v1/admin/api-keys",
  "DELETE /v1/admin/api-keys/:id",
  "GET /v1/admin/audit",
  "GET /v1/admin/admin-keys",
  "POST /v1/admin/admin-keys",
  "DELETE /v1/admin/admin-keys/:id",
  "GET /v1/admin/quantities",
]);

adminRoutes.use("*", async (c, next) => {
  const admin = await verifyAdminKey(c.env, presentedCredential(c, "admin key"), Date.now());
  c.set("admin", admin);
  if (admin.territory !== null && !TERRITORY_AWARE.has(`${c.req.method} ${routePath(c, -1)}`)) {
    throw new AuthError(
      "forbidden",
      "TERRITORY_SCOPED_KEY",
      `this admin key administers territory ${admin.territory} only, and ${c.req.method} ${c.req.path} is for platform-wide admin keys`,
    );
  }
  await next();
});
adminRoutes.use("*", auditWrites());

adminRoutes.route("/territories", territoryRoutes);
adminRoutes.route("/communes", communeRoutes);
adminRoutes.route("/devices", deviceRoutes);
adminRoutes.route("/", credentialRoutes);
adminRoutes.route("/", ingestOpsRoutes);
adminRoutes.route("/", apiKeyRoutes);
adminRoutes.route("/", auditRoutes);
