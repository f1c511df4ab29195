import { describe, expect, it } from "vitest";
import { footfallDays } from "../../worker/src/indicators/footfall.ts";

describe("footfall", () => {
  it("sums in and out over a commune's counters and compares with the same weekday of the previous 4 weeks", () => {
    // Thursday 29 January 2026. Counter A 100 in / 80 out, counter B 20 in / 0 out → 120 / 80 / 200.
    // Previous Thursdays: 22 Jan total 150, 15 Jan no data, 8 Jan 250, 1 Jan 170 → mean 190;
    // 25 Dec (5 weeks back) is not compared. change = 200 / 190 − 1 = 0.05263 → 0.053.
    const a = [
      { date: "2026-01-29", in: 100, out: 80 },
      { date: "2026-01-22", in: 100, out: 50 },
      { date: "2026-01-08", in: 200, out: 50 },
      { date: "2025-12-25", in: 5000, out: 5000 },
    ];
    const b = [
      { date: "2026-01-29", in: 20, out: 0 },
      { date: "2026-01-01", in: 100, out: 70 },
    ];
    const [day] = footfallDays([a, b], "2026-01-29", "2026-01-29");
    expect(day).toEqual({ date: "2026-01-29", in: 120, out: 80, total: 200, previousWeeksMean: 190, change: 0.053 });
  });

  it("answers null for the mean and change without data on the previous same weekdays", () => {
    const days = footfallDays([[{ date: "2026-01-29", in: 10, out: 5 }, { date: "2026-01-28", in: 1, out: 1 }]], "2026-01-29", "2026-01-30");
    expect(days).toEqual([
      { date: "2026-01-29", in: 10, out: 5, total: 15, previousWeeksMean: null, change: null },
      { date: "2026-01-30", in: null, out: null, total: null, previousWeeksMean: null, change: null },
    ]);
  });

  it("counts a day with zero passages as data and rounds a drop to 0.001", () => {
    // Previous Sundays 22 Mar (0) and 15 Mar (300) → mean 150; Sunday 29 Mar (a 23-hour day): 100 → 100/150 − 1 = −0.3333 → −0.333.
    const c = [
      { date: "2026-03-29", in: 60, out: 40 },
      { date: "2026-03-22", in: 0, out: 0 },
      { date: "2026-03-15", in: 150, out: 150 },
    ];
    const [day] = footfallDays([c], "2026-03-29", "2026-03-29");
    expect(day!.previousWeeksMean).toBe(150);
    expect(day!.change).toBe(-0.333);
  });

  it("gives no change against a zero mean", () => {
    const [day] = footfallDays([[{ date: "2026-01-29", in: 3, out: 0 }, { date: "2026-01-22", in: 0, out: 0 }]], "2026-01-29", "2026-01-29");
    expect(day!.previousWeeksMean).toBe(0);
    expect(day!.change).toBeNull();
  });
});
