import { TtlCache } from "./ttl-cache.ts";

/**
 * Fixed-window rate limiting: `limit` requests per key per `period` seconds, windows aligned to
 * the wall clock (as the Workers rate-limiting binding and its local Miniflare version count).
 *
 * When the binding is there (wrangler.toml `[[ratelimits]]`), it decides: it counts across the
 * isolates of a Cloudflare location. It answers allowed/refused only, so this isolate also counts
 * what it let through, for the RateLimit-Remaining header: an upper bound when several isolates
 * serve the same client. Without the binding (a deployment that did not declare it), this
 * isolate's own count decides, which bounds each isolate rather than the client.
 */
export interface Quota {
  limit: number;
  /** Seconds; the binding supports 10 and 60. */
  period: 10 | 60;
}

export interface Decision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the quota is whole again. */
  reset: number;
}

const counted = new TtlCache<number>(10_000);

export function forgetCounts(): void {
  counted.clear();
}

export async function take(binding: RateLimit | undefined, quota: Quota, key: string, now: number): Promise<Decision> {
  const periodMs = quota.period * 1000;
  const window = Math.floor(now / periodMs);
  const reset = Math.max(1, Math.ceil(((window + 1) * periodMs - now) / 1000));
  const slot = `${key}\u0000${quota.period}\u0000${window}`;
  const used = counted.get(slot, now, periodMs)?.value ?? 0;
  let allowed = used < quota.limit;
  if (binding) {
    try {
      allowed = (await binding.limit({ key })).success;
    } catch (error) {
      // The limiter is a guard, not a dependency: if it fails, this isolate's count decides.
      console.error("rate-limit binding failed; using the isolate's count", error);
    }
  }
  if (!allowed) return { allowed, limit: quota.limit, remaining: 0, reset };
  counted.set(slot, used + 1, now);
  return { allowed, limit: quota.limit, remaining: Math.max(0, quota.limit - used - 1), reset };
}
