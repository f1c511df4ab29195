import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackEvent, chirpstackUp, envFrame, frame, newDevEui, envUp } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { settle } from "../helpers/ingest.ts";
import { type Registry, registerDevice, registerLegacyCodecDevice, setUpRegistry } from "../helpers/registry.ts";

/** Raw first, decode again later: after a registry or codec fix, POST /v1/admin/redecode. */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

async function postUp(json: unknown, token = reg.ingest): Promise<void> {
  const r = await call("POST", "/v1/ingest/chirpstack?event=up", { token, json });
  expect([r.status, r.body["result"]]).toEqual([202, "accepted"]);
}
const redecode = (json: unknown) => call<Record<string, unknown>>("POST", "/v1/admin/redecode", { token: reg.admin, json });

async function state(devEui: string): Promise<{ decode: number[]; readings: string[] }> {
  const ups = await env.DB.prepare("SELECT u.decode FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1 ORDER BY u.time").bind(devEui).all<{ decode: number }>();
  const rs = await env.DB.prepare(
    "SELECT q.key, q.decimals, r.time, r.value FROM readings r JOIN quantities q ON q.id = r.quantity_id JOIN devices d ON d.id = r.device_id WHERE d.dev_eui = ?1 ORDER BY 1, 3",
  )
    .bind(devEui)
    .all<{ key: string; decimals: number; time: number; value: number }>();
  return { decode: ups.results.map((u) => u.decode), readings: rs.results.map((r) => `${r.key}@${r.time}=${r.value / 10 ** r.decimals}`) };
}

const T = Date.parse("2026-03-16T08:00:00Z");

describe("stored uplinks", () => {
  it("a device registered with a codec that has no decoder yet is decoded once it gets its profile; twice changes nothing", async () => {
    const devEui = newDevEui();
    await registerLegacyCodecDevice(reg.admin, devEui, "acme/air-1");
    for (let i = 0; i < 3; i++) {
      const f = frame("env", { air: { temperature: 20 + i }, battery: 3.6 });
      await postUp(chirpstackUp({ devEui, fCnt: i, fPort: f.fPort, data: f.bytes, time: T + i * 600_000 }));
    }
    await settle(reg.ingest);
    expect(await state(devEui)).toEqual({ decode: [1, 1, 1], readings: [] });

    // The registry was wrong: it is one of our env stations.
    expect((await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { profile: "env" } })).status).toBe(200);
    const first = await redecode({ devEui });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ uplinks: 3, decoded: 3, failed: 0, readings: 6, next: null });
    const after = await state(devEui);
    expect(after.decode).toEqual([0, 0, 0]);
    expect(after.readings).toEqual([
      `air.temperature@${T}=20`,
      `air.temperature@${T + 600_000}=21`,
      `air.temperature@${T + 1_200_000}=22`,
      `battery@${T}=3.6`,
      `battery@${T + 600_000}=3.6`,
      `battery@${T + 1_200_000}=3.6`,
    ]);
    expect((await redecode({ devEui })).body).toEqual(first.body);
    expect(await state(devEui)).toEqual(after);
  });

  it("re-decoding replaces what a wrong decoder had stored at those times", async () => {
    const devEui = newDevEui();
    // Registered as a waste bin, but it is an env station: its frames decode as something else or fail.
    await registerDevice(reg.admin, devEui, { profile: "waste" });
    const f = envFrame();
    await postUp(chirpstackUp({ devEui, fCnt: 1, fPort: f.fPort, data: f.bytes, time: T }));
    await settle(reg.ingest);
    await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { profile: "env" } });
    await redecode({ devEui });
    const s = await state(devEui);
    expect(s.decode).toEqual([0]);
    expect(s.readings).toHaveLength(9);
    expect(s.readings.filter((r) => r.startsWith("level.") || r.startsWith("tilt."))).toEqual([]);
  });

  it("the device state's battery and firmware follow the re-decoded readings (the newest of each)", async () => {
    const devEui = newDevEui();
    await registerLegacyCodecDevice(reg.admin, devEui, "acme/air-4");
    const status = frame("env", { message: "status", device: { firmware: "1.4.2", uptime: 60, resetCause: "powerOn", lastError: 0, interval: 600 }, battery: 3.3 });
    const older = frame("env", { air: { temperature: 20 }, battery: 3.61 });
    const newer = frame("env", { air: { temperature: 21 } });
    await postUp(chirpstackUp({ devEui, fCnt: 1, fPort: status.fPort, data: status.bytes, time: T }));
    await postUp(chirpstackUp({ devEui, fCnt: 2, fPort: older.fPort, data: older.bytes, time: T + 600_000 }));
    await postUp(chirpstackUp({ devEui, fCnt: 3, fPort: newer.fPort, data: newer.bytes, time: T + 1_200_000 }));
    await settle(reg.ingest);
    const deviceState = async () => (await call<{ state: Record<string, unknown> }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin })).body.state;
    expect(await deviceState()).toMatchObject({ battery: null, firmware: null, fCnt: 3 });

    await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { profile: "env" } });
    expect((await redecode({ devEui })).body).toMatchObject({ uplinks: 3, decoded: 3 });
    // Battery from the uplink at T + 10 min (the newest that carried one), firmware from the status frame.
    expect(await deviceState()).toMatchObject({ battery: 3.61, firmware: "1.4.2", fCnt: 3 });

    // Registered wrongly again (as an old database holds it: the API refuses a codec outside the
    // catalog now): nothing decodes, so the state no longer claims a battery or firmware.
    await env.DB.prepare("UPDATE devices SET profile = NULL, codec = 'acme/air-4' WHERE dev_eui = ?1").bind(devEui).run();
    expect((await redecode({ devEui })).body).toMatchObject({ uplinks: 3, failed: 3 });
    expect(await deviceState()).toMatchObject({ battery: null, firmware: null, fCnt: 3 });
  });

  it("a time range and failedOnly narrow the selection; pages continue with next", async () => {
    const devEui = newDevEui();
    await registerLegacyCodecDevice(reg.admin, devEui, "acme/air-2");
    for (let i = 0; i < 5; i++) {
      const f = frame("env", { air: { no2: 30 + i } });
      await postUp(chirpstackUp({ devEui, fCnt: i, fPort: f.fPort, data: f.bytes, time: T + i * 3_600_000 }));
    }
    await settle(reg.ingest);
    await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { profile: "env" } });
    const ranged = await redecode({ devEui, from: new Date(T + 3_600_000).toISOString(), to: new Date(T + 3 * 3_600_000).toISOString() });
    expect(ranged.body).toMatchObject({ uplinks: 2, decoded: 2 });
    expect((await state(devEui)).decode).toEqual([1, 0, 0, 1, 1]);

    const page1 = await redecode({ devEui, failedOnly: true, limit: 2 });
    expect(page1.body).toMatchObject({ uplinks: 2, decoded: 2, next: expect.any(String) });
    const page2 = await redecode({ devEui, failedOnly: true, limit: 2, after: page1.body["next"] });
    expect(page2.body).toMatchObject({ uplinks: 1, decoded: 1, next: null });
    expect((await state(devEui)).decode).toEqual([0, 0, 0, 0, 0]);
  });

  it("selects by codec across devices: every device of a commercial codec, after its decoder is fixed", async () => {
    const a = newDevEui();
    const b = newDevEui();
    for (const devEui of [a, b]) await registerLegacyCodecDevice(reg.admin, devEui, "acme/air-3");
    for (const devEui of [a, b]) {
      const f = frame("env", { air: { o3: 40 } });
      await postUp(chirpstackUp({ devEui, fCnt: 1, fPort: f.fPort, data: f.bytes, time: T }));
    }
    await settle(reg.ingest);
    // The registry learns these are our env stations; one selection re-decodes all of them.
    for (const devEui of [a, b]) await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { profile: "env" } });
    expect((await redecode({ codec: "acme/air-3" })).body).toMatchObject({ uplinks: 0 });
    const r = await redecode({ profile: "env", failedOnly: true, from: new Date(T).toISOString(), to: new Date(T + 1).toISOString() });
    expect(r.body).toMatchObject({ uplinks: 2, decoded: 2, failed: 0, readings: 2 });
    expect((await state(a)).readings).toEqual([`air.o3@${T}=40`]);
    expect((await state(b)).readings).toEqual([`air.o3@${T}=40`]);
  });

  it("refuses a selection it cannot understand", async () => {
    const r = await redecode({ devEui: "xyz" });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain("DevEUI");
  });
});

