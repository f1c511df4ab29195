import { describe, expect, it } from "vitest";
import { batteryDueWithin, healthState, reportingInterval, type UplinkSample } from "../../worker/src/indicators/health.ts";

const M = 60_000;
const D = 86_400_000;
const T = Date.UTC(2026, 0, 31, 12);

function every(n: number, stepMs: number, end: number, make: (i: number) => Partial<UplinkSample> = () => ({})): UplinkSample[] {
  return Array.from({ length: n }, (_, i) => ({ time: end - (n - 1 - i) * stepMs, snr: null, decode: 0, ...make(i) }));
}

describe("health", () => {
  it("is offline after strictly more than 3 median gaps of the last 20 uplinks without an uplink", () => {
    // 30 uplinks every 15 min ending at T: interval 15 min; at T + 45 min still online, at T + 46 min offline since T + 45 min.
    const uplinks = every(30, 15 * M, T);
    const input = { uplinks, intervals: [], battery: [] };
    expect(healthState(input, T + 45 * M)).toMatchObject({ intervalMs: 15 * M, intervalSource: "median", offline: false, offlineSince: null });
    expect(healthState(input, T + 46 * M)).toMatchObject({ offline: true, offlineSince: T + 45 * M, lastUplinkAt: T });
  });

  it("takes the median over the last 20 uplinks only", () => {
    // 10 gaps of 1 h, then 19 uplinks: the last 20 uplinks span 19 gaps: 10 of 10 min and 9 of 30 min → median 10 min.
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 11; i++) times.push((t += 60 * M));
    for (let i = 0; i < 9; i++) times.push((t += 30 * M));
    for (let i = 0; i < 10; i++) times.push((t += 10 * M));
    expect(reportingInterval(times, [])).toEqual({ ms: 10 * M, source: "median" });
  });

  it("prefers the device's declared device.interval", () => {
    const uplinks = every(30, 15 * M, T);
    const s = healthState({ uplinks, intervals: [{ time: T - D, value: 3600 }], battery: [] }, T + 2 * 60 * M);
    expect(s).toMatchObject({ intervalMs: 3600_000, intervalSource: "device.interval", offline: false });
  });

  it("fits the battery trend over 30 days and predicts when it reaches 2.5 V", () => {
    // Daily readings 3.00 − 0.01·d for d = 0..29, ending at T (2.71 V): −0.01 V/day, 2.5 V 21 days after T.
    // A reading 31 days before T (4 V) is outside the window.
    const battery = Array.from({ length: 30 }, (_, d) => ({ time: T - (29 - d) * D, value: 3 - 0.01 * d }));
    battery.push({ time: T - 31 * D, value: 4 });
    const s = healthState({ uplinks: [], intervals: [], battery }, T);
    expect(s.battery.volts).toBeCloseTo(2.71, 10);
    expect(s.battery.trendPerDay).toBeCloseTo(-0.01, 10);
    expect(Math.abs(s.battery.predictedEmptyAt! - (T + 21 * D))).toBeLessThan(1000);
    // 21 days ahead: within 30 days (an alert), not within 20.
    expect(batteryDueWithin(s.battery, T)).toBe(true);
    expect(batteryDueWithin(s.battery, T, 20)).toBe(false);
    const rising = healthState({ uplinks: [], intervals: [], battery: [{ time: T - D, value: 3 }, { time: T, value: 3.1 }] }, T);
    expect(rising.battery.predictedEmptyAt).toBeNull();
  });

  it("flags signal degradation when the last 7 days' median SNR is at least 3 dB under the 30 days before", () => {
    // Previous 30 days: SNR 4, 5, 6 → median 5. Last 7 days: 1, 2, 9 → median 2 = 5 − 3: degraded; with 2.5 it is not.
    const before = [4, 5, 6].map((snr, i) => ({ time: T - (10 + i) * D, snr, decode: 0 }));
    const recent = (mid: number) => [1, mid, 9].map((snr, i) => ({ time: T - i * D, snr, decode: 0 }));
    const degraded = healthState({ uplinks: [...before, ...recent(2)], intervals: [], battery: [] }, T);
    expect(degraded.signal).toEqual({ recentMedianSnr: 2, previousMedianSnr: 5, degraded: true });
    expect(healthState({ uplinks: [...before, ...recent(2.5)], intervals: [], battery: [] }, T).signal.degraded).toBe(false);
    // An uplink 38 days back is outside both windows.
    const old = { time: T - 38 * D, snr: 40, decode: 0 };
    expect(healthState({ uplinks: [old, ...before, ...recent(2)], intervals: [], battery: [] }, T).signal.previousMedianSnr).toBe(5);
  });

  it("computes the codec error rate over 7 days among uplinks that carry an application payload", () => {
    // 10 uplinks in the last 7 days: 2 failed, 1 partly decoded, 1 without payload → 2 / 9; a failure 8 days ago is not counted.
    const decodes = [0, 1, 0, 2, 3, 0, 1, 0, 0, 0];
    const uplinks = decodes.map((decode, i) => ({ time: T - i * 12 * 60 * M, snr: null, decode }));
    uplinks.push({ time: T - 8 * D, snr: null, decode: 1 });
    expect(healthState({ uplinks, intervals: [], battery: [] }, T).codecErrorRate).toBeCloseTo(2 / 9, 12);
    expect(healthState({ uplinks: [], intervals: [], battery: [] }, T).codecErrorRate).toBeNull();
  });
});
