import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { RequestError } from "../api/errors.ts";
import { errorAnswer } from "../http/openapi.ts";
import type { AppEnv } from "../http/types.ts";
import { LICENCE_LINK } from "./licence.ts";

/** A room of the open-data API: invalid input is the API's one error body, 404 for a path, 400 for a query. */
export function openApp(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join(".") || result.target}: ${i.message}`).join("; ");
      if (result.target === "param") throw new RequestError("NOT_FOUND", `no such resource — ${issues}`, 404);
      throw new RequestError("INVALID_REQUEST", `the ${result.target} is invalid — ${issues}`);
    },
  });
}

/**
 * The API's one error body (http/errors.ts errorBodySchema), declared with the OpenAPI-aware zod
 * under the component name the API's document already has.
 */
export const errorSchema = errorAnswer;

const ERROR_TEXT: Record<number, string> = {
  400: "INVALID_REQUEST: a query parameter to fix, named in error.message",
  404: "NOT_FOUND: no such dataset, file or entity",
  416: "RANGE_NOT_SATISFIABLE: the byte range lies outside the file",
  503: "STORAGE_UNAVAILABLE: D1 or R2 could not be reached",
};

/** Error responses of an open route, each the API's error body. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, { description: ERROR_TEXT[s] ?? "error", content: { "application/json": { schema: errorSchema } } }])) as Record<
    number,
    { description: string; content: { "application/json": { schema: typeof errorSchema } } }
  >;
}

/** Headers a re-user's browser may read across origins. */
const EXPOSED = ["Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified", "Link", "Content-Disposition"];

/**
 * What every open-data answer carries: open CORS (any origin may read public data), the licence
 * as a Link header, and a short public cache unless the route sets its own.
 */
export function openHeaders(maxAge = 300): MiddlewareHandler<AppEnv> {
  const corsHandler = cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], exposeHeaders: EXPOSED, maxAge: 86400 });
  return async (c, next) => {
    // A preflight is answered by cors() itself, with the Response it returns.
    return corsHandler(c, async () => {
      await next();
      if (c.res.status < 400) {
        if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", `public, max-age=${maxAge}`);
        c.res.headers.append("Link", LICENCE_LINK);
      } else c.res.headers.set("Cache-Control", "no-store");
    });
  };
}

/** The origin the request came to: the base of every URI the open data publishes. */
export function baseUrl(url: string): string {
  return new URL(url).origin;
}

/** ISO 8601 date or date-time query parameter, as epoch ms. */
export const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, "an ISO 8601 date (2026-01-15) or UTC date-time (2026-01-15T08:00:00Z)")
  .refine((s) => Number.isFinite(Date.parse(s)), "not a valid date");
