// The simulator's virtual network server speaks ChirpStack v4 as the Worker reads it, and holds
// downlinks until the device's next uplink.
import { describe, expect, it } from "vitest";
import { codec } from "../../codecs/src/node.ts";
import { chirpstackUp, DownlinkQueue, type SimDevice } from "../../firmware/sim/network.ts";
import { fleet } from "../../firmware/sim/simulate.ts";
import { FirmwareDevice } from "../../firmware/src/device.ts";
import { parseChirpstack } from "../../worker/src/ingest/chirpstack/parse.ts";
import { envSensor } from "./helpers.ts";

const sim: SimDevice = { devEui: "0c1a510101000000", name: "test", profile: "env", commune: "13001", latitude: 43.5, longitude: 5.4, dr: 3, fCnt: 17, seed: 5 };

describe("virtual ChirpStack", () => {
  it("writes up events the Worker's ChirpStack parser accepts, with the frame, fCnt, DR and gateway metadata", () => {
    const frame = codec.encodeUplink("env", { air: { temperature: 21.5 }, battery: 3.6 });
    const wall = Date.parse("2026-11-02T08:00:00Z");
    const json = chirpstackUp(sim, frame.fPort, frame.bytes, 3, wall);
    const event = parseChirpstack("up", "json", new TextEncoder().encode(JSON.stringify(json)), wall + 1000) as unknown as Record<string, unknown>;
    const text = JSON.stringify(event);
    expect(text).toContain(sim.devEui);
    expect(json["fCnt"]).toBe(17);
    expect(json["dr"]).toBe(3);
    expect((json["txInfo"] as { modulation: { lora: { spreadingFactor: number } } }).modulation.lora.spreadingFactor).toBe(9);
    expect(json["time"]).toBe("2026-11-02T08:00:00.000123456+00:00");
    expect(Buffer.from(json["data"] as string, "base64")).toEqual(Buffer.from(frame.bytes));
  });

  it("gives a queued command to the device after its next uplink, once", () => {
    const queue = new DownlinkQueue();
    queue.enqueue(sim.devEui, { command: "setInterval", token: 5, interval: 120 });
    const d = new FirmwareDevice({ profile: "env", env: { sensor: envSensor() } }).boot();
    d.run(5); // the boot status frame
    const down = queue.take(sim);
    expect(down).toBeDefined();
    if (down) d.downlink(down.fPort, down.bytes);
    expect(queue.take(sim)).toBeUndefined();
    expect(d.interval).toBe(120);
  });

  it("builds a fleet over the pilot communes with the leak, the flat battery and the silent counter", () => {
    const f = fleet({ devicesPerProfile: 2, communes: ["13001", "13055", "13005", "13056"], profiles: ["env", "meter", "footfall"], seed: 1, days: 4 });
    expect(f).toHaveLength(6);
    expect(new Set(f.map((m) => m.sim.devEui)).size).toBe(6);
    expect(f.filter((m) => m.quirks.nightLeak)).toHaveLength(1);
    expect(f.filter((m) => m.quirks.batteryRunsDown)).toHaveLength(1);
    expect(f.filter((m) => m.silentAfterDays === 2)).toHaveLength(1);
  });
});
