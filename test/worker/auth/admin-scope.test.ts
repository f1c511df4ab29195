import { beforeAll, describe, expect, it } from "vitest";
import { newDevEui } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/** Admin keys scoped to a territory: what they may see and change, and what they are refused. */

let reg: Registry;
let amp: string;
let ampKeyId: number;
beforeAll(async () => {
  reg = await setUpRegistry();
  const created = await call<{ id: number; key: string; territory: string | null }>("POST", "/v1/admin/admin-keys", { token: reg.admin, json: { name: "amp operator", territory: "amp" } });
  expect([created.status, created.body.territory]).toEqual([201, "amp"]);
  amp = created.body.key;
  ampKeyId = created.body.id;
});

interface KeyView {
  id: number;
  key: string;
  territory: string | null;
  commune: string | null;
}

describe("a territory-scoped admin key", () => {
  it("is refused by the routes that do not filter by territory (deny by default)", async () => {
    for (const [method, path] of [
      ["GET", "/v1/admin/territories"],
      ["POST", "/v1/admin/territories"],
      ["POST", "/v1/admin/devices/import"],
      ["GET", "/v1/admin/quarantine"],
      ["POST", "/v1/admin/redecode"],
      ["GET", "/v1/admin/spool"],
    ] as const) {
      const r = await call<ErrorAnswer>(method, path, { token: amp, json: method === "GET" ? undefined : {} });
      expect([method, path, r.status, r.body.error.code]).toEqual([method, path, 403, "TERRITORY_SCOPED_KEY"]);
    }
  });

  it("creates read keys inside its territory only; one without a limit is limited to the territory", async () => {
    const own = await call<KeyView>("POST", "/v1/admin/api-keys", { token: amp, json: { name: "amp dashboard", scope: "read" } });
    expect([own.status, own.body.territory, own.body.commune]).toEqual([201, "amp", null]);
    const commune = await call<KeyView>("POST", "/v1/admin/api-keys", { token: amp, json: { name: "Aix", scope: "read:private", commune: "13001" } });
    expect([commune.status, commune.body.territory, commune.body.commune]).toEqual([201, "amp", "13001"]);
    for (const json of [
      { name: "x", scope: "read", territory: "tpm" },
      { name: "x", scope: "read", commune: "83137" },
    ]) {
      const r = await call<ErrorAnswer>("POST", "/v1/admin/api-keys", { token: amp, json });
      expect([r.status, r.body.error.code]).toEqual([403, "OUTSIDE_TERRITORY"]);
    }
  });

  it("lists and revokes its territory's read keys only; another territory's key does not exist for it", async () => {
    const toulon = await call<KeyView>("POST", "/v1/admin/api-keys", { token: reg.admin, json: { name: "toulon", scope: "read", territory: "tpm" } });
    const everywhere = await call<KeyView>("POST", "/v1/admin/api-keys", { token: reg.admin, json: { name: "national portal", scope: "read" } });
    const ampAix = await call<KeyView>("POST", "/v1/admin/api-keys", { token: reg.admin, json: { name: "aix", scope: "read", commune: "13001" } });
    const listed = await call<{ apiKeys: KeyView[] }>("GET", "/v1/admin/api-keys", { token: amp });
    const ids = listed.body.apiKeys.map((k) => k.id);
    expect(ids).toContain(ampAix.body.id);
    expect(ids).not.toContain(toulon.body.id);
    expect(ids).not.toContain(everywhere.body.id);
    expect(listed.body.apiKeys.every((k) => k.territory === "amp")).toBe(true);
    for (const id of [toulon.body.id, everywhere.body.id]) {
      expect((await call("DELETE", `/v1/admin/api-keys/${id}`, { token: amp })).status).toBe(404);
    }
    expect((await call("DELETE", `/v1/admin/api-keys/${ampAix.body.id}`, { token: amp })).status).toBe(200);
    // The platform-wide key sees them all.
    const all = (await call<{ apiKeys: KeyView[] }>("GET", "/v1/admin/api-keys", { token: reg.admin })).body.apiKeys.map((k) => k.id);
    expect(all).toEqual(expect.arrayContaining([toulon.body.id, everywhere.body.id, ampAix.body.id]));
  });

  it("creates admin keys of its own territory only, and sees and revokes only those", async () => {
    const child = await call<KeyView>("POST", "/v1/admin/admin-keys", { token: amp, json: { name: "amp deputy" } });
    expect([child.status, child.body.territory]).toEqual([201, "amp"]);
    const elsewhere = await call<ErrorAnswer>("POST", "/v1/admin/admin-keys", { token: amp, json: { name: "x", territory: "tpm" } });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([403, "OUTSIDE_TERRITORY"]);
    const listed = (await call<{ adminKeys: KeyView[] }>("GET", "/v1/admin/admin-keys", { token: amp })).body.adminKeys;
    expect(listed.map((k) => k.territory)).toEqual(listed.map(() => "amp"));
    expect(listed.map((k) => k.id)).toEqual(expect.arrayContaining([ampKeyId, child.body.id]));
    // The platform-wide bootstrap key is not among them, and cannot be revoked from here.
    const platform = (await call<{ adminKeys: KeyView[] }>("GET", "/v1/admin/admin-keys", { token: reg.admin })).body.adminKeys.find((k) => k.territory === null)!;
    expect((await call("DELETE", `/v1/admin/admin-keys/${platform.id}`, { token: amp })).status).toBe(404);
    expect((await call("DELETE", `/v1/admin/admin-keys/${child.body.id}`, { token: amp })).status).toBe(200);
    expect((await call<ErrorAnswer>("GET", "/v1/admin/api-keys", { token: child.body.key })).status).toBe(401);
  });

  it("does not count as the platform's last admin key", async () => {
    const keys = (await call<{ adminKeys: { id: number; territory: string | null; revokedAt: string | null }[] }>("GET", "/v1/admin/admin-keys", { token: reg.admin })).body.adminKeys;
    const platform = keys.filter((k) => k.territory === null && k.revokedAt === null);
    expect(platform).toHaveLength(1);
    const r = await call<ErrorAnswer>("DELETE", `/v1/admin/admin-keys/${platform[0]!.id}`, { token: reg.admin });
    expect([r.status, r.body.error.code]).toEqual([409, "LAST_ADMIN_KEY"]);
  });
});

