import { presentedCredential } from "../auth/bearer.ts";
import { verifyAdminKey } from "../auth/credentials.ts";
import { territoryScope } from "../auth/territory-scope.ts";
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

adminRoutes.use("*", async (c, next) => {
  c.set("admin", await verifyAdminKey(c.env, presentedCredential(c, "admin key"), Date.now()));
  await next();
});
adminRoutes.use("*", territoryScope());
adminRoutes.use("*", auditWrites());

adminRoutes.route("/territories", territoryRoutes);
adminRoutes.route("/communes", communeRoutes);
adminRoutes.route("/devices", deviceRoutes);
adminRoutes.route("/", credentialRoutes);
adminRoutes.route("/", ingestOpsRoutes);
adminRoutes.route("/", apiKeyRoutes);
adminRoutes.route("/", auditRoutes);
