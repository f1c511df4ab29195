import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { AUTH_FAILURE_QUOTA } from "../../../worker/src/auth/failures.ts";
import { newSecret, sha256 } from "../../../worker/src/auth/secrets.ts";
import worker from "../../../worker/src/index.ts";
import { D1Faults } from "../helpers/d1-faults.ts";
import { envUp, newDevEui } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer, request } from "../helpers/http.ts";
import { type Registry, setUpRegistry } from "../helpers/registry.ts";

/**
 * What a credential's form decides before any database read (its prefix names its kind), what the
 * isolate remembers of unknown secrets, and the 429 for clients that keep failing.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

/** A client address of its own for each test, so that failure counts never mix. */
const newClient = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 8)}`;

/** Runs `work` with every D1 call failing as in an outage: whatever still answers read nothing. */
async function withD1Down<T>(work: () => Promise<T>): Promise<T> {
  const faults = D1Faults.install({ down: true });
  try {
    return await work();
  } finally {
    faults.uninstall();
  }
}

const ingest = (token: string, headers: Record<string, string> = {}) =>
  call<ErrorAnswer>("POST", "/v1/ingest/chirpstack?event=up", { token, headers, json: envUp(newDevEui(), { fCnt: 1 }) });
const admin = (token: string, headers: Record<string, string> = {}) => call<ErrorAnswer>("GET", "/v1/admin/territories", { token, headers });

describe("the form of a secret decides without a database read", () => {
  const cases: { name: string; send: () => ReturnType<typeof admin>; status: number; code: string }[] = [
    { name: "an ingest token at the admin API", send: () => admin(reg.ingest), status: 403, code: "WRONG_CREDENTIAL_KIND" },
    { name: "a read key at the admin API", send: () => admin(newSecret("read").secret), status: 403, code: "WRONG_CREDENTIAL_KIND" },
    { name: "an admin key at ingest", send: () => ingest(reg.admin), status: 403, code: "WRONG_CREDENTIAL_KIND" },
    { name: "a read key at ingest", send: () => ingest(newSecret("read").secret), status: 403, code: "WRONG_CREDENTIAL_KIND" },
    { name: "a prefixed secret of the wrong length", send: () => admin("cig_admin_short"), status: 401, code: "MALFORMED_CREDENTIALS" },
    { name: "an unknown prefix", send: () => admin(`cig_root_${"a".repeat(43)}`), status: 401, code: "MALFORMED_CREDENTIALS" },
    { name: "an unprefixed secret in production", send: () => ingest("my-old-handmade-token"), status: 401, code: "MALFORMED_CREDENTIALS" },
    { name: "a dev credential in production", send: () => admin("dev-admin-key"), status: 401, code: "DEV_CREDENTIAL_REFUSED" },
  ];

  it.each(cases)("$name → $status $code, with D1 down", async (c) => {
    const r = await withD1Down(c.send);
    expect([r.status, r.body.error.code]).toEqual([c.status, c.code]);
    expect(r.body.error.message.length).toBeGreaterThan(20);
  });

  it("the wrong-kind refusal says which kind was sent and which one the route takes", async () => {
    const r = await admin(reg.ingest);
    expect(r.body.error.message).toContain("ingest token");
    expect(r.body.error.message).toContain("admin key");
  });

  it("a well-formed unknown secret costs a D1 read once; the isolate then refuses it from memory", async () => {
    const unknown = newSecret("admin").secret;
    const first = await admin(unknown);
    expect([first.status, first.body.error.code]).toEqual([401, "INVALID_CREDENTIALS"]);
    const again = await withD1Down(() => admin(unknown));
    expect([again.status, again.body.error.code]).toEqual([401, "INVALID_CREDENTIALS"]);
    // A secret never presented before does need D1, and says it is unavailable.
    const other = await withD1Down(() => admin(newSecret("admin").secret));
    expect(other.status).toBe(503);
  });
});

describe("unprefixed (legacy) secrets", () => {
  it("are looked up in development only: a hand-inserted token opens ingest there, and nowhere else", async () => {
    const legacy = `handmade-${crypto.randomUUID()}`;
    await env.DB.prepare("INSERT INTO ingest_tokens (name, hash, prefix, territory_id, created_at) SELECT 'handmade', ?1, 'handmad', id, 0 FROM territories WHERE code = 'amp'")
      .bind(await sha256(legacy))
      .run();
    const post = async (cigaleEnv: string) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        request("POST", "/v1/ingest/chirpstack?event=up", { token: legacy, json: envUp(newDevEui(), { fCnt: 1 }) }),
        { ...env, CIGALE_ENV: cigaleEnv },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return [response.status, response.status === 202 ? "" : ((await response.json()) as ErrorAnswer).error.code];
    };
    expect(await post("development")).toEqual([202, ""]);
    expect(await post("production")).toEqual([401, "MALFORMED_CREDENTIALS"]);
  });
});

describe("repeated failures from one client", () => {
  const { limit } = AUTH_FAILURE_QUOTA;

  it(`are refused with 429 and Retry-After after ${limit} unknown secrets, for that client only`, async () => {
    // The Workers rate-limiting binding runs here (Miniflare), so this is what decides.
    expect(typeof env.AUTH_FAILURES.limit).toBe("function");
    const client = newClient();
    const from = { "cf-connecting-ip": client };
    // The admin key is verified (and remembered) before the failures start.
    expect((await admin(reg.admin, from)).status).toBe(200);
    const answers: { status: number; code: string; retryAfter: string | null }[] = [];
    // Windows are aligned to the clock: 2 × limit + 1 attempts cross at most one window boundary
    // and still put more than `limit` failures into one window.
    for (let i = 0; i < 2 * limit + 1; i++) {
      const r = await admin(newSecret("admin").secret, from);
      answers.push({ status: r.status, code: r.body.error.code, retryAfter: r.headers.get("retry-after") });
    }
    expect(answers.slice(0, limit).every((a) => a.status === 401 && a.code === "INVALID_CREDENTIALS")).toBe(true);
    const first429 = answers.findIndex((a) => a.status === 429);
    expect(first429).toBeGreaterThanOrEqual(limit);
    for (const a of answers.slice(first429)) {
      expect([a.status, a.code]).toEqual([429, "TOO_MANY_FAILURES"]);
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(a.retryAfter)).toBeLessThanOrEqual(AUTH_FAILURE_QUOTA.period);
    }
    // Even the right secret of a new kind is refused for a while, but not a credential this
    // isolate already verified (a network server behind the same address keeps working)…
    expect((await ingest(newSecret("ingest").secret, from)).status).toBe(429);
    expect((await admin(reg.admin, from)).status).toBe(200);
    // … nor another client.
    expect((await admin(newSecret("admin").secret, { "cf-connecting-ip": newClient() })).status).toBe(401);
  });

  it("missing and malformed credentials are not counted: they cost no read and guess nothing", async () => {
    const from = { "cf-connecting-ip": newClient() };
    for (let i = 0; i < 2 * limit + 1; i++) {
      expect((await call<ErrorAnswer>("GET", "/v1/admin/territories", { headers: from })).body.error.code).toBe("MISSING_CREDENTIALS");
      expect((await admin("cig_admin_nope", from)).body.error.code).toBe("MALFORMED_CREDENTIALS");
    }
  });

  it("a request without CF-Connecting-IP (not through Cloudflare's edge: tests, service bindings) is not limited", async () => {
    for (let i = 0; i < 2 * limit + 1; i++) expect((await admin(newSecret("admin").secret)).status).toBe(401);
  });
});
