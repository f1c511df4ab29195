// The 1 % duty cycle holds over a week at SF12, whatever the interval asks for; nothing is lost.
import { describe, expect, it } from "vitest";
import { timeOnAirMs } from "../../codecs/src/lorawan.ts";
import { device, downlink, envSensor, samplesOf } from "./helpers.ts";

const WEEK = 7 * 86400;

describe("duty cycle at SF12 (DR0) over a simulated week", () => {
  it("never exceeds 1 % in any hour, and packs the samples it could not send into multi-sample frames", () => {
    const d = device("env", { sensor: envSensor({ 0: (t) => 15 + 5 * Math.sin((2 * Math.PI * t) / 86400) }), dataRate: () => 0 });
    d.run(2);
    downlink(d, "env", { command: "setInterval", token: 1, interval: 60 }); // a sample a minute: far more than SF12 allows one by one
    d.run(WEEK);
    const frames = d.uplinks.map((u) => ({ start: u.clock, toa: timeOnAirMs(u.bytes.length, 12) / 1000 }));
    expect(frames.every((f, i) => i === 0 || f.start >= (frames[i - 1] as { start: number; toa: number }).start + 99 * (frames[i - 1] as { toa: number }).toa)).toBe(true);
    // sliding one-hour windows starting at each frame
    let worst = 0;
    for (let i = 0; i < frames.length; i++) {
      let sum = 0;
      for (let j = i; j < frames.length && (frames[j] as { start: number }).start < (frames[i] as { start: number }).start + 3600; j++) sum += (frames[j] as { toa: number }).toa;
      worst = Math.max(worst, sum);
    }
    expect(worst).toBeLessThanOrEqual(36);
    expect(d.uplinks.every((u) => u.bytes.length <= 51)).toBe(true);
    const samples = samplesOf("env", d);
    const multi = d.uplinks.filter((u) => u.fPort === 1 && (u.bytes[0] as number & 31) > 0);
    expect(multi.length).toBeGreaterThan(0);
    // Every minute of the week is delivered or still buffered, none dropped.
    expect(d.dropped).toBe(0);
    expect(samples.length + d.buffered).toBeGreaterThanOrEqual(WEEK / 60 - 2);
  });
});
