import { beforeAll, describe, expect, it } from "vitest";
import { newDevEui } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/** GET /v1/admin/audit: every successful admin write, who did it, what and when. */

interface Entry {
  id: number;
  at: string;
  adminKey: { id: number | null; prefix: string };
  action: string;
  target: string | null;
  territory: string | null;
  details: Record<string, unknown> & { status?: number; body?: unknown; query?: Record<string, string> };
}
interface Page {
  entries: Entry[];
  next: string | null;
}

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const audit = async (query: string, token = reg.admin) => {
  const r = await call<Page>("GET", `/v1/admin/audit${query}`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const byAction = (action: string, token = reg.admin) => audit(`?action=${encodeURIComponent(action)}`, token);

describe("the audit trail", () => {
  it("records a registry write with who, what, target, details and when", async () => {
    const before = Date.now();
    expect((await call("POST", "/v1/admin/territories", { token: reg.admin, json: { code: "ouest", name: "Ouest Provence" } })).status).toBe(201);
    const [entry] = (await byAction("POST /v1/admin/territories")).entries.filter((e) => JSON.stringify(e.details.body).includes("ouest"));
    expect(entry).toBeDefined();
    expect(entry!.adminKey.prefix).toBe(reg.admin.slice(0, "cig_admin_".length + 6));
    expect(entry!.target).toBe("/v1/admin/territories");
    expect(entry!.details.status).toBe(201);
    expect(entry!.details.body).toEqual({ code: "ouest", name: "Ouest Provence" });
    expect(Date.parse(entry!.at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("records a purge with its query, and the revocation of a token", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui);
    expect((await call("DELETE", `/v1/admin/devices/${devEui}?purge=true`, { token: reg.admin })).status).toBeLessThan(300);
    const purge = (await byAction("DELETE /v1/admin/devices/:devEui")).entries.find((e) => e.target === `/v1/admin/devices/${devEui}`);
    expect(purge?.details.query).toEqual({ purge: "true" });

    const token = await call<{ id: number }>("POST", "/v1/admin/ingest-tokens", { token: reg.admin, json: { name: "to revoke", commune: "13001" } });
    expect((await call("DELETE", `/v1/admin/ingest-tokens/${token.body.id}`, { token: reg.admin })).status).toBe(200);
    expect((await byAction("DELETE /v1/admin/ingest-tokens/:id")).entries.map((e) => e.target)).toContain(`/v1/admin/ingest-tokens/${token.body.id}`);
  });

  it("records the creation of a read key by what it is, never its secret", async () => {
    const created = await call<{ id: number; key: string }>("POST", "/v1/admin/api-keys", { token: reg.admin, json: { name: "portal", scope: "read:private", commune: "13055" } });
    const entry = (await byAction("POST /v1/admin/api-keys")).entries.find((e) => e.target === `api-key ${created.body.id}`);
    expect(entry?.territory).toBe("amp");
    expect(entry?.details).toMatchObject({ scope: "read:private", commune: "13055", status: 201 });
    expect(JSON.stringify(await audit("?limit=500"))).not.toContain(created.body.key);
  });

  it("does not record reads or refused writes", async () => {
    const count = async () => (await audit("?limit=500")).entries.length;
    const before = await count();
    await call("GET", "/v1/admin/territories", { token: reg.admin });
    expect((await call("POST", "/v1/admin/territories", { token: reg.admin, json: { code: "X" } })).status).toBe(400);
    expect((await call("POST", "/v1/admin/territories", { token: reg.ingest, json: { code: "zz", name: "z" } })).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it("pages newest first with a cursor, and filters by time", async () => {
    for (const code of ["p1", "p2", "p3"]) await call("POST", "/v1/admin/territories", { token: reg.admin, json: { code, name: code } });
    const first = await audit("?limit=2");
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0]!.id).toBeGreaterThan(first.entries[1]!.id);
    const second = await audit(`?limit=2&cursor=${first.next}`);
    expect(second.entries[0]!.id).toBeLessThan(first.entries[1]!.id);
    expect((await audit("?since=2999-01-01")).entries).toEqual([]);
    expect((await audit(`?since=${encodeURIComponent(first.entries[0]!.at)}`)).entries.map((e) => e.id)).toContain(first.entries[0]!.id);
    expect((await call("GET", "/v1/admin/audit?since=yesterday", { token: reg.admin })).status).toBe(400);
    expect((await call("GET", "/v1/admin/audit?cursor=abc", { token: reg.admin })).status).toBe(400);
  });

  it("shows a territory-scoped key its territory's entries only", async () => {
    const amp = (await call<{ key: string }>("POST", "/v1/admin/admin-keys", { token: reg.admin, json: { name: "amp", territory: "amp" } })).body.key;
    await call("POST", "/v1/admin/api-keys", { token: reg.admin, json: { name: "toulon", scope: "read", territory: "tpm" } });
    await call("POST", "/v1/admin/api-keys", { token: amp, json: { name: "amp's own", scope: "read" } });
    const seen = (await audit("?limit=500", amp)).entries;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.territory === "amp")).toBe(true);
    expect(seen.some((e) => e.details["name"] === "amp's own")).toBe(true);
  });
});
