import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS, canSeeDevice, type ReadAccess, readAccess } from "../../../worker/src/auth/read-access.ts";
import { newSecret, sameHash, sha256 } from "../../../worker/src/auth/secrets.ts";
import { onError } from "../../../worker/src/http/errors.ts";
import type { AppEnv } from "../../../worker/src/http/types.ts";
import { call, type ErrorAnswer, request } from "../helpers/http.ts";
import { type Registry, setUpRegistry } from "../helpers/registry.ts";

/** Read keys: created, listed and revoked by the admin API; resolved by readAccess() into a ReadAccess. */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

interface Created {
  id: number;
  key: string;
  prefix: string;
  scope: string;
  territory: string | null;
  commune: string | null;
  note: string;
}

async function createKey(json: Record<string, unknown>): Promise<Created> {
  const r = await call<Created>("POST", "/v1/admin/api-keys", { token: reg.admin, json });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** A public route as h-api mounts them: readAccess() then a handler that shows what it saw. */
const app = new Hono<AppEnv>().use("*", readAccess()).get("/v1/whoami", (c) => c.json(c.var.access));
app.onError(onError);

async function whoami(authorization?: string, cigaleEnv = "production"): Promise<{ status: number; body: ReadAccess & ErrorAnswer }> {
  const response = await app.fetch(request("GET", "/v1/whoami", { headers: authorization === undefined ? {} : { authorization } }), { ...env, CIGALE_ENV: cigaleEnv });
  return { status: response.status, body: (await response.json()) as ReadAccess & ErrorAnswer };
}

describe("POST /v1/admin/api-keys", () => {
  it("shows the key once, stores its SHA-256 only, lists and revokes it", async () => {
    const created = await createKey({ name: "dashboard", scope: "read" });
    expect(created.key).toMatch(/^cig_read_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.note).toContain("only once");
    expect([created.scope, created.territory, created.commune]).toEqual(["read", null, null]);
    const row = await env.DB.prepare("SELECT hash FROM api_keys WHERE id = ?1").bind(created.id).first<{ hash: ArrayBuffer }>();
    expect(sameHash(row!.hash, await sha256(created.key))).toBe(true);
    expect(JSON.stringify(await env.DB.prepare("SELECT * FROM api_keys").all())).not.toContain(created.key);

    const listed = await call<{ apiKeys: { id: number; revokedAt: string | null }[] }>("GET", "/v1/admin/api-keys", { token: reg.admin });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.key);
    expect(listed.body.apiKeys.find((k) => k.id === created.id)?.revokedAt).toBeNull();

    const revoked = await call<{ revokedAt: string | null }>("DELETE", `/v1/admin/api-keys/${created.id}`, { token: reg.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await call("DELETE", "/v1/admin/api-keys/999999", { token: reg.admin })).status).toBe(404);
  });

  const invalid: [string, Record<string, unknown>, number, string][] = [
    ["no scope", { name: "x" }, 400, "INVALID_REQUEST"],
    ["an unknown scope", { name: "x", scope: "write" }, 400, "INVALID_REQUEST"],
    ["both a territory and a commune", { name: "x", scope: "read", territory: "amp", commune: "13001" }, 400, "INVALID_REQUEST"],
    ["an unknown territory", { name: "x", scope: "read", territory: "nowhere" }, 400, "UNKNOWN_TERRITORY"],
    ["an unknown commune", { name: "x", scope: "read", commune: "99999" }, 400, "UNKNOWN_COMMUNE"],
    ["an unknown field", { name: "x", scope: "read", expires: "never" }, 400, "INVALID_REQUEST"],
  ];
  it.each(invalid)("refuses %s: %i %s", async (_what, json, status, code) => {
    const r = await call<ErrorAnswer>("POST", "/v1/admin/api-keys", { token: reg.admin, json });
    expect([r.status, r.body.error.code]).toEqual([status, code]);
    expect(r.body.error.message.length).toBeGreaterThan(10);
  });

  it("refuses a body that is not JSON with the API's error shape", async () => {
    const r = await call<ErrorAnswer>("POST", "/v1/admin/api-keys", { token: reg.admin, body: "{", contentType: "application/json" });
    expect([r.status, r.body.error.code]).toEqual([400, "INVALID_JSON"]);
    const t = await call<ErrorAnswer>("POST", "/v1/admin/api-keys", { token: reg.admin, body: "name=x", contentType: "text/plain" });
    expect([t.status, t.body.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
  });
});

describe("readAccess()", () => {
  it("no Authorization header: anonymous", async () => {
    expect(await whoami()).toEqual({ status: 200, body: ANONYMOUS });
  });

  it("a read key: its id, public devices only, no limit", async () => {
    const k = await createKey({ name: "open data portal", scope: "read" });
    expect(await whoami(`Bearer ${k.key}`)).toEqual({ status: 200, body: { keyId: k.id, private: false, territory: null, commune: null } });
  });

  it("a read:private key limited to a commune: private devices of that commune (and its territory)", async () => {
    const k = await createKey({ name: "Aix building manager", scope: "read:private", commune: "13001" });
    const { status, body } = await whoami(`Bearer ${k.key}`);
    expect(status).toBe(200);
    expect(body).toEqual({ keyId: k.id, private: true, territory: "amp", commune: "13001" });
    expect(canSeeDevice(body, { public: false, territory: "amp", commune: "13001" })).toBe(true);
    expect(canSeeDevice(body, { public: false, territory: "amp", commune: "13055" })).toBe(false);
    expect(canSeeDevice(ANONYMOUS, { public: false, territory: "amp", commune: "13001" })).toBe(false);
  });

  it("a key limited to a territory", async () => {
    const k = await createKey({ name: "Toulon", scope: "read", territory: "tpm" });
    expect((await whoami(`Bearer ${k.key}`)).body).toEqual({ keyId: k.id, private: false, territory: "tpm", commune: null });
  });

  it("a revoked key is a 401 from then on (never a silent fall back to anonymous)", async () => {
    const k = await createKey({ name: "short-lived", scope: "read:private" });
    expect((await whoami(`Bearer ${k.key}`)).status).toBe(200);
    expect((await call("DELETE", `/v1/admin/api-keys/${k.id}`, { token: reg.admin })).status).toBe(200);
    const r = await whoami(`Bearer ${k.key}`);
    expect([r.status, r.body.error.code]).toEqual([401, "INVALID_CREDENTIALS"]);
  });

  const refused: [string, () => string, number, string][] = [
    ["an unknown read key", () => `Bearer ${newSecret("read").secret}`, 401, "INVALID_CREDENTIALS"],
    ["a malformed read key", () => "Bearer cig_read_abc", 401, "MALFORMED_CREDENTIALS"],
    ["an admin key", () => `Bearer ${reg.admin}`, 403, "WRONG_CREDENTIAL_KIND"],
    ["an ingest token", () => `Bearer ${reg.ingest}`, 403, "WRONG_CREDENTIAL_KIND"],
    ["a Basic scheme", () => `Basic ${btoa("a:b")}`, 401, "INVALID_AUTHORIZATION"],
  ];
  it.each(refused)("%s → %i %s", async (_what, header, status, code) => {
    const r = await whoami(header());
    expect([r.status, r.body.error.code]).toEqual([status, code]);
  });

  it("the documented dev read key (seeded from .dev.vars) works in development only", async () => {
    await env.DB.prepare("INSERT INTO api_keys (name, hash, prefix, scope, created_at) VALUES ('dev', ?1, 'dev-rea', 'read:private', 0)")
      .bind(await sha256("dev-read-key"))
      .run();
    const dev = await whoami("Bearer dev-read-key", "development");
    expect([dev.status, dev.body.private]).toEqual([200, true]);
    const prod = await whoami("Bearer dev-read-key");
    expect([prod.status, prod.body.error.code]).toEqual([401, "DEV_CREDENTIAL_REFUSED"]);
  });
});
