import { RateLimitedError } from "./errors.ts";
import { type Quota, take } from "./limiter.ts";
import { TtlCache } from "./ttl-cache.ts";

/**
 * Repeated credential failures from one client are refused with 429 for the rest of the window:
 * an unknown well-formed secret is a guess (or a misconfigured client), and each distinct guess
 * costs a D1 read. Counted: unknown or revoked secrets of the right form. Not counted: a missing
 * header or a malformed secret (refused without any read, and never a successful guess).
 */
export const AUTH_FAILURE_QUOTA: Quota = { limit: 20, period: 60 };

/** Client → the instant (ms) until which this isolate refuses its credentials. */
const blocked = new TtlCache<number>(10_000);

export function forgetFailures(): void {
  blocked.clear();
}

/**
 * Who to count against: the client address Cloudflare's edge sets on every request it forwards.
 * A request without it did not come through the edge (local tests, a service binding) and is not
 * limited; nor is development (CIGALE_ENV=development: local demos and benchmarks).
 */
export interface RequestLike {
  env: Pick<Env, "CIGALE_ENV">;
  req: { header(name: string): string | undefined };
}

export function limitedClient(c: RequestLike): string | null {
  if (c.env.CIGALE_ENV === "development") return null;
  const ip = c.req.header("cf-connecting-ip");
  return ip === undefined || ip === "" ? null : ip;
}

function tooManyFailures(retryAfter: number): RateLimitedError {
  return new RateLimitedError(
    "TOO_MANY_FAILURES",
    `too many failed credentials from this client: retry in ${retryAfter} s with a valid credential`,
    retryAfter,
  );
}

/** 429 if this client is refused for failing too often (before any credential lookup). */
export function refuseBlockedClient(client: string | null, now: number): void {
  if (client === null) return;
  const until = blocked.get(client, now, AUTH_FAILURE_QUOTA.period * 1000)?.value;
  if (until !== undefined && until > now) throw tooManyFailures(Math.ceil((until - now) / 1000));
}

/** Counts one failure; the one past the quota is answered 429 instead, and so are the client's next attempts. */
export async function countFailure(env: Env, client: string | null, now: number): Promise<void> {
  if (client === null) return;
  const decision = await take(env.AUTH_FAILURES, AUTH_FAILURE_QUOTA, `auth:${client}`, now);
  if (decision.allowed) return;
  blocked.set(client, now + decision.reset * 1000, now);
  throw tooManyFailures(decision.reset);
}
