import { describe, expect, it } from "vitest";
import { type HourlyLevel, hourlyLaeq, laeqFromEnergy, lden, noiseDays, noiseDaysFromPeriods, noiseLevels } from "../../worker/src/indicators/noise.ts";
import { localTimeToUtc } from "../../worker/src/indicators/paris-time.ts";

const H = 3_600_000;

/** Every hour from local `fromHour` on `date` up to (excluded) local `toHour` on `toDate`, at `level(i)`. */
function span(date: string, fromHour: number, toDate: string, toHour: number, level: (i: number) => number): HourlyLevel[] {
  const out: HourlyLevel[] = [];
  const end = localTimeToUtc(toDate, toHour);
  for (let h = localTimeToUtc(date, fromHour), i = 0; h < end; h += H, i++) out.push({ hour: h, laeq: level(i) });
  return out;
}

/** A full noise day D: day hours at `d`, evening at `e`, night at `n`. */
function day(date: string, next: string, d: number, e: number, n: number): HourlyLevel[] {
  return [...span(date, 6, date, 18, () => d), ...span(date, 18, date, 22, () => e), ...span(date, 22, next, 6, () => n)];
}

describe("noise", () => {
  it("averages an hour's readings energetically", () => {
    // 10·log10((10^6 + 10^7) / 2) = 10·log10(5.5·10^6) = 67.404
    expect(hourlyLaeq([60, 70])).toBeCloseTo(67.404, 3);
    expect(laeqFromEnergy({ hour: 0, count: 2, energy: 1.1e7 })!.laeq).toBeCloseTo(67.404, 3);
    expect(laeqFromEnergy({ hour: 0, count: 0, energy: 0 })).toBeNull();
  });

  it("computes Lden from the three periods", () => {
    // (12·10^6 + 4·10^((55+5)/10) + 8·10^((50+10)/10)) / 24 = 10^6 → 60 dB
    expect(lden(60, 55, 50)).toBeCloseTo(60, 10);
  });

  it("gives Lday 06–18, Levening 18–22, Lnight 22–06 and exceedances for a day", () => {
    const [d] = noiseDays(day("2026-01-15", "2026-01-16", 60, 55, 50), "2026-01-15", "2026-01-15");
    expect(d).toEqual({
      date: "2026-01-15",
      lday: 60,
      levening: 55,
      lnight: 50,
      lden: 60,
      exceeds: { whoLden: true, whoLnight: true, limitLden: false, limitLnight: false },
    });
  });

  it("averages the period's hours energetically (6 h at 70 and 6 h at 60 → 67.4)", () => {
    const hours = [...span("2026-01-15", 6, "2026-01-15", 18, (i) => (i < 6 ? 70 : 60))];
    const [d] = noiseDays(hours, "2026-01-15", "2026-01-15");
    expect(d!.lday).toBe(67.4);
    expect(d!.levening).toBeNull();
    expect(d!.lden).toBeNull();
    expect(d!.exceeds).toEqual({ whoLden: null, whoLnight: null, limitLden: null, limitLnight: null });
  });

  it("counts hours before 06:00 in the previous day's night", () => {
    // 03:00 on the 16th at 70 dB: night of the 15th, nothing on the 16th.
    const hours = [{ hour: localTimeToUtc("2026-01-16", 3), laeq: 70 }];
    const days = noiseLevels(hours, "2026-01-15", "2026-01-16");
    expect(days[0]!.lnight).toBeCloseTo(70, 10);
    expect(days[1]!.lnight).toBeNull();
  });

  it("compares unrounded levels, strictly above the limits", () => {
    // Lnight exactly 45 and 62: not above. Lnight 45.04 (rounded 45.0): above the WHO 45.
    const at45 = noiseDays(day("2026-01-15", "2026-01-16", 40, 40, 45), "2026-01-15", "2026-01-15")[0]!;
    expect(at45.lnight).toBe(45);
    expect(at45.exceeds.whoLnight).toBe(false);
    const at4504 = noiseDays(day("2026-01-15", "2026-01-16", 40, 40, 45.04), "2026-01-15", "2026-01-15")[0]!;
    expect(at4504.lnight).toBe(45);
    expect(at4504.exceeds.whoLnight).toBe(true);
    const at62 = noiseDays(day("2026-01-15", "2026-01-16", 40, 40, 62), "2026-01-15", "2026-01-15")[0]!;
    expect(at62.exceeds.limitLnight).toBe(false);
    // Lday = Levening = Lnight = 62.5: Lden = 62.5 + 10·log10((12 + 4·10^0.5 + 8·10) / 24) = 68.895 → 68.9, above 68.
    const loud = noiseDays(day("2026-01-15", "2026-01-16", 62.5, 62.5, 62.5), "2026-01-15", "2026-01-15")[0]!;
    expect(loud.lden).toBe(68.9);
    expect(loud.exceeds).toEqual({ whoLden: true, whoLnight: true, limitLden: true, limitLnight: true });
  });

  it("has a 7-hour night before the spring change and a 9-hour night before the autumn one", () => {
    // Spring night of 28 March: 22, 23, 00, 01, 03, 04, 05 → 7 hours; 6 at 40 dB and one at 50:
    // 10·log10((6·10^4 + 10^5) / 7) = 43.590 (dividing by 8 would give 43.010).
    const spring = span("2026-03-28", 22, "2026-03-29", 6, (i) => (i === 0 ? 50 : 40));
    expect(spring).toHaveLength(7);
    expect(noiseLevels(spring, "2026-03-28", "2026-03-28")[0]!.lnight).toBeCloseTo(43.59, 2);
    // Autumn night of 24 October: 9 hours; 8 at 40 dB and one at 50: 10·log10((8·10^4 + 10^5) / 9) = 43.010.
    const autumn = span("2026-10-24", 22, "2026-10-25", 6, (i) => (i === 0 ? 50 : 40));
    expect(autumn).toHaveLength(9);
    expect(noiseLevels(autumn, "2026-10-24", "2026-10-24")[0]!.lnight).toBeCloseTo(43.01, 2);
  });
});

describe("noise from period summaries (what D1 computes)", () => {
  it("turns each period's mean hourly energy into its level", () => {
    // Day: mean of 10^(L/10) = 10^6 → 60; evening 10^5.5 → 55; night 10^5 → 50 → Lden 60.
    const periods = [
      { date: "2026-07-01", period: "day" as const, hours: 12, meanEnergy: 1e6 },
      { date: "2026-07-01", period: "evening" as const, hours: 4, meanEnergy: 10 ** 5.5 },
      { date: "2026-07-01", period: "night" as const, hours: 8, meanEnergy: 1e5 },
      { date: "2026-07-02", period: "day" as const, hours: 3, meanEnergy: 1e7 },
    ];
    expect(noiseDaysFromPeriods(periods, "2026-07-01", "2026-07-02")).toEqual([
      { date: "2026-07-01", lday: 60, levening: 55, lnight: 50, lden: 60, exceeds: { whoLden: true, whoLnight: true, limitLden: false, limitLnight: false } },
      { date: "2026-07-02", lday: 70, levening: null, lnight: null, lden: null, exceeds: { whoLden: null, whoLnight: null, limitLden: null, limitLnight: null } },
    ]);
  });
});