describe("a territory-scoped admin key and the registry", () => {
  it("sees and changes its territory's devices; another territory's device does not exist for it", async () => {
    const aix = newDevEui();
    const toulon = newDevEui();
    await registerDevice(reg.admin, aix, { commune: "13001" });
    await registerDevice(reg.admin, toulon, { commune: "83137" });
    expect((await call("GET", `/v1/admin/devices/${aix}`, { token: amp })).status).toBe(200);
    expect((await call("GET", `/v1/admin/devices/${aix}/readings`, { token: amp })).status).toBe(200);
    expect((await call("PATCH", `/v1/admin/devices/${aix}`, { token: amp, json: { name: "renamed" } })).status).toBe(200);
    for (const [method, path] of [
      ["GET", `/v1/admin/devices/${toulon}`],
      ["GET", `/v1/admin/devices/${toulon}/uplinks`],
      ["PATCH", `/v1/admin/devices/${toulon}`],
      ["DELETE", `/v1/admin/devices/${toulon}`],
    ] as const) {
      const r = await call<ErrorAnswer>(method, path, { token: amp, json: method === "PATCH" ? { name: "mine now" } : undefined });
      expect([method, path, r.status, r.body.error.code]).toEqual([method, path, 404, "NOT_FOUND"]);
    }
    const moved = await call<ErrorAnswer>("PATCH", `/v1/admin/devices/${aix}`, { token: amp, json: { commune: "83137" } });
    expect([moved.status, moved.body.error.code]).toEqual([403, "OUTSIDE_TERRITORY"]);
    const created = await call<ErrorAnswer>("POST", "/v1/admin/devices", {
      token: amp,
      json: { devEui: newDevEui(), name: "x", commune: "83137", profile: "env", public: true },
    });
    expect([created.status, created.body.error.code]).toEqual([403, "OUTSIDE_TERRITORY"]);
    expect((await call("POST", "/v1/admin/devices", { token: amp, json: { devEui: newDevEui(), name: "x", commune: "13055", profile: "env", public: true } })).status).toBe(201);
    const toulonDevice = await call<{ name: string }>("GET", `/v1/admin/devices/${toulon}`, { token: reg.admin });
    expect(toulonDevice.body.name).toBe(`device ${toulon}`);
  });

  it("lists devices and communes with its territory as the filter, never without", async () => {
    const devices = await call<{ devices: { territory: string }[] }>("GET", "/v1/admin/devices?territory=amp", { token: amp });
    expect(devices.status).toBe(200);
    expect(devices.body.devices.every((d) => d.territory === "amp")).toBe(true);
    expect((await call("GET", "/v1/admin/devices?commune=13055", { token: amp })).status).toBe(200);
    for (const path of ["/v1/admin/devices", "/v1/admin/devices?territory=tpm", "/v1/admin/devices?commune=83137", "/v1/admin/communes", "/v1/admin/communes?territory=tpm"]) {
      const r = await call<ErrorAnswer>("GET", path, { token: amp });
      expect([path, r.status, r.body.error.code]).toEqual([path, 403, "OUTSIDE_TERRITORY"]);
    }
    const communes = await call<{ communes: { territory: string }[] }>("GET", "/v1/admin/communes?territory=amp", { token: amp });
    expect(communes.body.communes.map((c) => c.territory)).toEqual(["amp", "amp"]);
    expect((await call("GET", "/v1/admin/communes/83137", { token: amp })).status).toBe(404);
    expect((await call("GET", "/v1/admin/communes/13001", { token: amp })).status).toBe(200);
    const created = await call<ErrorAnswer>("POST", "/v1/admin/communes", { token: amp, json: { insee: "83069", name: "Hyères", territory: "tpm" } });
    expect([created.status, created.body.error.code]).toEqual([403, "OUTSIDE_TERRITORY"]);
  });

  it("creates, lists and revokes its territory's ingest tokens only", async () => {
    const own = await call<{ id: number }>("POST", "/v1/admin/ingest-tokens", { token: amp, json: { name: "amp app", commune: "13055" } });
    expect(own.status).toBe(201);
    const toulon = await call<{ id: number }>("POST", "/v1/admin/ingest-tokens", { token: reg.admin, json: { name: "tpm app", territory: "tpm" } });
    for (const json of [
      { name: "x", territory: "tpm" },
      { name: "x", commune: "83137" },
    ]) {
      const r = await call<ErrorAnswer>("POST", "/v1/admin/ingest-tokens", { token: amp, json });
      expect([r.status, r.body.error.code]).toEqual([403, "OUTSIDE_TERRITORY"]);
    }
    const listed = (await call<{ ingestTokens: { id: number; territory: string | null; commune: string | null }[] }>("GET", "/v1/admin/ingest-tokens", { token: amp })).body.ingestTokens;
    expect(listed.map((t) => t.id)).toContain(own.body.id);
    expect(listed.map((t) => t.id)).not.toContain(toulon.body.id);
    expect(listed.every((t) => t.territory === "amp" || ["13001", "13055"].includes(t.commune ?? ""))).toBe(true);
    expect((await call("DELETE", `/v1/admin/ingest-tokens/${toulon.body.id}`, { token: amp })).status).toBe(404);
    expect((await call("DELETE", `/v1/admin/ingest-tokens/${own.body.id}`, { token: amp })).status).toBe(200);
  });
});
