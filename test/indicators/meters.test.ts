import { describe, expect, it } from "vitest";
import { IndexSeries, type IndexReading, leakState, meterDays } from "../../worker/src/indicators/meters.ts";
import { localTimeToUtc, startOfLocalDay } from "../../worker/src/indicators/paris-time.ts";

const H = 3_600_000;
const M = 60_000;

/** One reading at hh:30 of every UTC hour from `start` for `flows.length` hours; the index grows by flows[i] in hour i. */
function hourly(start: number, first: number, flows: readonly number[]): IndexReading[] {
  let value = first;
  return flows.map((f, i) => ({ time: start + i * H + 30 * M, value: (value += f) }));
}

describe("meters", () => {
  it("computes daily consumption, hourly consumption and the minimum night flow", () => {
    // 14 Jan 23:30 local: index 1000. 15 Jan: 00:30 1002, 01:30 1003, 02:30 1005, 03:30 1006, 04:30 1006.5, 05:30 1010;
    // last of the 15th at 23:30: 1100. Night hours 00–04 consume 2, 1, 2, 1, 0.5 → minNightFlow 0.5; the day 1100 − 1000 = 100.
    const readings: IndexReading[] = [
      { time: localTimeToUtc("2026-01-14", 23) + 30 * M, value: 1000 },
      ...hourly(startOfLocalDay("2026-01-15"), 1000, [2, 1, 2, 1, 0.5, 3.5]),
      { time: localTimeToUtc("2026-01-15", 23) + 30 * M, value: 1100 },
    ];
    const series = new IndexSeries(readings);
    expect(series.hourlyConsumption(localTimeToUtc("2026-01-15", 2))).toBe(2);
    // No reading in 06:00–07:00: no hourly consumption for it.
    expect(series.hourlyConsumption(localTimeToUtc("2026-01-15", 6))).toBeNull();
    // Nothing before the first reading: no consumption for its hour.
    expect(series.hourlyConsumption(localTimeToUtc("2026-01-14", 23))).toBeNull();
    expect(meterDays(readings, "2026-01-14", "2026-01-15")).toEqual([
      { date: "2026-01-14", consumption: null, minNightFlow: null },
      { date: "2026-01-15", consumption: 100, minNightFlow: 0.5 },
    ]);
  });

  it("takes the night hours 00:00–05:00 local on DST days (4 hours in spring, 6 in autumn)", () => {
    // Flow 1 in the hours just outside the night, 3 inside; in autumn the repeated 02:00 hour has flow 2.
    const spring = new IndexSeries(hourly(startOfLocalDay("2026-03-29") - 2 * H, 0, [0, 1, 3, 3, 3, 3, 1, 1]));
    expect(spring.minNightFlow("2026-03-29")).toBe(3);
    const autumnStart = startOfLocalDay("2026-10-25");
    // UTC hours from 22:00 on the 24th: 00, 01, 02 (CEST), 02 (CET), 03, 04 local, then 05.
    const autumn = new IndexSeries(hourly(autumnStart - 2 * H, 0, [0, 1, 3, 3, 3, 2, 3, 3, 1]));
    expect(autumn.minNightFlow("2026-10-25")).toBe(2);
  });

  it("suspects a leak after 3 consecutive nights with a minimum night flow above 0", () => {
    // Continuous readings from 11 Jan 00:00 local; every hour flows 4 except: the night of the 12th has a zero hour,
    // the nights of the 13th, 14th and 15th have minimum 0.5, 0.25, 0.75.
    const start = startOfLocalDay("2026-01-11");
    const flows: number[] = [];
    for (let i = 0; i < 5 * 24; i++) flows.push(4);
    flows[24 + 2] = 0; // 12 Jan 02:00
    flows[48 + 3] = 0.5; // 13 Jan 03:00
    flows[72 + 1] = 0.25; // 14 Jan 01:00
    flows[96 + 4] = 0.75; // 15 Jan 04:00
    const readings = hourly(start, 0, flows);
    const noon15 = localTimeToUtc("2026-01-15", 12);
    const s = leakState(readings, [], noon15);
    expect(s.suspected).toBe(true);
    expect(s.nights).toBe(3);
    expect(s.lastNightFlow).toBe(0.75);
    expect(s.estimatedLossPerDay).toBe(18);
    expect(s.since).toBe(localTimeToUtc("2026-01-15", 5));
    // At 04:00 on the 15th that night is not over: the nights of the 13th and 14th only.
    const early = leakState(readings, [], localTimeToUtc("2026-01-15", 4));
    expect(early).toMatchObject({ suspected: false, nights: 2, lastNightFlow: 0.25, estimatedLossPerDay: 6, since: null });
  });

  it("suspects a leak while the last water.leak alarm says so", () => {
    const readings = hourly(startOfLocalDay("2026-01-15"), 0, [0, 0, 0, 0, 0, 0]);
    const alarmAt = localTimeToUtc("2026-01-15", 3);
    const on = leakState(readings, [{ time: alarmAt, value: 1 }], localTimeToUtc("2026-01-15", 8));
    expect(on).toMatchObject({ suspected: true, since: alarmAt, why: "water.leak alarm", lastNightFlow: 0 });
    const cleared = leakState(readings, [{ time: alarmAt, value: 1 }, { time: alarmAt + H, value: 0 }], localTimeToUtc("2026-01-15", 8));
    expect(cleared.suspected).toBe(false);
  });
});
