import type { MiddlewareHandler } from "hono";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import type { AppEnv } from "./types.ts";

/**
 * ETag and Cache-Control for a public read answer that may be reused for `seconds`: a strong ETag
 * (SHA-1 of the body) with 304 Not Modified for a matching If-None-Match, `public, max-age` for
 * anonymous answers and `private, max-age` for answers to a read key (they may hold private
 * devices: no shared cache keeps them), and `Vary: Authorization` so that a shared cache never
 * serves one to the other. Only 200 answers to GET/HEAD are marked.
 *
 * @example
 * routes.get("/v1/communes", cacheable(300), handler);
 */
export function cacheable(seconds: number): MiddlewareHandler<AppEnv> {
  // A 304 keeps the headers a browser needs to use it from another origin and the rate-limit ones.
  const tag = etag({
    retainedHeaders: [...RETAINED_304_HEADERS, "access-control-allow-origin", "access-control-expose-headers", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy"],
  });
  return (c, next) =>
    tag(c, async () => {
      await next();
      if (c.res.status !== 200 || (c.req.method !== "GET" && c.req.method !== "HEAD")) return;
      const keyed = (c.get("access")?.keyId ?? null) !== null || c.req.header("authorization") !== undefined;
      c.res.headers.set("Cache-Control", `${keyed ? "private" : "public"}, max-age=${seconds}`);
      c.res.headers.append("Vary", "Authorization");
    });
}
