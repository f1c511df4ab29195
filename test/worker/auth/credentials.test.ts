import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newSecret, sameHash, sha256 } from "../../../worker/src/auth/secrets.ts";
import worker from "../../../worker/src/index.ts";
import { envUp, newDevEui } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer, request } from "../helpers/http.ts";
import { accepted, MARKER_DEVICE, settle } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/** The credentials matrix: who may write and read what, and what a refusal leaves behind (nothing). */

let reg: Registry;
let aixDevice: string;
let marseilleDevice: string;
beforeAll(async () => {
  reg = await setUpRegistry();
  aixDevice = newDevEui();
  marseilleDevice = newDevEui();
  await registerDevice(reg.admin, aixDevice, { commune: "13001" });
  await registerDevice(reg.admin, marseilleDevice, { commune: "13055" });
  // One uplink each through the territory's token: the queue consumer reads both registry
  // entries, and this isolate knows from then on where the two devices are.
  await accepted("up", up(aixDevice), reg.ingest);
  await accepted("up", up(marseilleDevice), reg.ingest);
  await settle(reg.ingest);
});

/** Uplinks and quarantined events (settle()'s markers left out), once everything accepted was consumed. */
async function stored(): Promise<number> {
  await settle(reg.ingest);
  const r = await env.DB.prepare("SELECT (SELECT count(*) FROM uplinks) + (SELECT count(*) FROM quarantine WHERE dev_eui <> ?1) AS n")
    .bind(MARKER_DEVICE)
    .first<{ n: number }>();
  return r?.n ?? -1;
}

const up = (devEui: string) => envUp(devEui, { fCnt: Math.floor(Math.random() * 1e9) });

describe("ingest", () => {
  const cases: { name: string; headers: () => Record<string, string>; device: () => string; status: number; code: string }[] = [
    { name: "no Authorization header", headers: () => ({}), device: () => aixDevice, status: 401, code: "MISSING_CREDENTIALS" },
    { name: "a Basic scheme", headers: () => ({ authorization: `Basic ${btoa("a:b")}` }), device: () => aixDevice, status: 401, code: "INVALID_AUTHORIZATION" },
    { name: "a token of the wrong form", headers: () => ({ authorization: "Bearer cig_ingest_nope" }), device: () => aixDevice, status: 401, code: "MALFORMED_CREDENTIALS" },
    { name: "an unknown token", headers: () => ({ authorization: `Bearer ${newSecret("ingest").secret}` }), device: () => aixDevice, status: 401, code: "INVALID_CREDENTIALS" },
    { name: "an admin key", headers: () => ({ authorization: `Bearer ${reg.admin}` }), device: () => aixDevice, status: 403, code: "WRONG_CREDENTIAL_KIND" },
    { name: "the dev ingest token outside development", headers: () => ({ authorization: "Bearer dev-ingest-token" }), device: () => aixDevice, status: 401, code: "DEV_CREDENTIAL_REFUSED" },
  ];

  it.each(cases)("$name → $status $code, nothing stored", async (c) => {
    const before = await stored();
    const r = await call<ErrorAnswer>("POST", "/v1/ingest/chirpstack?event=up", { headers: c.headers(), json: up(c.device()) });
    expect(r.status).toBe(c.status);
    expect(r.body.error.code).toBe(c.code);
    expect(r.body.error.message.length).toBeGreaterThan(20);
    if (c.status === 401) expect(r.headers.get("www-authenticate")).toBe('Bearer realm="cigale"');
    expect(await stored()).toBe(before);
  });

  // ChirpStack never retries: a 403 from this isolate's cached registry entry, stale after a device
  // moved, would lose the uplink. The route never refuses a device; the consumer reads the registry.
  it.each([
    { name: "a commune token, for a device of another commune", token: () => reg.aixOnly, device: () => marseilleDevice, scope: "commune 13001", hidden: ["13055", "amp"] },
    { name: "a token of another territory", token: () => reg.toulon, device: () => aixDevice, scope: "territory tpm", hidden: ["13001", "amp"] },
  ])("$name, for a device this isolate knows: accepted, then quarantined OUT_OF_SCOPE without saying where the device is", async (c) => {
    const before = await stored();
    const devEui = c.device();
    const fCnt = Math.floor(Math.random() * 1e9);
    await accepted("up", envUp(devEui, { fCnt }), c.token());
    expect(await stored()).toBe(before + 1);
    const row = await env.DB.prepare("SELECT reason_code, reason FROM quarantine WHERE dev_eui = ?1 AND event_key LIKE ?2")
      .bind(devEui, `%:${fCnt}`)
      .first<{ reason_code: string; reason: string }>();
    expect(row?.reason_code).toBe("OUT_OF_SCOPE");
    expect(row?.reason).toContain(c.scope);
    for (const where of c.hidden) expect(row?.reason).not.toContain(where);
  });

  it("a device the isolate does not know yet, outside the token's scope: accepted, then quarantined OUT_OF_SCOPE, never stored", async () => {
    const stranger = newDevEui();
    await registerDevice(reg.admin, stranger, { commune: "13055" });
    const before = await stored();
    await accepted("up", up(stranger), reg.aixOnly);
    expect(await stored()).toBe(before + 1);
    const q = await call<{ quarantine: { reason: { code: string; message: string } }[] }>("GET", `/v1/admin/quarantine?devEui=${stranger}`, { token: reg.admin });
    expect(q.body.quarantine.map((e) => e.reason.code)).toEqual(["OUT_OF_SCOPE"]);
    expect(q.body.quarantine[0]?.reason.message).toContain("commune 13001");
    expect(q.body.quarantine[0]?.reason.message).not.toContain("13055");
    const uplinks = await env.DB.prepare("SELECT count(*) AS n FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1").bind(stranger).first<{ n: number }>();
    expect(uplinks?.n).toBe(0);
  });

  it("a commune token writes to its commune, a territory token to all of the territory's communes", async () => {
    const before = await stored();
    await accepted("up", up(aixDevice), reg.aixOnly);
    await accepted("up", up(aixDevice), reg.ingest);
    await accepted("up", up(marseilleDevice), reg.ingest);
    expect(await stored()).toBe(before + 3);
    expect((await call("POST", "/v1/ingest/ttn", { token: reg.toulon, body: "{}", contentType: "application/json" })).status).toBe(400);
  });

  it("a revoked token is refused from then on", async () => {
    const created = await call<{ id: number; token: string }>("POST", "/v1/admin/ingest-tokens", { token: reg.admin, json: { name: "short-lived", commune: "13001" } });
    const token = created.body.token;
    expect((await call("POST", "/v1/ingest/chirpstack?event=up", { token, json: up(aixDevice) })).status).toBe(202);
    expect((await call("DELETE", `/v1/admin/ingest-tokens/${created.body.id}`, { token: reg.admin })).status).toBe(200);
    const r = await call<ErrorAnswer>("POST", "/v1/ingest/chirpstack?event=up", { token, json: up(aixDevice) });
    expect([r.status, r.body.error.code]).toEqual([401, "INVALID_CREDENTIALS"]);
  });

  it("the dev credentials open a Worker whose CIGALE_ENV is development, and only that one", async () => {
    const devHash = await sha256("dev-ingest-token");
    await env.DB.prepare("INSERT INTO ingest_tokens (name, hash, prefix, territory_id, created_at) SELECT 'dev', ?1, 'dev-ing', id, 0 FROM territories WHERE code = 'amp'")
      .bind(devHash)
      .run();
    const post = async (cigaleEnv: string) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        request("POST", "/v1/ingest/chirpstack?event=up", { token: "dev-ingest-token", json: up(aixDevice) }),
        { ...env, CIGALE_ENV: cigaleEnv },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return response.status;
    };
    expect(await post("development")).toBe(202);
    expect(await post("production")).toBe(401);
    expect(await post("staging")).toBe(401);
  });
});

