import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { D1Faults } from "../helpers/d1-faults.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { type Registry, setUpRegistry } from "../helpers/registry.ts";

/**
 * 5xx answers: the body says what happened in the API's words and gives a request id; D1's own
 * error text (table and column names, SQL, constraint details) only reaches the Worker's log,
 * under that id.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

let faults: D1Faults | undefined;
afterEach(() => {
  faults?.uninstall();
  faults = undefined;
  vi.restoreAllMocks();
});

const D1_TEXT = "D1_ERROR: no such column: secret_internal_column: SQLITE_ERROR";

describe("a D1 failure behind an admin route", () => {
  it("a statement D1 refuses is a 500 whose body carries a request id and not D1's text, and the log has both", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${String((a as { cause?: unknown }).cause)}` : String(a))).join(" "));
    });
    // Warm the admin key's cache so that only the write fails.
    expect((await call("GET", "/v1/admin/territories", { token: reg.admin })).status).toBe(200);
    faults = D1Faults.install({ refuse: { sql: /INSERT INTO territories/i, error: D1_TEXT } });
    const r = await call<ErrorAnswer>("POST", "/v1/admin/territories", { token: reg.admin, json: { code: "xyz", name: "Nowhere" } });
    expect([r.status, r.body.error.code]).toEqual([500, "STATEMENT_REFUSED"]);
    const text = JSON.stringify(r.body);
    for (const leak of ["D1_ERROR", "secret_internal_column", "SQLITE", "no such column"]) expect(text).not.toContain(leak);
    const id = r.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-z-]{8,}$/i);
    expect(r.body.error.message).toContain(id!);
    expect(logged.some((line) => line.includes(id!) && line.includes("secret_internal_column"))).toBe(true);
  });

  it("an outage is a 503 without D1's text; the request id is the Cloudflare ray id when there is one (what the dashboard's logs show)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect((await call("GET", "/v1/admin/territories", { token: reg.admin })).status).toBe(200);
    faults = D1Faults.install({ down: true });
    const r = await call<ErrorAnswer>("GET", "/v1/admin/territories/amp", { token: reg.admin, headers: { "cf-ray": "8f1e2d3c4b5a6978-CDG" } });
    expect([r.status, r.body.error.code]).toEqual([503, "STORAGE_UNAVAILABLE"]);
    expect(r.headers.get("x-request-id")).toBe("8f1e2d3c4b5a6978-CDG");
    expect(r.body.error.message).toContain("8f1e2d3c4b5a6978-CDG");
    expect(JSON.stringify(r.body)).not.toContain("Network connection lost");
  });
});
