import type { MiddlewareHandler } from "hono";
import { limitedClient } from "../auth/failures.ts";
import { type Quota, take } from "../auth/limiter.ts";
import { ANONYMOUS } from "../auth/read-access.ts";
import { errorBody } from "./errors.ts";
import type { AppEnv } from "./types.ts";

/**
 * Quotas of the public read routes, per read key and per anonymous client (CF-Connecting-IP). They
 * must equal wrangler.toml's `[[ratelimits]]` KEYED_READS and ANONYMOUS_READS, which enforce them.
 */
export const ANONYMOUS_QUOTA: Quota = { limit: 120, period: 60 };
export const KEYED_QUOTA: Quota = { limit: 1200, period: 60 };

/**
 * The rate-limit headers of every answer, in the names of the IETF httpapi draft as most APIs send
 * them: RateLimit-Limit (requests per window), RateLimit-Remaining, RateLimit-Reset (seconds until
 * the window ends) and RateLimit-Policy ("<limit>;w=<window seconds>"); a 429 adds Retry-After.
 */
function rateLimitHeaders(quota: Quota, remaining: number, reset: number): Record<string, string> {
  return {
    "RateLimit-Limit": String(quota.limit),
    "RateLimit-Remaining": String(remaining),
    "RateLimit-Reset": String(reset),
    "RateLimit-Policy": `${quota.limit};w=${quota.period}`,
  };
}

/**
 * Rate limits of the public read routes: mount after `readAccess()` (it decides whose quota a
 * request spends). A read key spends its own quota wherever it is used from; an anonymous client
 * spends its address's. Not limited: anonymous requests without CF-Connecting-IP (they did not come
 * through Cloudflare's edge: tests, service bindings) and development (local demos and benchmarks).
 *
 * @example
 * app.use("/v1/*", publicCors(), readAccess(), publicRateLimit());
 */
export function publicRateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "OPTIONS" || c.env.CIGALE_ENV === "development" || c.get("rateLimited")) return next();
    c.set("rateLimited", true);
    const access = c.get("access") ?? ANONYMOUS;
    const client = limitedClient(c);
    if (access.keyId === null && client === null) return next();
    const [binding, quota, key] =
      access.keyId === null ? [c.env.ANONYMOUS_READS, ANONYMOUS_QUOTA, `ip:${client}`] : [c.env.KEYED_READS, KEYED_QUOTA, `key:${access.keyId}`];
    const decision = await take(binding, quota, key, Date.now());
    if (!decision.allowed) {
      const who = access.keyId === null ? "this client (anonymous: a read key has a larger quota)" : "this read key";
      return c.json(errorBody("RATE_LIMITED", `${who} has used its ${quota.limit} requests per ${quota.period} s: retry in ${decision.reset} s`), 429, {
        "Retry-After": String(decision.reset),
        ...rateLimitHeaders(quota, 0, decision.reset),
      });
    }
    await next();
    for (const [name, value] of Object.entries(rateLimitHeaders(quota, decision.remaining, decision.reset))) c.res.headers.set(name, value);
  };
}
