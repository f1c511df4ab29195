import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackUp, envUp, frame, newDevEui } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { accepted, DECODE, settle, storedUplinks } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Ingest remembers recently heard devices, but never stores under a registry entry that has
 * changed: the insert checks the entry, and a change sends the consumer back to D1. The admin
 * API also makes its own isolate forget the entry at once; a change made elsewhere (another
 * isolate, here: straight in D1) is caught by the insert's check.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const T = Date.parse("2026-03-17T08:00:00Z");
const noise = frame("noise", { sound: { laeq: 61.2, lamax: 74, lamin: 48, la10: 65, la90: 50 }, battery: 3.6 });

async function quarantined(devEui: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT reason_code FROM quarantine WHERE dev_eui = ?1 ORDER BY id").bind(devEui).all<{ reason_code: string }>();
  return results.map((r) => r.reason_code);
}

describe("registry changes between two uplinks", () => {
  for (const where of ["through the admin API", "elsewhere (straight in D1)"] as const) {
    it(`a new profile applies to the very next uplink, changed ${where}`, async () => {
      const devEui = newDevEui();
      await registerDevice(reg.admin, devEui, { profile: "env" });
      await accepted("up", envUp(devEui, { fCnt: 1, time: T }), reg.ingest);
      await settle(reg.ingest);
      // Its firmware was swapped for the noise monitor's.
      if (where === "through the admin API") await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { profile: "noise" } });
      else await env.DB.prepare("UPDATE devices SET profile = 'noise' WHERE dev_eui = ?1").bind(devEui).run();
      await accepted("up", chirpstackUp({ devEui, fCnt: 2, fPort: noise.fPort, data: noise.bytes, time: T + 600_000 }), reg.ingest);
      await settle(reg.ingest);
      expect((await storedUplinks(devEui)).map((u) => [u.f_cnt, u.decode, u.readings])).toEqual([
        [1, DECODE.ok, 9],
        [2, DECODE.ok, 6],
      ]);
    });

    it(`a deleted device's next uplink goes to quarantine, not under its old id (deleted ${where})`, async () => {
      const devEui = newDevEui();
      await registerDevice(reg.admin, devEui, { profile: "env" });
      await accepted("up", envUp(devEui, { fCnt: 1, time: T }), reg.ingest);
      await settle(reg.ingest);
      if (where === "through the admin API") await call("DELETE", `/v1/admin/devices/${devEui}?purge=true`, { token: reg.admin });
      else await env.DB.prepare("DELETE FROM devices WHERE dev_eui = ?1").bind(devEui).run();
      await accepted("up", envUp(devEui, { fCnt: 2, time: T + 600_000 }), reg.ingest);
      await settle(reg.ingest);
      expect(await quarantined(devEui)).toEqual(["UNKNOWN_DEVICE"]);
      const orphans = await env.DB.prepare("SELECT count(*) AS n FROM uplinks WHERE device_id NOT IN (SELECT id FROM devices) AND time = ?1").bind(T + 600_000).first<{ n: number }>();
      expect(orphans?.n).toBe(0);
    });
  }

  it("a device moved out of the token's commune: its next uplinks are accepted and quarantined OUT_OF_SCOPE, never refused at the door", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env", commune: "13001" });
    await accepted("up", envUp(devEui, { fCnt: 1, time: T }), reg.aixOnly);
    await settle(reg.ingest);
    expect(await storedUplinks(devEui)).toHaveLength(1);
    await call("PATCH", `/v1/admin/devices/${devEui}`, { token: reg.admin, json: { commune: "13055" } });

    // The fetch handler does not read the registry: accepted, and the consumer decides.
    await accepted("up", envUp(devEui, { fCnt: 2, time: T + 600_000 }), reg.aixOnly);
    await settle(reg.ingest);
    expect(await storedUplinks(devEui)).toHaveLength(1);
    expect(await quarantined(devEui)).toEqual(["OUT_OF_SCOPE"]);

    // The isolate now knows where the device is, and still does not refuse from what it remembers:
    // the event is kept, in quarantine, where redecode can store it once the registry is fixed.
    await accepted("up", envUp(devEui, { fCnt: 3, time: T + 1_200_000 }), reg.aixOnly);
    await settle(reg.ingest);
    expect(await storedUplinks(devEui)).toHaveLength(1);
    expect(await quarantined(devEui)).toEqual(["OUT_OF_SCOPE", "OUT_OF_SCOPE"]);
  });

  it("a device moved into the token's scope elsewhere is read again, not refused from a stale entry", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env", commune: "13055" });
    // The aix-only token posts for a Marseille device: quarantined, and the isolate caches the entry.
    await accepted("up", envUp(devEui, { fCnt: 1, time: T }), reg.aixOnly);
    await settle(reg.ingest);
    expect(await quarantined(devEui)).toEqual(["OUT_OF_SCOPE"]);
    // Moved to Aix by another isolate: this one still has the Marseille entry cached. ChirpStack
    // never retries, so a 403 from that stale entry would lose the uplink: it is accepted, and the
    // consumer checks it against the registry as it is now.
    await env.DB.prepare("UPDATE devices SET commune = '13001' WHERE dev_eui = ?1").bind(devEui).run();
    await accepted("up", envUp(devEui, { fCnt: 2, time: T + 600_000 }), reg.aixOnly);
    await accepted("up", envUp(devEui, { fCnt: 3, time: T + 1_200_000 }), reg.ingest);
    await settle(reg.ingest);
    expect((await storedUplinks(devEui)).map((u) => u.f_cnt)).toEqual([2, 3]);
    expect(await quarantined(devEui)).toEqual(["OUT_OF_SCOPE"]);
  });

  it("a different payload under the same time and frame counter is kept in quarantine, not dropped or merged", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    await accepted("up", envUp(devEui, { fCnt: 5, time: T }), reg.ingest);
    await settle(reg.ingest);
    const other = frame("env", { air: { temperature: 30 } });
    await accepted("up", chirpstackUp({ devEui, fCnt: 5, time: T, fPort: other.fPort, data: other.bytes }), reg.ingest);
    await settle(reg.ingest);
    expect(await storedUplinks(devEui)).toHaveLength(1);
    expect(await quarantined(devEui)).toEqual(["CONFLICTING_UPLINK"]);
  });
});