describe("admin API", () => {
  const ROUTES: [string, string][] = [
    ["GET", "/v1/admin/territories"],
    ["POST", "/v1/admin/territories"],
    ["PATCH", "/v1/admin/territories/amp"],
    ["DELETE", "/v1/admin/territories/amp"],
    ["GET", "/v1/admin/communes"],
    ["POST", "/v1/admin/communes"],
    ["DELETE", "/v1/admin/communes/13001"],
    ["GET", "/v1/admin/devices"],
    ["POST", "/v1/admin/devices"],
    ["POST", "/v1/admin/devices/import"],
    ["GET", "/v1/admin/devices/0018b20000000001"],
    ["PATCH", "/v1/admin/devices/0018b20000000001"],
    ["DELETE", "/v1/admin/devices/0018b20000000001"],
    ["GET", "/v1/admin/devices/0018b20000000001/uplinks"],
    ["GET", "/v1/admin/devices/0018b20000000001/readings"],
    ["GET", "/v1/admin/devices/0018b20000000001/events"],
    ["GET", "/v1/admin/quarantine"],
    ["POST", "/v1/admin/redecode"],
    ["GET", "/v1/admin/spool"],
    ["POST", "/v1/admin/spool/drain"],
    ["GET", "/v1/admin/quantities"],
    ["GET", "/v1/admin/ingest-tokens"],
    ["POST", "/v1/admin/ingest-tokens"],
    ["DELETE", "/v1/admin/ingest-tokens/1"],
    ["GET", "/v1/admin/admin-keys"],
    ["POST", "/v1/admin/admin-keys"],
    ["DELETE", "/v1/admin/admin-keys/1"],
    ["GET", "/v1/admin/api-keys"],
    ["POST", "/v1/admin/api-keys"],
    ["DELETE", "/v1/admin/api-keys/1"],
    ["GET", "/v1/admin/audit"],
  ];

  it.each(ROUTES)("%s %s needs an admin key (401 without, 403 with an ingest token)", async (method, path) => {
    const json = method === "GET" ? undefined : {};
    const none = await call<ErrorAnswer>(method, path, { json });
    expect([none.status, none.body.error.code]).toEqual([401, "MISSING_CREDENTIALS"]);
    const ingest = await call<ErrorAnswer>(method, path, { token: reg.ingest, json });
    expect([ingest.status, ingest.body.error.code]).toEqual([403, "WRONG_CREDENTIAL_KIND"]);
    const wrong = await call<ErrorAnswer>(method, path, { token: newSecret("admin").secret, json });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, "INVALID_CREDENTIALS"]);
  });

  it("the documented dev admin key opens a Worker whose CIGALE_ENV is development, and only that one", async () => {
    const devHash = await sha256("dev-admin-key");
    const inserted = await env.DB.prepare("INSERT INTO admin_keys (name, hash, prefix, created_at) VALUES ('dev', ?1, 'dev-adm', 0) RETURNING id")
      .bind(devHash)
      .first<{ id: number }>();
    try {
      const get = async (cigaleEnv: string) => {
        const ctx = createExecutionContext();
        const response = await worker.fetch(request("GET", "/v1/admin/territories", { token: "dev-admin-key" }), { ...env, CIGALE_ENV: cigaleEnv }, ctx);
        await waitOnExecutionContext(ctx);
        const body = (await response.json()) as { error?: { code: string } };
        return [response.status, body.error?.code ?? null];
      };
      expect(await get("development")).toEqual([200, null]);
      expect(await get("production")).toEqual([401, "DEV_CREDENTIAL_REFUSED"]);
      expect(await get("staging")).toEqual([401, "DEV_CREDENTIAL_REFUSED"]);
      expect(await get("")).toEqual([401, "DEV_CREDENTIAL_REFUSED"]);
    } finally {
      await env.DB.prepare("UPDATE admin_keys SET revoked_at = 1 WHERE id = ?1").bind(inserted!.id).run();
    }
  });

  it("the health check is the only public route", async () => {
    expect((await call("GET", "/v1/health")).status).toBe(200);
  });

  it("secrets are shown once and stored as SHA-256 only", async () => {
    const created = await call<{ id: number; token: string; prefix: string; note: string }>("POST", "/v1/admin/ingest-tokens", {
      token: reg.admin,
      json: { name: "app", territory: "amp" },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^cig_ingest_[A-Za-z0-9_-]{43}$/);
    expect(created.body.token.startsWith(created.body.prefix)).toBe(true);
    expect(created.body.note).toContain("only once");
    const row = await env.DB.prepare("SELECT hash, prefix FROM ingest_tokens WHERE id = ?1").bind(created.body.id).first<{ hash: ArrayBuffer; prefix: string }>();
    expect(sameHash(row!.hash, await sha256(created.body.token))).toBe(true);
    const dump = JSON.stringify(await env.DB.prepare("SELECT * FROM ingest_tokens").all());
    expect(dump).not.toContain(created.body.token);
    const listed = await call("GET", "/v1/admin/ingest-tokens", { token: reg.admin });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);

    const key = await call<{ id: number; key: string }>("POST", "/v1/admin/admin-keys", { token: reg.admin, json: { name: "second operator" } });
    expect(key.body.key).toMatch(/^cig_admin_/);
    expect((await call("GET", "/v1/admin/territories", { token: key.body.key })).status).toBe(200);
    expect(JSON.stringify((await call("GET", "/v1/admin/admin-keys", { token: reg.admin })).body)).not.toContain(key.body.key);
  });

  it("a revoked admin key is refused; the last active one cannot be revoked", async () => {
    const key = await call<{ id: number; key: string }>("POST", "/v1/admin/admin-keys", { token: reg.admin, json: { name: "temp" } });
    expect((await call("DELETE", `/v1/admin/admin-keys/${key.body.id}`, { token: reg.admin })).status).toBe(200);
    const refused = await call<ErrorAnswer>("GET", "/v1/admin/territories", { token: key.body.key });
    expect([refused.status, refused.body.error.code]).toEqual([401, "INVALID_CREDENTIALS"]);

    const keys = (await call<{ adminKeys: { id: number; revokedAt: string | null }[] }>("GET", "/v1/admin/admin-keys", { token: reg.admin })).body.adminKeys;
    const active = keys.filter((k) => k.revokedAt === null);
    for (const k of active.slice(1)) await call("DELETE", `/v1/admin/admin-keys/${k.id}`, { token: reg.admin });
    const last = active[0]!;
    const r = await call<ErrorAnswer>("DELETE", `/v1/admin/admin-keys/${last.id}`, { token: reg.admin });
    expect([r.status, r.body.error.code]).toEqual([409, "LAST_ADMIN_KEY"]);
  });
});

describe("sameHash", () => {
  it("compares hashes of equal length only", async () => {
    const a = await sha256("a");
    expect(sameHash(a, await sha256("a"))).toBe(true);
    expect(sameHash(a, await sha256("b"))).toBe(false);
    expect(sameHash(a, a.slice(0, 16))).toBe(false);
  });
});
