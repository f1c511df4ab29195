import { catalogRoutes } from "./catalog-routes.ts";
import { datasetFileRoutes } from "./dataset-files.ts";
import { openApp, openHeaders } from "./http.ts";

/**
 * Open data (issue 11): what public devices measure, as files, a DCAT-AP catalog and the standard
 * APIs of each field. Mounted at /open by app.ts; every answer carries open CORS, the licence and
 * cache headers (http.ts openHeaders).
 */
export const openRoutes = openApp();
openRoutes.use("*", openHeaders());
openRoutes.route("/", datasetFileRoutes);
openRoutes.route("/", catalogRoutes);

/** The open routes' OpenAPI paths (under their mount point) and schemas, for the API's document. */
export function openApiParts(): { paths: Record<string, Record<string, Record<string, unknown>>>; schemas: Record<string, Record<string, unknown>> } {
  const doc = openRoutes.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Cigale open data", version: "1" } });
  const paths: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const full = `/open${path}`;
    const operations: Record<string, Record<string, unknown>> = {};
    for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
      // Public, and named as the API's document names operations (get /open/datasets/{file} → getOpenDatasetsFile).
      const words = full.split(/[/{}.-]+/).filter((w) => w !== "");
      operations[method] = { operationId: method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(""), ...op, security: [] };
    }
    paths[full] = operations;
  }
  // The API's document has its own Error schema (the same zod schema): keep that one.
  const { Error: _sameError, ...schemas } = (doc.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  return { paths, schemas };
}
