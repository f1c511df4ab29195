import { catalogRoutes } from "./catalog-routes.ts";
import { datasetFileRoutes } from "./dataset-files.ts";
import { openApp, openHeaders } from "./http.ts";

/**
 * Open data (issue 11): what public devices measure, as files, a DCAT-AP catalog and the standard
 * APIs of each field. Mounted at /open by app.ts (its routes join the API's OpenAPI document there); every answer carries open CORS, the licence and
 * cache headers (http.ts openHeaders).
 */
export const openRoutes = openApp();
openRoutes.use("*", openHeaders());
openRoutes.route("/", datasetFileRoutes);
openRoutes.route("/", catalogRoutes);
