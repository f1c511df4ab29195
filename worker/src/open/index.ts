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

/** Mounts every open-data room on the app (app.ts). */
export function mountOpenData(app: Hono<AppEnv>): void {
  for (const [prefix, routes] of MOUNTS) app.route(prefix, routes);
}

/** The open routes' OpenAPI paths (under their mount points) and schemas, for the API's document. */
export function openApiParts(): { paths: Record<string, Record<string, Record<string, unknown>>>; schemas: Record<string, Record<string, unknown>> } {
  const paths: Record<string, Record<string, Record<string, unknown>>> = {};
  const schemas: Record<string, Record<string, unknown>> = {};
  for (const [prefix, routes] of MOUNTS) {
    const doc = routes.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Cigale open data", version: "1" } });
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      const full = `${prefix}${path}`;
      const operations: Record<string, Record<string, unknown>> = {};
      for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
        // Public, and named as the API's document names operations (get /open/datasets/{file} → getOpenDatasetsFile).
        const words = full.split(/[/{}.-]+/).filter((w) => w !== "");
        operations[method] = { operationId: method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(""), ...op, security: [] };
      }
      paths[full] = operations;
    }
    // The API's document has its own Error schema (the same shape): keep that one.
    const { Error: _sameError, ...own } = (doc.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
    Object.assign(schemas, own);
  }
  return { paths, schemas };
}
