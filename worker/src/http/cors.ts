import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** Headers a browser script may read on a public answer (beyond the CORS-safelisted ones). */
export const EXPOSED_HEADERS = ["ETag", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "Link"];

/**
 * CORS for the public read routes: any origin may read them from a browser. No cookies are
 * involved (read keys travel in the Authorization header), so `*` is safe; Authorization and
 * If-None-Match are allowed request headers, and preflights are cached for a day.
 */
export function publicCors(): MiddlewareHandler {
  return cors({
    origin: "*",
    allowMethods: ["GET", "HEAD", "OPTIONS"],
    allowHeaders: ["Authorization", "If-None-Match", "Content-Type"],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 86_400,
  });
}
