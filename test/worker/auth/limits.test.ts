import { describe, expect, it } from "vitest";
import { forgetCounts, take } from "../../../worker/src/auth/limiter.ts";
import { TtlCache } from "../../../worker/src/auth/ttl-cache.ts";

/** The per-isolate pieces under the credential caches and the rate limits. */

describe("TtlCache", () => {
  it("forgets an entry once it is older than the asked age", () => {
    const cache = new TtlCache<string>(10);
    cache.set("a", "x", 1000);
    expect(cache.get("a", 1500, 1000)).toEqual({ value: "x", age: 500 });
    expect(cache.get("a", 2000, 1000)).toBeUndefined();
  });

  it("stays bounded whatever is put in, dropping the oldest first", () => {
    const cache = new TtlCache<number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(`secret-${i}`, i, i);
    expect(cache.size).toBe(100);
    expect(cache.get("secret-0", 10_000, 1e9)).toBeUndefined();
    expect(cache.get("secret-9999", 10_000, 1e9)?.value).toBe(9999);
  });

  it("a re-set entry counts as new", () => {
    const cache = new TtlCache<number>(2);
    cache.set("a", 1, 0);
    cache.set("b", 2, 0);
    cache.set("a", 3, 1);
    cache.set("c", 4, 2);
    expect([cache.get("a", 3, 1e9)?.value, cache.get("b", 3, 1e9)?.value, cache.get("c", 3, 1e9)?.value]).toEqual([3, undefined, 4]);
  });
});

describe("take (fixed windows aligned to the clock)", () => {
  const quota = { limit: 3, period: 60 } as const;
  const start = Date.UTC(2026, 0, 1, 12, 0, 0); // a window boundary

  it("without a binding, the isolate's count decides; the next window starts whole", async () => {
    forgetCounts();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await take(undefined, quota, "k", start + 10_000 + i));
    expect(answers.map((a) => [a.allowed, a.remaining, a.reset])).toEqual([
      [true, 2, 50],
      [true, 1, 50],
      [true, 0, 50],
      [false, 0, 50],
    ]);
    expect(await take(undefined, quota, "other", start + 10_000)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await take(undefined, quota, "k", start + 60_000)).toMatchObject({ allowed: true, remaining: 2, reset: 60 });
  });

  it("with a binding, the binding decides; if it fails, the isolate's count does", async () => {
    forgetCounts();
    const refusing: RateLimit = { limit: async () => ({ success: false }) };
    expect(await take(refusing, quota, "k", start)).toMatchObject({ allowed: false, remaining: 0 });
    const broken: RateLimit = {
      limit: async () => {
        throw new Error("limiter unavailable");
      },
    };
    expect(await take(broken, quota, "k", start)).toMatchObject({ allowed: true, remaining: 2 });
  });
});
