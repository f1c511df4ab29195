import { bulkRoutes } from "./bulk-routes.ts";
import { catalogRoutes } from "./catalog-routes.ts";
import type { Hono } from "hono";
import type { AppEnv } from "../http/types.ts";
import { datasetFileRoutes } from "./dataset-files.ts";
import { gbfsRoutes } from "./gbfs.ts";
import { ngsiLdRoutes } from "./ngsi-ld.ts";
import { openApp, openHeaders } from "./http.ts";
import { staRoutes } from "./sta/routes.ts";

/**
 * Open data (issue 11): what public devices measure, as files, a DCAT-AP catalog and the standard
 * APIs of each field. Mounted at /open by app.ts; every answer carries open CORS, the licence and
 * cache headers (http.ts openHeaders).
 */
export const openRoutes = openApp();
openRoutes.use("*", openHeaders());
openRoutes.route("/", datasetFileRoutes);
openRoutes.route("/", catalogRoutes);
openRoutes.route("/", bulkRoutes);

/** Where each open-data room is mounted. */
const MOUNTS = [
  ["/open", openRoutes],
  ["/gbfs", gbfsRoutes],
  ["/ngsi-ld/v1", ngsiLdRoutes],
  ["/sta/v1.1", staRoutes],
] as const;

/** Mounts every open-data room on the app (app.ts); their documented routes join the API's OpenAPI document. */
export function mountOpenData(app: Hono<AppEnv>): void {
  for (const [prefix, routes] of MOUNTS) app.route(prefix, routes);
}
