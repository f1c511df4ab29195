// Every config command of the codecs' profiles, applied and acknowledged in the next uplink.
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../codecs/profiles/index.ts";
import { device, downlink, envSensor, messages } from "./helpers.ts";

const acksOf = (d: Parameters<typeof messages>[1]) => messages("env", d, "ack").map(({ command, token, result }) => ({ command, token, result }));

describe("config commands", () => {
  it("covers every command the codecs define", () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(["setInterval", "setThreshold", "reboot", "requestStatus"]);
  });

  it("setInterval: applied, acknowledged, reported by the next status", () => {
    const d = device("env", { sensor: envSensor() });
    d.run(30);
    downlink(d, "env", { command: "setInterval", token: 7, interval: 120 });
    d.run(30);
    expect(acksOf(d)).toEqual([{ command: "setInterval", token: 7, result: "ok" }]);
    expect(d.interval).toBe(120);
    downlink(d, "env", { command: "requestStatus", token: 8 });
    d.run(600);
    const status = messages("env", d, "status").at(-1) as { device: { interval: number } };
    expect(status.device.interval).toBe(120);
    const measurements = d.uplinks.filter((u) => u.fPort === 1).map((u) => u.clock);
    expect(measurements.slice(1).map((t, i) => t - (measurements[i] as number))).toContain(120);
  });

  it("setThreshold: stores both bounds; an unknown field is refused as unsupported", () => {
    const d = device("env", { sensor: envSensor() });
    d.run(30);
    downlink(d, "env", { command: "setThreshold", token: 3, field: "air.pm10", low: 5, high: 50 });
    d.run(30);
    expect(d.threshold(6)).toEqual({ low: 5, high: 50 }); // air.pm10 is threshold quantity 6 of env
    downlink(d, "env", { command: "setThreshold", token: 4, field: "air.pm10", high: 80 });
    d.run(30);
    expect(d.threshold(6).high).toBe(80);
    expect(Number.isNaN(d.threshold(6).low)).toBe(true);
    expect(acksOf(d)).toEqual([
      { command: "setThreshold", token: 3, result: "ok" },
      { command: "setThreshold", token: 4, result: "ok" },
    ]);
  });

  it("setThreshold: low above high is out of range", () => {
    const d = device("env", { sensor: envSensor() });
    d.run(30);
    downlink(d, "env", { command: "setThreshold", token: 5, field: "air.no2", low: 300, high: 200 });
    d.run(30);
    expect(acksOf(d)).toEqual([{ command: "setThreshold", token: 5, result: "outOfRange" }]);
  });

  it("reboot: acknowledged first, then the device restarts and reports a software reset", () => {
    const d = device("env", { sensor: envSensor() });
    d.run(30);
    downlink(d, "env", { command: "reboot", token: 11 });
    d.run(60);
    expect(acksOf(d)).toEqual([{ command: "reboot", token: 11, result: "ok" }]);
    expect(d.boots).toBe(2);
    const statuses = messages("env", d, "status") as Array<{ device: { resetCause: string } }>;
    expect(statuses.map((s) => s.device.resetCause)).toEqual(["powerOn", "software"]);
    const ackAt = d.uplinks.findIndex((u) => u.fPort === 10);
    expect(d.uplinks[ackAt + 1]?.fPort).toBe(2);
  });

  it("requestStatus: acknowledged, then a status frame", () => {
    const d = device("env", { sensor: envSensor() });
    d.run(30);
    downlink(d, "env", { command: "requestStatus", token: 12 });
    d.run(60);
    expect(acksOf(d)).toEqual([{ command: "requestStatus", token: 12, result: "ok" }]);
    expect(d.uplinks.map((u) => u.fPort)).toEqual([2, 10, 2]);
  });

  it("a corrupted command is acknowledged as invalid and recorded as the last error", () => {
    const d = device("env", { sensor: envSensor() });
    d.run(30);
    d.downlink(10, Uint8Array.of(0x21, 0x01)); // setInterval cut short
    d.run(30);
    downlink(d, "env", { command: "requestStatus", token: 2 });
    d.run(60);
    expect(acksOf(d)[0]).toEqual({ command: "setInterval", result: "invalidCommand" });
    const status = messages("env", d, "status").at(-1) as { device: { lastError: number } };
    expect(status.device.lastError).toBe(2);
  });

  it("sends a status frame every day", () => {
    const d = device("env", { sensor: envSensor() });
    d.run(3 * 86400 + 60);
    expect(messages("env", d, "status")).toHaveLength(4);
  });
});
