import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackUp, envUp, frame, newDevEui } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Ingest remembers recently heard devices, but never stores under a registry entry that has
 * changed: the insert checks the entry, and a change sends ingest back to D1.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const postUp = (json: unknown, token = reg.ingest) => call("POST", "/v1/ingest/chirpstack?event=up", { token, json });
const T = Date.parse("2026-03-17T08:00:00Z");

describe("registry changes between two uplinks", () => {
  it("a new profile applies to the very next uplink", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    expect((await postUp(envUp(devEui, { fCnt: 1, time: T }))).body).toMatchObject({ result: "stored", readings: 9 });
    // Its firmware was swapped for the noise monitor's.
    await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { profile: "noise" } });
    const f = frame("noise", { sound: { laeq: 61.2, lamax: 74, lamin: 48, la10: 65, la90: 50 }, battery: 3.6 });
    const r = await postUp(chirpstackUp({ devEui, fCnt: 2, fPort: f.fPort, data: f.bytes, time: T + 600_000 }));
    expect(r.body).toMatchObject({ result: "stored", readings: 6, decode: { status: "ok" } });
  });

  it("a deleted device's next uplink goes to quarantine, not under its old id", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    await postUp(envUp(devEui, { fCnt: 1, time: T }));
    await call("DELETE", `/v1/admin/devices/${devEui}?purge=true`, { token: reg.admin });
    const r = await postUp(envUp(devEui, { fCnt: 2, time: T + 600_000 }));
    expect([r.status, r.body["result"]]).toEqual([202, "quarantined"]);
    const orphans = await env.DB.prepare("SELECT count(*) AS n FROM uplinks WHERE device_id NOT IN (SELECT id FROM devices)").first<{ n: number }>();
    expect(orphans?.n).toBe(0);
  });

  it("a device moved out of the token's commune is refused at once", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env", commune: "13001" });
    expect((await postUp(envUp(devEui, { fCnt: 1, time: T }), reg.aixOnly)).status).toBe(200);
    await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { commune: "13055" } });
    const r = await call<ErrorAnswer>("POST", "/v1/ingest/chirpstack?event=up", { token: reg.aixOnly, json: envUp(devEui, { fCnt: 2, time: T + 600_000 }) });
    expect([r.status, r.body.error.code]).toEqual([403, "OUT_OF_SCOPE"]);
  });

  it("a different payload under the same time and frame counter is kept in quarantine, not dropped or merged", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    await postUp(envUp(devEui, { fCnt: 5, time: T }));
    const other = frame("env", { air: { temperature: 30 } });
    const r = await postUp(chirpstackUp({ devEui, fCnt: 5, time: T, fPort: other.fPort, data: other.bytes }));
    expect([r.status, r.body["result"]]).toEqual([202, "quarantined"]);
    expect(r.body["reason"]).toMatchObject({ code: "CONFLICTING_UPLINK" });
  });
});
