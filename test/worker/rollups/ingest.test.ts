import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parisDayRange } from "../../../worker/src/rollups/paris-day.ts";
import { listDayRollups } from "../../../worker/src/store/rollups.ts";
import { chirpstackEvent, chirpstackUp, frame, newDevEui } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { settle } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";
import { expectRollupsMatchReadings } from "./oracle.ts";

/**
 * Rollups as ingest keeps them: uplinks go through the real route, queue and consumer (one D1
 * transaction per batch), and after each scenario the rollups of the device equal those
 * recomputed from its raw readings (oracle.ts). Each scenario also pins the figure it is about.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const MINUTE = 60_000;
const HOUR = 3_600_000;
const T = Date.parse("2026-06-10T08:00:00Z");

async function post(...ups: unknown[]): Promise<void> {
  for (const json of ups) {
    const r = await call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json });
    expect([r.status, r.body["result"]]).toEqual([202, "accepted"]);
  }
}

async function deviceId(devEui: string): Promise<number> {
  return (await env.DB.prepare("SELECT id FROM devices WHERE dev_eui = ?1").bind(devEui).first<{ id: number }>())!.id;
}

async function newDevice(profile: string): Promise<{ devEui: string; id: number }> {
  const devEui = newDevEui();
  await registerDevice(reg.admin, devEui, { profile });
  return { devEui, id: await deviceId(devEui) };
}

const noise = (laeq: number) => frame("noise", { sound: { laeq, lamax: laeq + 10, lamin: laeq - 10, la10: laeq + 3, la90: laeq - 5 }, battery: 3.6 });
const env1 = (no2: number) => frame("env", { air: { no2, temperature: 20 }, battery: 3.6 });
const up = (devEui: string, fCnt: number, time: number, f: { bytes: Uint8Array; fPort: number }, deduplicationId?: string) =>
  chirpstackUp({ devEui, fCnt, time, fPort: f.fPort, data: f.bytes, ...(deduplicationId ? { deduplicationId } : {}) });

async function hourOf(id: number, key: string, hour: number) {
  return env.DB.prepare(
    "SELECT h.count, h.sum, h.min, h.max FROM rollup_hour h JOIN quantities q ON q.id = h.quantity_id WHERE h.device_id = ?1 AND q.key = ?2 AND h.hour = ?3",
  )
    .bind(id, key, hour)
    .first<{ count: number; sum: number; min: number; max: number }>();
}

describe("rollups at ingest", () => {
  it("a duplicate counts once: the same delivery again, a copy with another deduplicationId, a copy in the same batch", async () => {
    const d = await newDevice("noise");
    const a = up(d.devEui, 1, T, noise(60), "5c1a1e00-0000-4000-8000-000000000001");
    const b = up(d.devEui, 2, T + 15 * MINUTE, noise(70));
    await post(a, a, b);
    await settle(reg.ingest);
    await post(a, { ...b, deduplicationId: crypto.randomUUID() });
    await settle(reg.ingest);
    await expectRollupsMatchReadings([d.id]);
    expect(await hourOf(d.id, "sound.laeq", T)).toEqual({ count: 2, sum: 1300, min: 600, max: 700 });
  });

  it("a late uplink (days later) and out-of-order uplinks land once each in their own hour and day", async () => {
    const d = await newDevice("env");
    // 10:45, 10:00, 10:30, then 09:15 — and one from three days before, after all of them.
    await post(up(d.devEui, 4, T + 165 * MINUTE, env1(40)), up(d.devEui, 1, T + 120 * MINUTE, env1(10)), up(d.devEui, 3, T + 150 * MINUTE, env1(30)));
    await settle(reg.ingest);
    await post(up(d.devEui, 0, T + 75 * MINUTE, env1(5)), up(d.devEui, 2, T - 3 * 24 * HOUR, env1(99)));
    await settle(reg.ingest);
    await expectRollupsMatchReadings([d.id]);
    expect(await hourOf(d.id, "air.no2", T + 2 * HOUR)).toEqual({ count: 3, sum: 80, min: 10, max: 40 });
    expect(await hourOf(d.id, "air.no2", T + HOUR)).toEqual({ count: 1, sum: 5, min: 5, max: 5 });
    const days = await listDayRollups(env.DB, { deviceIds: [d.id], quantity: "air.no2", from: "2026-06-01", to: "2026-06-30" });
    expect(days.map((x) => [x.day, x.count, x.max])).toEqual([
      ["2026-06-07", 1, 99],
      ["2026-06-10", 4, 40],
    ]);
  });

  it("the battery level of a status event is rolled up like any reading", async () => {
    const d = await newDevice("env");
    const status = chirpstackEvent("status", d.devEui, { time: new Date(T).toISOString(), batteryLevel: 80, deduplicationId: undefined });
    const r = await call("POST", "/v1/ingest/chirpstack?event=status", { token: reg.ingest, json: status });
    expect(r.status).toBe(202);
    await settle(reg.ingest);
    await expectRollupsMatchReadings([d.id]);
  });

  it("23-hour and 25-hour days through ingest: every 30 minutes over both DST Sundays of 2026", async () => {
    const d = await newDevice("noise");
    const ups: unknown[] = [];
    let fCnt = 0;
    for (const day of ["2026-03-29", "2026-10-25"]) {
      const { start, end } = parisDayRange(day);
      for (let t = start; t < end; t += 30 * MINUTE) ups.push(up(d.devEui, fCnt++, t, noise(40 + (fCnt % 30))));
    }
    await Promise.all(ups.map((u) => post(u)));
    await settle(reg.ingest);
    await expectRollupsMatchReadings([d.id]);
    const days = await listDayRollups(env.DB, { deviceIds: [d.id], quantity: "sound.laeq", from: "2026-01-01", to: "2026-12-31" });
    expect(days.map((x) => [x.day, x.count])).toEqual([
      ["2026-03-29", 46],
      ["2026-10-25", 50],
    ]);
  });
});

describe("rollups after re-decoding and purging", () => {
  it("re-decoding rewrites the rollups of the readings it replaces", async () => {
    // Registered as a waste bin, but it is an env station: its frames decode as something else.
    const d = await newDevice("waste");
    await post(up(d.devEui, 1, T, env1(20)), up(d.devEui, 2, T + 20 * MINUTE, env1(30)), up(d.devEui, 3, T + 50 * HOUR, env1(40)));
    await settle(reg.ingest);
    expect((await call("PATCH", `/v1/admin/devices/${d.devEui}`, { token: reg.admin, json: { profile: "env" } })).status).toBe(200);
    expect((await call("POST", "/v1/admin/redecode", { token: reg.admin, json: { devEui: d.devEui } })).status).toBe(200);
    const { hours } = await expectRollupsMatchReadings([d.id]);
    expect(await hourOf(d.id, "air.no2", T)).toEqual({ count: 2, sum: 50, min: 20, max: 30 });
    // Nothing of the waste decoding is left in the rollups.
    const left = await env.DB.prepare(
      "SELECT count(*) AS n FROM rollup_hour h JOIN quantities q ON q.id = h.quantity_id WHERE h.device_id = ?1 AND q.key NOT IN ('air.no2', 'air.temperature', 'battery')",
    )
      .bind(d.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect(hours.size).toBe(3 * 2);
  });

  it("purging a device removes its rollups and leaves the others' alone", async () => {
    const [gone, kept] = [await newDevice("noise"), await newDevice("noise")];
    for (const d of [gone, kept]) {
      await post(...Array.from({ length: 8 }, (_, i) => up(d.devEui, i, T + i * 20 * MINUTE, noise(50 + i))));
    }
    await settle(reg.ingest);
    const before = await expectRollupsMatchReadings([kept.id]);
    const purged = await call("DELETE", `/v1/admin/devices/${gone.devEui}?purge=true`, { token: reg.admin });
    expect(purged.status).toBe(200);
    for (const table of ["rollup_hour", "rollup_day", "trend_day", "stream_state"]) {
      expect((await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE device_id = ?1`).bind(gone.id).first<{ n: number }>())?.n).toBe(0);
    }
    const after = await expectRollupsMatchReadings([kept.id]);
    expect(after).toEqual(before);
  });
});
