import { Hono } from "hono";
import { alertRoutes } from "./api/alerts.ts";
import { adminRoutes } from "./api/index.ts";
import { indicatorRoutes } from "./api/indicators.ts";
import { readAccess } from "./auth/read-access.ts";
import { errorBody, onError } from "./http/errors.ts";
import type { AppEnv } from "./http/types.ts";
import { ingestRoutes } from "./ingest/routes.ts";
import { mountOpenData } from "./open/index.ts";
import { openApiDocument } from "./openapi/document.ts";

/** The Cigale HTTP API: /v1/ingest for network servers, /v1/admin for operators, its OpenAPI document. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/v1/health", (c) => c.json({ status: "ok" }));
  // Public: it documents the API and reveals no data.
  app.get("/v1/openapi.json", (c) => c.json(openApiDocument()));
  app.route("/v1/ingest", ingestRoutes);
  app.route("/v1/admin", adminRoutes);
  app.use("/v1/indicators/*", readAccess());
  app.use("/v1/alerts/*", readAccess());
  app.route("/v1/indicators", indicatorRoutes);
  app.route("/v1/alerts", alertRoutes);
  mountOpenData(app);
  app.notFound((c) => c.json(errorBody("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}: see README.md for the API`), 404));
  app.onError(onError);
  return app;
}
