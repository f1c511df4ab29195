// On-device aggregation over a reporting interval, against values computed by hand.
import { describe, expect, it } from "vitest";
import { device, envSensor, get, messages, samplesOf } from "./helpers.ts";

/** The second interval: the first is stretched by the random start phase; later ones are exactly 600 s. */
const second = <T>(samples: T[]): T => samples[1] as T;

describe("noise: LAeq, LAmax, LAmin, LA10, LA90 from 1 s levels", () => {
  it("averages energy, not decibels, and reads the percentiles off the 0.1 dB histogram", () => {
    // In every 10 s, one second at 80 dB(A) and nine at 50 dB(A): 60 of the interval's 600 seconds.
    // LAeq = 10·log10((60·10^8 + 540·10^5) / 600) = 10·log10(10 090 000) = 70.0389 → 70.0
    // LA10: the level exceeded (reached) 10 % of the time = 60 s → 80.0; LA90 → 50.0.
    const d = device("noise", { sensor: (ch, t) => (ch === 0 ? (t % 10 === 0 ? 80 : 50) : ch === 5 ? 3.5 : Number.NaN) });
    d.run(1900);
    const s = second(samplesOf("noise", d));
    expect(s["sound"]).toEqual({ laeq: 70, lamax: 80, lamin: 50, la10: 80, la90: 50 });
    expect(s["battery"]).toBe(3.5);
  });

  it("puts LA10 and LA90 at the right bins of an uneven distribution", () => {
    // 600 s: levels 40.0, 40.1, … cycling over 60 values (10 s each): 40.0 … 45.9 dB, 10 s per bin.
    // Exceeded 10 % of the time (60 s = 6 bins from the top): 45.4; 90 % (540 s = 54 bins): 40.6.
    const d = device("noise", { sensor: (ch, t) => (ch === 0 ? 40 + (Math.floor(t / 10) % 60) / 10 : Number.NaN) });
    d.run(1900);
    const s = second(samplesOf("noise", d));
    expect(get(s, "sound.la10")).toBe(45.4);
    expect(get(s, "sound.la90")).toBe(40.6);
    expect(get(s, "sound.lamax")).toBe(45.9);
    expect(get(s, "sound.lamin")).toBe(40);
  });
});

describe("env: means of the 10 s readings", () => {
  it("averages PM and gases over the interval", () => {
    // Readings at t = 1, 11, 21…: NO2 alternates 30 and 50 → 40; PM2.5 is 10 then 20 for half the interval → 15.
    const d = device("env", {
      sensor: envSensor({ 3: (t) => (Math.floor(t / 10) % 2 === 0 ? 30 : 50), 6: (t) => (t % 600 < 300 ? 10 : 20) }),
    });
    d.run(1900);
    const s = second(samplesOf("env", d));
    expect(get(s, "air.no2")).toBe(40);
    expect(get(s, "air.pm2_5")).toBe(15);
    expect(get(s, "air.temperature")).toBe(20);
  });
});

describe("footfall: counters as deltas over the period", () => {
  it("sends the increase of each cumulative counter and the period's length", () => {
    // One person in every 10 s and one out every 20 s, counted by cumulative counters.
    const d = device("footfall", { sensor: (ch, t) => (ch === 0 ? Math.floor(t / 10) : ch === 1 ? Math.floor(t / 20) : ch === 3 ? 3.6 : Number.NaN) });
    d.run(1900);
    const s = second(samplesOf("footfall", d));
    expect(s["count"]).toEqual({ in: 60, out: 30, period: 600 });
  });
});

describe("waste: fill from distance and bin depth", () => {
  it("computes the fill of a 1 200 mm bin with a 150 mm blind zone", () => {
    // 675 mm free: (1200 − 675) / (1200 − 150) = 50 %.
    const d = device("waste", { sensor: (ch) => (ch === 1 ? 675 : ch === 2 ? 18 : ch === 3 ? 2 : ch === 4 ? 3.4 : Number.NaN) });
    d.run(1900);
    const s = second(samplesOf("waste", d));
    expect(s["level"]).toEqual({ fill: 50, distance: 675 });
  });

  it("raises a pickup alarm when the fill falls below half", () => {
    // 750 mm → 43 %, then 1 100 mm → 10 %: below half of a bin at least 30 % full.
    const d = device("waste", { sensor: (ch, t) => (ch === 1 ? (t < 1000 ? 750 : 1100) : ch === 4 ? 3.4 : Number.NaN) });
    d.run(1300);
    const alarms = messages("waste", d, "alarm");
    expect(alarms.map((a) => get(a, "alarm.pickup"))).toEqual([true]);
    expect(get(alarms[0] as never, "level.fill")).toBe(10);
  });
});

describe("meter: index, burst and backflow", () => {
  it("sends the index and raises one burst alarm for a sustained high flow", () => {
    // 10 L/min, then 100 L/min from t = 2000 s (above the 60 L/min burst threshold).
    const index = (t: number) => 1000 + (t < 2000 ? t / 6 : 2000 / 6 + (t - 2000) * (100 / 60));
    const d = device("meter", { sensor: (ch, t) => (ch === 0 ? Math.floor(index(t)) : ch === 3 ? 3.6 : Number.NaN) });
    d.run(3000);
    const alarms = d.uplinks.filter((u) => u.fPort === 3);
    expect(alarms).toHaveLength(1);
    const samples = samplesOf("meter", d);
    // The index is the last reading of the interval: the meter is read at t = 1, 11, 21…
    const at = samples[0]?.at as number;
    expect(get(samples[0] as never, "metering.water.total")).toBe(Math.floor(index(at - ((at - 1) % 10))));
  });
});

describe("mobility: station state on change", () => {
  it("reports at once when the bikes or the status change, and alarms on a status change", () => {
    // 10 bikes, 5 free docks; at t = 1001 a bike leaves; at t = 1501 the station closes.
    const d = device("mobility", {
      sensor: (ch, t) => [t < 1001 ? 10 : 9, 2, 0, 0, t < 1001 ? 5 : 6, t < 1501 ? 0 : 3][ch] ?? Number.NaN,
    });
    d.run(1700);
    const measurements = d.uplinks.filter((u) => u.fPort === 1);
    const clocks = measurements.map((u) => u.clock);
    expect(clocks).toContain(1001); // readings every 10 s from t = 1: the change is seen at 1001
    // 1501: the status alarm takes the slot, the sample follows once the duty cycle allows (delayed frame)
    const closing = measurements.find((u) => u.clock > 1501 && u.clock < 1520);
    expect(closing?.bytes[0]! >> 5).toBe(0);
    expect(samplesOf("mobility", d).map((x) => x.at)).toContain(1501); // dated when it closed, not when it was sent
    const last = samplesOf("mobility", d).at(-1) as Record<string, unknown>;
    expect(last["station"]).toEqual({ status: "closed" });
    expect(messages("mobility", d, "alarm").map((a) => a["station"])).toEqual([{ status: "closed" }]);
  });
});
