// The buffer of unsent samples: kept across a reboot, sent late with the age of the newest
// sample (so that the Worker dates them right), oldest dropped first when full, and counted.
import { describe, expect, it } from "vitest";
import { RESET } from "../../firmware/src/device.ts";
import { device, envSensor, messages, samplesOf } from "./helpers.ts";

describe("buffer of unsent samples", () => {
  it("survives a reboot and is sent later as delayed frames whose samples keep their times", () => {
    const storage = { bytes: null as Uint8Array | null };
    let up = true;
    const env = { sensor: envSensor({ 0: (t: number) => 10 + Math.floor(t / 600) / 10 }), linkUp: () => up };
    const d1 = device("env", env, { storage });
    d1.run(1000);
    const closesBefore = samplesOf("env", d1).map((s) => s.at);
    up = false; // gateway outage
    d1.run(3600);
    expect(d1.buffered).toBe(6);
    // power cut: a new instance, the same non-volatile storage, the clock kept by the RTC
    const d2 = device("env", env, { storage, clock: d1.clock + 30 });
    expect(d2.buffered).toBe(6);
    d2.run(300);
    up = true;
    d2.run(1200);
    expect(d2.buffered).toBe(0);
    const late = d2.uplinks.filter((u) => u.fPort === 1 && (u.bytes[0] as number) >> 5 === 0);
    expect(late.length).toBeGreaterThan(0);
    // Every interval closed before the reboot is delivered once, at the time it was closed:
    // 600 s apart, continuing the series sent before the outage.
    const times = [...closesBefore, ...samplesOf("env", d2).map((s) => s.at)];
    const before = times.slice(0, closesBefore.length + 6);
    expect(before.slice(1).map((t, i) => t - (before[i] as number))).toEqual(new Array(before.length - 1).fill(600));
    expect(d2.dropped).toBe(0);
    const status = messages("env", d2, "status")[0] as { device: { resetCause: string } };
    expect(status.device.resetCause).toBe("powerOn");
  });

  it("drops the oldest samples first when full, and counts them", () => {
    let up = false;
    const d = device("env", { sensor: envSensor(), linkUp: () => up });
    const twin = device("env", { sensor: envSensor() }); // same seed: the same first close
    twin.run(1000);
    const firstClose = samplesOf("env", twin)[0]?.at as number;
    d.run(600 * 50);
    expect(d.buffered).toBe(40);
    const closes = Math.floor((600 * 50 - firstClose) / 600) + 1;
    expect(d.dropped).toBe(closes - 40);
    up = true;
    d.run(1200);
    const delivered = samplesOf("env", d);
    expect(delivered[0]?.at).toBe(firstClose + d.dropped * 600); // the oldest went first
    expect(delivered.length).toBeGreaterThanOrEqual(40);
  });

  it("starts afresh after a reboot onto a clock that went back (ages unknowable), counting the loss", () => {
    const storage = { bytes: null as Uint8Array | null };
    const d1 = device("env", { sensor: envSensor(), linkUp: () => false }, { storage, clock: 100_000 });
    d1.run(3000);
    const held = d1.buffered;
    expect(held).toBeGreaterThan(0);
    const d2 = device("env", { sensor: envSensor() }, { storage, clock: 50 }).boot(RESET.brownOut);
    expect(d2.buffered).toBe(0);
    expect(d2.dropped).toBe(held);
  });
});