describe("quarantine", () => {
  it("events of an unknown device are stored once the device is registered, and leave the open list", async () => {
    const devEui = newDevEui();
    const f = envFrame();
    await postUp(chirpstackUp({ devEui, fCnt: 1, fPort: f.fPort, data: f.bytes, time: T }));
    await postUp(chirpstackUp({ devEui, fCnt: 2, fPort: f.fPort, data: f.bytes, time: T + 600_000 }));
    expect((await call("POST", "/v1/ingest/chirpstack?event=join", { token: reg.ingest, json: chirpstackEvent("join", devEui) })).status).toBe(202);
    await settle(reg.ingest);
    const open = await call<{ quarantine: { id: number }[] }>("GET", `/v1/admin/quarantine?devEui=${devEui}`, { token: reg.admin });
    expect(open.body.quarantine).toHaveLength(3);

    // Still unknown: nothing changes.
    expect((await redecode({ quarantine: true, devEui })).body).toMatchObject({ events: 3, stored: 0, stillQuarantined: 3 });

    await registerDevice(reg.admin, devEui, { profile: "env" });
    expect((await redecode({ quarantine: true, devEui })).body).toEqual({ events: 3, stored: 3, duplicate: 0, stillQuarantined: 0, next: null });
    expect((await state(devEui)).readings).toHaveLength(18);
    const device = await call<{ state: Record<string, unknown> }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin });
    expect(device.body.state).toMatchObject({ devAddr: "01a2b3c4", fCnt: 2 });

    expect((await call<{ quarantine: unknown[] }>("GET", `/v1/admin/quarantine?devEui=${devEui}`, { token: reg.admin })).body.quarantine).toEqual([]);
    const all = await call<{ quarantine: { resolution: string }[] }>("GET", `/v1/admin/quarantine?devEui=${devEui}&all=true`, { token: reg.admin });
    expect(all.body.quarantine.map((q) => q.resolution)).toEqual(["stored", "stored", "stored"]);
    // Nothing left to do.
    expect((await redecode({ quarantine: true, devEui })).body).toMatchObject({ events: 0 });
  });

  it("keeps the scope the event was accepted under: a device registered outside it stays quarantined", async () => {
    const devEui = newDevEui();
    await postUp(envUp(devEui), reg.aixOnly);
    await settle(reg.ingest);
    await registerDevice(reg.admin, devEui, { commune: "13055" });
    const r = await redecode({ quarantine: true, devEui });
    expect(r.body).toMatchObject({ events: 1, stillQuarantined: 1 });
    const q = await call<{ quarantine: { reason: { code: string } }[] }>("GET", `/v1/admin/quarantine?devEui=${devEui}`, { token: reg.admin });
    expect(q.body.quarantine[0]?.reason.code).toBe("OUT_OF_SCOPE");
  });
});
