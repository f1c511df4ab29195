import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { readAccess } from "../../../worker/src/auth/read-access.ts";
import { cacheable } from "../../../worker/src/http/cache.ts";
import { publicCors } from "../../../worker/src/http/cors.ts";
import { onError } from "../../../worker/src/http/errors.ts";
import { ANONYMOUS_QUOTA, KEYED_QUOTA, publicRateLimit } from "../../../worker/src/http/rate-limit.ts";
import type { AppEnv } from "../../../worker/src/http/types.ts";
import { call, type ErrorAnswer, request } from "../helpers/http.ts";
import { type Registry, setUpRegistry } from "../helpers/registry.ts";

/**
 * The middleware of the public read routes, mounted as the public API mounts them:
 * publicCors() → readAccess() → publicRateLimit() on /v1/*, cacheable(seconds) per route.
 */

const app = new Hono<AppEnv>();
app.use("/v1/*", publicCors(), readAccess(), publicRateLimit());
app.get("/v1/things", cacheable(60), (c) => c.json({ things: [1, 2, 3], keyId: c.var.access.keyId }));
app.onError(onError);

let reg: Registry;
let readKey: string;
beforeAll(async () => {
  reg = await setUpRegistry();
  readKey = (await call<{ key: string }>("POST", "/v1/admin/api-keys", { token: reg.admin, json: { name: "dashboard", scope: "read" } })).body.key;
});

