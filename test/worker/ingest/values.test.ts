import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackUp, frame, newDevEui } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { accepted, settle, storedUplinks } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/** Status, alarm and enum values travel through numeric storage and come back as decoded. */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

async function sendAndRead(profile: string, reading: Record<string, unknown>): Promise<{ readings: number; values: Record<string, unknown>; devEui: string }> {
  const devEui = newDevEui();
  await registerDevice(reg.admin, devEui, { profile });
  const f = frame(profile as "env", reading);
  await accepted("up", chirpstackUp({ devEui, fPort: f.fPort, data: f.bytes }), reg.ingest);
  await settle(reg.ingest);
  const [uplink] = await storedUplinks(devEui);
  const rs = (await call<{ readings: { quantity: string; value: unknown }[] }>("GET", `/v1/admin/devices/${devEui}/readings`, { token: reg.admin })).body.readings;
  return { readings: uplink?.readings ?? -1, values: Object.fromEntries(rs.map((r) => [r.quantity, r.value])), devEui };
}

describe("stored values", () => {
  it("a status frame: firmware version, reset cause and counters; the firmware also reaches the device state", async () => {
    const { readings, values, devEui } = await sendAndRead("env", {
      message: "status",
      device: { firmware: "1.4.2", uptime: 86400, resetCause: "brownOut", lastError: 0, interval: 900 },
      battery: 3.42,
    });
    expect(readings).toBe(6);
    expect(values).toEqual({ "device.firmware": "1.4.2", "device.uptime": 86400, "device.resetCause": "brownOut", "device.lastError": 0, "device.interval": 900, battery: 3.42 });
    const state = (await call<{ state: Record<string, unknown> }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin })).body.state;
    expect(state).toMatchObject({ firmware: "1.4.2", battery: 3.42, fPort: 2 });
  });

  it("an alarm frame: booleans come back as booleans", async () => {
    const { values } = await sendAndRead("waste", { message: "alarm", alarm: { lidOpen: true, tilted: false, pickup: false, fire: true }, level: { fill: 93 } });
    expect(values).toEqual({ "alarm.lidOpen": true, "alarm.tilted": false, "alarm.pickup": false, "alarm.fire": true, "level.fill": 93 });
  });

  it("an enum comes back as its label", async () => {
    const { values } = await sendAndRead("mobility", { vehicles: { bike: 4, ebike: 2 }, docks: { available: 11 }, station: { status: "noReturns" } });
    expect(values).toEqual({ "vehicles.bike": 4, "vehicles.ebike": 2, "docks.available": 11, "station.status": "noReturns" });
  });
});
