import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { setUpRegistry } from "../helpers/registry.ts";

/** CSV bulk import: every valid line registered, every other line reported with what to fix. */

let admin: string;
beforeAll(async () => {
  admin = (await setUpRegistry()).admin;
});

const upload = (csv: string, query = "") => call<Record<string, unknown>>("POST", `/v1/admin/devices/import${query}`, { token: admin, body: csv, contentType: "text/csv" });

const count = async (like: string) => (await env.DB.prepare("SELECT count(*) AS n FROM devices WHERE dev_eui LIKE ?1").bind(like).first<{ n: number }>())?.n;

describe("CSV import", () => {
  it("registers valid lines and reports each failing line with its reason", async () => {
    await call("POST", "/v1/admin/devices", { token: admin, json: { devEui: "a1a1a1a1a1a1a1ff", name: "existing", commune: "13001", profile: "env" } });
    const csv = [
      "name,devEui,commune,profile,codec,latitude,longitude,installedAt,public,tags",
      'Station A,A1A1A1A1A1A1A101,13001,env,,43.52,5.44,2026-01-15,true,"street=cours-mirabeau;owner=ville"',
      '"Bin, Vieux-Port",a1a1a1a1a1a1a102,13055,waste,,43.29,5.37,,false,',
      "Elsys ERS,a1a1a1a1a1a1a103,13055,,elsys/ers-codec,,,,,",
      "bad eui,a1a1,13001,env,,,,,,",
      "unknown commune,a1a1a1a1a1a1a105,99999,env,,,,,,",
      "twice,a1a1a1a1a1a1a101,13001,env,,,,,,",
      "already there,a1a1a1a1a1a1a1ff,13001,env,,,,,,",
      "both decoders,a1a1a1a1a1a1a108,13001,env,elsys/ers-codec,,,,,",
      "short line,a1a1a1a1a1a1a109,13001",
      "no decoder,a1a1a1a1a1a1a10a,13001,,,,,,,",
    ].join("\r\n");
    const r = await upload(csv);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dryRun: false, lines: 10, created: 3, failed: 7 });
    const report = r.body["report"] as { line: number; status: string; devEui: string | null; error?: { code: string; message: string } }[];
    expect(report.map((l) => [l.line, l.status, l.error?.code ?? null])).toEqual([
      [2, "created", null],
      [3, "created", null],
      [4, "created", null],
      [5, "failed", "INVALID_DEVICE"],
      [6, "failed", "UNKNOWN_COMMUNE"],
      [7, "failed", "DUPLICATE_LINE"],
      [8, "failed", "DEVICE_EXISTS"],
      [9, "failed", "INVALID_DEVICE"],
      [10, "failed", "INVALID_LINE"],
      [11, "failed", "INVALID_DEVICE"],
    ]);
    expect(report[3]?.error?.message).toContain("devEui: expected a DevEUI of 16 hex digits");
    expect(report[8]?.error?.message).toContain("3 fields where the header has 10");
    const a = await call("GET", "/v1/admin/devices/a1a1a1a1a1a1a101", { token: admin });
    expect(a.body).toMatchObject({ name: "Station A", public: true, installedAt: "2026-01-15T00:00:00.000Z", tags: { street: "cours-mirabeau", owner: "ville" }, latitude: 43.52 });
    expect((await call("GET", "/v1/admin/devices/a1a1a1a1a1a1a102", { token: admin })).body).toMatchObject({ name: "Bin, Vieux-Port", profile: "waste", public: false });
    expect((await call("GET", "/v1/admin/devices/a1a1a1a1a1a1a103", { token: admin })).body).toMatchObject({ profile: null, codec: "elsys/ers-codec" });
    expect(await count("a1a1a1a1a1a1a1%")).toBe(4);
  });

  it("dryRun checks the file and registers nothing", async () => {
    const r = await upload("devEui,name,commune,profile\nb2b2b2b2b2b2b201,x,13001,env\nb2b2b2b2b2b2b202,y,13001,nope", "?dryRun=true");
    expect(r.body).toMatchObject({ dryRun: true, valid: 1, failed: 1 });
    expect(await count("b2b2b2b2b2b2b2%")).toBe(0);
  });

  it("refuses files it cannot read as a whole", async () => {
    const cases: [string, string, number, string][] = [
      ["", "text/csv", 400, "EMPTY_CSV"],
      ["devEui,name,commune,colour\n", "text/csv", 400, "INVALID_CSV_HEADER"],
      ["devEui,name\n", "text/csv", 400, "INVALID_CSV_HEADER"],
      ["devEui,name,commune\n", "application/json", 415, "UNSUPPORTED_MEDIA_TYPE"],
    ];
    for (const [body, contentType, status, code] of cases) {
      const r = await call<ErrorAnswer>("POST", "/v1/admin/devices/import", { token: admin, body, contentType });
      expect([r.status, r.body.error.code], r.body.error.message).toEqual([status, code]);
    }
  });
});