const newClient = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 8)}`;

async function get(headers: Record<string, string>, method = "GET", cigaleEnv = "production"): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await app.fetch(request(method, "/v1/things", { headers }), { ...env, CIGALE_ENV: cigaleEnv });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const num = (h: Headers, name: string) => Number(h.get(name));

describe("publicRateLimit()", () => {
  it("anonymous clients: 429 with Retry-After once their address has used its quota; another address is not affected", async () => {
    // The Workers rate-limiting binding runs here (Miniflare) and decides.
    expect(typeof env.ANONYMOUS_READS.limit).toBe("function");
    const from = { "cf-connecting-ip": newClient() };
    const { limit, period } = ANONYMOUS_QUOTA;
    const answers: { status: number; headers: Headers; text: string }[] = [];
    // Windows are aligned to the clock: 2 × limit + 1 requests hold more than `limit` in one window.
    for (let i = 0; i < 2 * limit + 1; i++) answers.push(await get(from));
    for (const a of answers) {
      expect(num(a.headers, "ratelimit-limit")).toBe(limit);
      expect(a.headers.get("ratelimit-policy")).toBe(`${limit};w=${period}`);
      expect(num(a.headers, "ratelimit-remaining")).toBeGreaterThanOrEqual(0);
      expect(num(a.headers, "ratelimit-remaining")).toBeLessThan(limit);
      expect(num(a.headers, "ratelimit-reset")).toBeGreaterThanOrEqual(1);
      expect(num(a.headers, "ratelimit-reset")).toBeLessThanOrEqual(period);
    }
    expect(answers.slice(0, limit).every((a) => a.status === 200)).toBe(true);
    // Within one window, Remaining counts down by one per request.
    const [first, second] = [answers[0]!, answers[1]!];
    if (num(second.headers, "ratelimit-reset") <= num(first.headers, "ratelimit-reset")) {
      expect(num(second.headers, "ratelimit-remaining")).toBe(num(first.headers, "ratelimit-remaining") - 1);
    }
    const refused = answers.find((a) => a.status === 429);
    expect(refused).toBeDefined();
    expect((JSON.parse(refused!.text) as ErrorAnswer).error.code).toBe("RATE_LIMITED");
    expect(refused!.headers.get("retry-after")).toBe(refused!.headers.get("ratelimit-reset"));
    expect(num(refused!.headers, "ratelimit-remaining")).toBe(0);
    expect(refused!.headers.get("access-control-allow-origin")).toBe("*");

    expect((await get({ "cf-connecting-ip": newClient() })).status).toBe(200);
  });

  it("a read key spends its own quota, not its address's, wherever it is used from", async () => {
    const from = { "cf-connecting-ip": newClient() };
    for (let i = 0; i < 2 * ANONYMOUS_QUOTA.limit + 1; i++) await get(from);
    expect((await get(from)).status).toBe(429);
    const keyed = await get({ ...from, authorization: `Bearer ${readKey}` });
    expect(keyed.status).toBe(200);
    expect(num(keyed.headers, "ratelimit-limit")).toBe(KEYED_QUOTA.limit);
    const elsewhere = await get({ "cf-connecting-ip": newClient(), authorization: `Bearer ${readKey}` });
    if (num(elsewhere.headers, "ratelimit-reset") <= num(keyed.headers, "ratelimit-reset")) {
      expect(num(elsewhere.headers, "ratelimit-remaining")).toBe(num(keyed.headers, "ratelimit-remaining") - 1);
    }
  });

  it("mounted twice on a path (app-wide and per router), a request spends its quota once", async () => {
    const twice = new Hono<AppEnv>();
    twice.use("/v1/*", readAccess(), publicRateLimit());
    twice.use("/v1/things/*", readAccess(), publicRateLimit());
    twice.get("/v1/things/a", (c) => c.json({ ok: true }));
    const from = { "cf-connecting-ip": newClient() };
    const first = await twice.fetch(request("GET", "/v1/things/a", { headers: from }), env);
    expect(first.status).toBe(200);
    expect(num(first.headers, "ratelimit-remaining")).toBe(ANONYMOUS_QUOTA.limit - 1);
  });

  it("not limited: anonymous requests without CF-Connecting-IP, and development", async () => {
    for (let i = 0; i < ANONYMOUS_QUOTA.limit + 1; i++) {
      const a = await get({});
      expect(a.status).toBe(200);
      expect(a.headers.get("ratelimit-limit")).toBeNull();
    }
    const dev = await get({ "cf-connecting-ip": newClient() }, "GET", "development");
    expect([dev.status, dev.headers.get("ratelimit-limit")]).toEqual([200, null]);
  });
});

describe("publicCors()", () => {
  it("answers a preflight for any origin, allowing Authorization, without spending the quota", async () => {
    const from = newClient();
    const preflight = await app.fetch(
      request("OPTIONS", "/v1/things", {
        headers: { origin: "https://dashboard.example", "access-control-request-method": "GET", "access-control-request-headers": "authorization", "cf-connecting-ip": from },
      }),
      env,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(preflight.headers.get("access-control-max-age")).toBe("86400");
    expect(preflight.headers.get("ratelimit-limit")).toBeNull();
    const a = await get({ origin: "https://dashboard.example", "cf-connecting-ip": from });
    expect(num(a.headers, "ratelimit-remaining")).toBe(ANONYMOUS_QUOTA.limit - 1);
  });

  it("lets a browser script read the answer, its rate-limit headers and its errors", async () => {
    const a = await get({ origin: "https://dashboard.example" });
    expect(a.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = a.headers.get("access-control-expose-headers")?.toLowerCase() ?? "";
    for (const h of ["etag", "retry-after", "ratelimit-remaining", "ratelimit-reset"]) expect(exposed).toContain(h);
    const denied = await get({ origin: "https://dashboard.example", authorization: "Bearer cig_read_nope" });
    expect([denied.status, denied.headers.get("access-control-allow-origin")]).toEqual([401, "*"]);
  });
});

describe("cacheable(seconds)", () => {
  it("marks an anonymous answer public with a strong ETag, and answers 304 to a matching If-None-Match", async () => {
    const from = { "cf-connecting-ip": newClient(), origin: "https://dashboard.example" };
    const a = await get(from);
    expect(a.status).toBe(200);
    expect(a.headers.get("cache-control")).toBe("public, max-age=60");
    expect(a.headers.get("vary")?.toLowerCase()).toContain("authorization");
    const tag = a.headers.get("etag");
    expect(tag).toMatch(/^"[0-9a-f]+"$/);

    const again = await get({ ...from, "if-none-match": tag! });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("etag")).toBe(tag);
    expect(again.headers.get("cache-control")).toBe("public, max-age=60");
    expect(again.headers.get("access-control-allow-origin")).toBe("*");
    expect(again.headers.get("ratelimit-limit")).toBe(String(ANONYMOUS_QUOTA.limit));

    expect((await get({ ...from, "if-none-match": '"something-else"' })).status).toBe(200);
  });

  it("marks an answer to a read key private (it may hold private devices)", async () => {
    const a = await get({ authorization: `Bearer ${readKey}` });
    expect(a.status).toBe(200);
    expect(a.headers.get("cache-control")).toBe("private, max-age=60");
  });

  it("never marks an error", async () => {
    const a = await get({ authorization: "Bearer cig_read_nope" });
    expect(a.status).toBe(401);
    expect(a.headers.get("cache-control")).toBeNull();
    expect(a.headers.get("etag")).toBeNull();
  });
});
