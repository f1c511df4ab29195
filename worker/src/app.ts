import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { MiddlewareHandler } from "hono";
import { alertRoutes } from "./api/alerts.ts";
import { adminRoutes } from "./api/index.ts";
import { indicatorRoutes } from "./api/indicators.ts";
import { publicCommuneRoutes } from "./api/public/communes.ts";
import { publicDeviceRoutes } from "./api/public/devices.ts";
import { readAccess } from "./auth/read-access.ts";
import { publicCors } from "./http/cors.ts";
import { errorBody, onError } from "./http/errors.ts";
import { json, registerComponents, routes } from "./http/openapi.ts";
import { publicRateLimit } from "./http/rate-limit.ts";
import type { AppEnv } from "./http/types.ts";
import { ingestRoutes } from "./ingest/routes.ts";
import { mountOpenData } from "./open/index.ts";
import { openApiDocument } from "./openapi/document.ts";

/**
 * The public read routes, each a documented sub-app mounted under /v1 beside /v1/admin. Every one
 * gets the same front: CORS for browsers, the reader's access (anonymous or a read key), then the
 * rate limit of that reader. A new public room is one line here.
 */
const PUBLIC_ROUTES: readonly [path: string, routes: OpenAPIHono<AppEnv>][] = [
  ["/v1/communes", publicCommuneRoutes],
  ["/v1/devices", publicDeviceRoutes],
  ["/v1/indicators", indicatorRoutes],
  ["/v1/alerts", alertRoutes],
];

const publicFront = (): MiddlewareHandler<AppEnv>[] => [publicCors() as MiddlewareHandler<AppEnv>, readAccess(), publicRateLimit()];

/**
 * The Cigale HTTP API: public reads (/v1/communes, /v1/devices, /v1/indicators, /v1/alerts),
 * /v1/ingest for network servers, /v1/admin for operators, open data (/open), the OpenAPI
 * document (/v1/openapi.json) and its rendered reference (/docs/api). Every route is declared with
 * createRoute, so that validation, the document and the SDK's types have one source.
 */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = routes();
  registerComponents(app);
  const service = { tags: ["service"], security: [] };

  app.openapi(
    createRoute({ method: "get", path: "/v1/health", summary: "Liveness: the Worker answers", ...service, responses: { 200: json(z.object({ status: z.literal("ok") }), "Up") } }),
    (c) => c.json({ status: "ok" as const }, 200),
  );
  // Public: it documents the API and reveals no data.
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/openapi.json",
      summary: "This document (OpenAPI 3.1)",
      ...service,
      responses: { 200: json(z.record(z.string(), z.unknown()), "The OpenAPI document") },
    }),
    (c) => c.json(openApiDocument(app) as unknown as Record<string, unknown>, 200),
  );
  const reference = Scalar<AppEnv>({ url: "/v1/openapi.json", pageTitle: "Cigale API" });
  app.openapi(
    createRoute({
      method: "get",
      path: "/docs/api",
      summary: "This document, rendered (Scalar API reference)",
      ...service,
      responses: { 200: { description: "An HTML page", content: { "text/html": { schema: z.string() } } } },
    }),
    async (c) => (await reference(c, async () => {})) as Response,
  );

  app.route("/v1/ingest", ingestRoutes);
  app.route("/v1/admin", adminRoutes);
  for (const [path, routes] of PUBLIC_ROUTES) {
    // `path/*` also matches `path` itself.
    app.use(`${path}/*`, ...publicFront());
    app.route(path, routes);
  }
  mountOpenData(app);
  app.notFound((c) => c.json(errorBody("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}: see /docs/api for the API`), 404));
  app.onError(onError);
  return app;
}
