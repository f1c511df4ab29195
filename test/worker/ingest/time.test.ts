import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackTime, envUp, newDevEui, ttnUplink } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { accepted, settle, storedUplinks } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * The time policy (worker/README.md, "Time"): each uplink keeps three times — the one the
 * network server chose (readings are dated from it), the network server's own receive time and
 * the Worker's — and an uplink dated more than a few minutes after the Worker received it is
 * quarantined, never stored as a reading, so it cannot hold the device state at a future time.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

async function quarantined(devEui: string): Promise<{ reason_code: string; reason: string; time: number }[]> {
  const { results } = await env.DB.prepare("SELECT reason_code, reason, time FROM quarantine WHERE dev_eui = ?1 ORDER BY id")
    .bind(devEui)
    .all<{ reason_code: string; reason: string; time: number }>();
  return results;
}

async function times(devEui: string) {
  const { results } = await env.DB.prepare(
    "SELECT u.f_cnt, u.time, u.ns_time, u.received_at FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1 ORDER BY u.time",
  )
    .bind(devEui)
    .all<{ f_cnt: number; time: number; ns_time: number | null; received_at: number | null }>();
  return results;
}

async function readingTimes(devEui: string): Promise<number[]> {
  const { results } = await env.DB.prepare(
    "SELECT DISTINCT r.time FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.dev_eui = ?1 ORDER BY r.time",
  )
    .bind(devEui)
    .all<{ time: number }>();
  return results.map((r) => r.time);
}

async function lastSeen(devEui: string): Promise<{ lastSeenAt: string; fCnt: number }> {
  const device = await call<{ state: { lastSeenAt: string; fCnt: number } }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin });
  return { lastSeenAt: device.body.state.lastSeenAt, fCnt: device.body.state.fCnt };
}

describe("future-dated uplinks", () => {
  it("an uplink dated a day ahead (a gateway clock gone wrong) is quarantined FUTURE_TIME, and later uplinks still move the device state", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const now = Math.floor(Date.now() / 1000) * 1000;
    await accepted("up", envUp(devEui, { fCnt: 1, time: now + DAY }), reg.ingest);
    await settle(reg.ingest);
    await accepted("up", envUp(devEui, { fCnt: 2, time: now }), reg.ingest);
    await settle(reg.ingest);

    expect((await storedUplinks(devEui)).map((u) => u.f_cnt)).toEqual([2]);
    expect(await readingTimes(devEui)).toEqual([now]);
    expect(await lastSeen(devEui)).toEqual({ lastSeenAt: new Date(now).toISOString(), fCnt: 2 });
    const q = await quarantined(devEui);
    expect(q.map((e) => [e.reason_code, e.time])).toEqual([["FUTURE_TIME", now + DAY]]);
    expect(q[0]?.reason).toContain(new Date(now + DAY).toISOString());
  });

  it("the same holds when both uplinks arrive in one queue batch", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const now = Math.floor(Date.now() / 1000) * 1000;
    await accepted("up", envUp(devEui, { fCnt: 1, time: now + DAY }), reg.ingest);
    await accepted("up", envUp(devEui, { fCnt: 2, time: now }), reg.ingest);
    await settle(reg.ingest);
    expect((await storedUplinks(devEui)).map((u) => u.f_cnt)).toEqual([2]);
    expect(await lastSeen(devEui)).toEqual({ lastSeenAt: new Date(now).toISOString(), fCnt: 2 });
    expect((await quarantined(devEui)).map((e) => e.reason_code)).toEqual(["FUTURE_TIME"]);
  });

  it("a device state already holding a future time (stored before this check) is moved by the next plausible uplink", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const now = Math.floor(Date.now() / 1000) * 1000;
    await env.DB.prepare(
      "INSERT INTO device_state (device_id, last_seen_at, f_cnt) SELECT id, ?2, 1 FROM devices WHERE dev_eui = ?1",
    )
      .bind(devEui, now + 30 * DAY)
      .run();
    await accepted("up", envUp(devEui, { fCnt: 2, time: now }), reg.ingest);
    await settle(reg.ingest);
    expect(await lastSeen(devEui)).toEqual({ lastSeenAt: new Date(now).toISOString(), fCnt: 2 });
  });

  it("a status event dated in the future does not hold the status time either", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const now = Math.floor(Date.now() / 1000) * 1000;
    const status = (time: number, batteryLevel: number) => ({
      deduplicationId: crypto.randomUUID(),
      time: chirpstackTime(time),
      deviceInfo: { devEui },
      margin: 10,
      externalPowerSource: false,
      batteryLevelUnavailable: false,
      batteryLevel,
    });
    await accepted("status", status(now + DAY, 90), reg.ingest);
    await accepted("status", status(now, 80), reg.ingest);
    await settle(reg.ingest);
    const device = await call<{ state: { statusAt: string; batteryLevel: number } }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin });
    expect([device.body.state.statusAt, device.body.state.batteryLevel]).toEqual([new Date(now).toISOString(), 80]);
    expect((await quarantined(devEui)).map((e) => e.reason_code)).toEqual(["FUTURE_TIME"]);
  });

  it("a few seconds ahead (clocks of the network server and the Worker differ a little) is stored", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const time = Math.floor(Date.now() / 1000) * 1000 + 30_000;
    await accepted("up", envUp(devEui, { fCnt: 1, time }), reg.ingest);
    await settle(reg.ingest);
    expect((await storedUplinks(devEui)).map((u) => u.f_cnt)).toEqual([1]);
    expect(await quarantined(devEui)).toEqual([]);
  });
});

