import { bearerToken } from "../auth/bearer.ts";
import { verifyAdminKey } from "../auth/credentials.ts";
import { routes } from "../http/openapi.ts";
import { communeRoutes } from "./communes.ts";
import { credentialRoutes } from "./credentials.ts";
import { deviceRoutes } from "./devices.ts";
import { ingestOpsRoutes } from "./ingest-ops.ts";
import { territoryRoutes } from "./territories.ts";

/** /v1/admin: the registry and ingest operations, every route behind an admin key (checked before any validation). */
export const adminRoutes = routes();

adminRoutes.use("*", async (c, next) => {
  c.set("admin", await verifyAdminKey(c.env, bearerToken(c.req.header("authorization"), "admin key"), Date.now()));
  await next();
});

adminRoutes.route("/territories", territoryRoutes);
adminRoutes.route("/communes", communeRoutes);
adminRoutes.route("/devices", deviceRoutes);
adminRoutes.route("/", credentialRoutes);
adminRoutes.route("/", ingestOpsRoutes);