describe("old uplinks", () => {
  it("an uplink from a year ago (a backlog after an outage, a replay, an import) is stored normally and does not move the state back", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const now = Math.floor(Date.now() / 1000) * 1000;
    await accepted("up", envUp(devEui, { fCnt: 10, time: now }), reg.ingest);
    await settle(reg.ingest);
    await accepted("up", envUp(devEui, { fCnt: 1, time: now - 365 * DAY }), reg.ingest);
    await settle(reg.ingest);
    expect((await storedUplinks(devEui)).map((u) => u.f_cnt)).toEqual([1, 10]);
    expect(await readingTimes(devEui)).toEqual([now - 365 * DAY, now]);
    expect(await lastSeen(devEui)).toEqual({ lastSeenAt: new Date(now).toISOString(), fCnt: 10 });
  });
});

describe("the three times of an uplink", () => {
  it("ChirpStack: time as ChirpStack chose it (GPS, else gateway, else its own), the earliest rxInfo nsTime, and the Worker's receive time", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const gps = Date.parse("2026-03-14T09:34:15.775Z");
    const up = envUp(devEui, { fCnt: 1, time: gps });
    up["rxInfo"] = [
      { gatewayId: "0016c001ff10a235", rssi: -90, snr: 7, nsTime: chirpstackTime(gps + 212, "123456") },
      { gatewayId: "0016c001ff10a236", rssi: -80, snr: 9, nsTime: chirpstackTime(gps + 180, "000001") },
    ];
    const before = Date.now();
    await accepted("up", up, reg.ingest);
    const after = Date.now();
    await settle(reg.ingest);
    const [row] = await times(devEui);
    expect([row?.time, row?.ns_time]).toEqual([gps, gps + 180]);
    expect(row?.received_at).toBeGreaterThanOrEqual(before);
    expect(row?.received_at).toBeLessThanOrEqual(after);
    expect(await readingTimes(devEui)).toEqual([gps]);
  });

  it("ChirpStack without time or nsTime: dated at the Worker's receive time, no network-server receive time", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const up = envUp(devEui, { fCnt: 1 });
    delete up["time"];
    up["rxInfo"] = [{ gatewayId: "0016c001ff10a235", rssi: -90, snr: 7 }];
    await accepted("up", up, reg.ingest);
    await settle(reg.ingest);
    const [row] = await times(devEui);
    expect(row?.ns_time).toBeNull();
    expect(row?.time).toBe(row?.received_at);
  });

  it("The Things Stack: its receive time (uplink_message.received_at) is both the chosen time and the network-server receive time", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const receivedAt = Date.parse("2026-03-14T09:34:16.120Z");
    const r = await call("POST", "/v1/ingest/ttn", { token: reg.ingest, json: ttnUplink({ devEui, fCnt: 1, receivedAt }) });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await settle(reg.ingest);
    const [row] = await times(devEui);
    expect([row?.time, row?.ns_time]).toEqual([receivedAt, receivedAt]);
    expect(row?.received_at).toBeGreaterThan(receivedAt);
  });
});
