import { describe, expect, it } from "vitest";
import { atmoClass, atmoDays, atmoDaysFromConcentrations, atmoDaysFromSummaries, type HourlyMean } from "../../worker/src/indicators/atmo.ts";
import { localTimeToUtc } from "../../worker/src/indicators/paris-time.ts";

const H = 3_600_000;

/** `values[i]` at local hour i of `date` (UTC hours from local midnight). */
function hours(date: string, values: readonly number[]): HourlyMean[] {
  const start = localTimeToUtc(date, 0);
  return values.map((mean, i) => ({ hour: start + i * H, mean }));
}

describe("ATMO classes (arrêté of 10 July 2020)", () => {
  it("puts a concentration equal to a bound in the lower class and above the last bound in class 6", () => {
    expect(atmoClass("no2", 40)).toBe(1);
    expect(atmoClass("no2", 40.1)).toBe(2);
    expect(atmoClass("no2", 340)).toBe(5);
    expect(atmoClass("no2", 340.1)).toBe(6);
    expect(atmoClass("o3", 50)).toBe(1);
    expect(atmoClass("o3", 130)).toBe(3);
    expect(atmoClass("o3", 381)).toBe(6);
    expect(atmoClass("so2", 100)).toBe(1);
    expect(atmoClass("so2", 750)).toBe(5);
    expect(atmoClass("so2", 751)).toBe(6);
    expect(atmoClass("pm10", 20)).toBe(1);
    expect(atmoClass("pm10", 50.5)).toBe(4);
    expect(atmoClass("pm10", 151)).toBe(6);
    expect(atmoClass("pm2_5", 10)).toBe(1);
    expect(atmoClass("pm2_5", 25)).toBe(3);
    expect(atmoClass("pm2_5", 75)).toBe(5);
    expect(atmoClass("pm2_5", 75.1)).toBe(6);
  });
});

describe("ATMO daily index", () => {
  it("uses the maximum hourly mean for NO2 and the mean of hourly means for PM10", () => {
    // NO2: 17 hours at 20 and one at 95 → max 95 → class 3. PM10: 9 h at 30 and 9 h at 52 → mean 41 → class 3
    // (the max, 52, would be class 4).
    const no2 = hours("2026-01-15", [...Array(17).fill(20), 95]);
    const pm10 = hours("2026-01-15", [...Array(9).fill(30), ...Array(9).fill(52)]);
    const [day] = atmoDays([{ hourly: { no2, pm10 } }], "2026-01-15", "2026-01-15");
    expect(day).toEqual({
      date: "2026-01-15",
      index: 3,
      label: "Dégradé",
      pollutants: ["no2", "pm10"],
      subIndices: { no2: 3, o3: null, pm10: 3, pm2_5: null, so2: null },
    });
  });

  it("needs 18 hours with data for a sub-index", () => {
    const o3 = hours("2026-01-15", Array(17).fill(120));
    const pm2_5 = hours("2026-01-15", Array(18).fill(12));
    const [day] = atmoDays([{ hourly: { o3, pm2_5 } }], "2026-01-15", "2026-01-15");
    expect(day!.subIndices.o3).toBeNull();
    expect(day!.subIndices.pm2_5).toBe(2);
    expect(day!.index).toBe(2);
    expect(day!.label).toBe("Moyen");
  });

  it("counts a duplicated hour once", () => {
    const no2 = hours("2026-01-15", Array(17).fill(50));
    no2.push({ ...no2[0]! });
    const [day] = atmoDays([{ hourly: { no2 } }], "2026-01-15", "2026-01-15");
    expect(day!.subIndices.no2).toBeNull();
  });

  it("answers a null index with no pollutant for a day without any sub-index", () => {
    const [day] = atmoDays([{ hourly: {} }], "2026-01-15", "2026-01-15");
    expect(day).toEqual({ date: "2026-01-15", index: null, label: null, pollutants: [], subIndices: { no2: null, o3: null, pm10: null, pm2_5: null, so2: null } });
  });

  it("assigns hours to local days: 23:00 UTC is the next local day in winter", () => {
    // 18 hours starting at local midnight of the 15th = 23:00 UTC on the 14th: all on the 15th.
    const so2 = hours("2026-01-15", Array(18).fill(760));
    const days = atmoDays([{ hourly: { so2 } }], "2026-01-14", "2026-01-15");
    expect(days.map((d) => d.subIndices.so2)).toEqual([null, 6]);
    expect(days[1]!.label).toBe("Extrêmement mauvais");
  });

  it("counts the 23 hours of the spring DST day and the 25 of the autumn one", () => {
    // Spring: 23 hours, the first 5 missing → 18 hours → a sub-index. Autumn: 25 hours, the first 7 missing → 18.
    const spring = hours("2026-03-29", Array(23).fill(45)).slice(5);
    const autumn = hours("2026-10-25", Array(25).fill(45)).slice(7);
    const [s] = atmoDays([{ hourly: { no2: spring } }], "2026-03-29", "2026-03-29");
    const [a] = atmoDays([{ hourly: { no2: autumn } }], "2026-10-25", "2026-10-25");
    expect(s!.subIndices.no2).toBe(2);
    expect(a!.subIndices.no2).toBe(2);
    // One hour more on the spring day is already the next day's midnight: still 18 on the 29th.
    const overflow = hours("2026-03-29", Array(24).fill(45)).slice(6);
    const [o] = atmoDays([{ hourly: { no2: overflow } }], "2026-03-29", "2026-03-29");
    expect(o!.subIndices.no2).toBeNull();
  });

  it("takes for a commune each sub-index's highest value over its stations", () => {
    // Station A: NO2 max 100 → 3; PM10 mean 15 → 1. Station B: NO2 max 60 → 2; PM10 mean 60 → 4.
    const a = { hourly: { no2: hours("2026-01-15", Array(18).fill(100)), pm10: hours("2026-01-15", Array(18).fill(15)) } };
    const b = { hourly: { no2: hours("2026-01-15", Array(18).fill(60)), pm10: hours("2026-01-15", Array(18).fill(60)) } };
    const [day] = atmoDays([a, b], "2026-01-15", "2026-01-15");
    expect(day!.subIndices).toEqual({ no2: 3, o3: null, pm10: 4, pm2_5: null, so2: null });
    expect(day!.index).toBe(4);
    expect(day!.label).toBe("Mauvais");
    expect(day!.pollutants).toEqual(["pm10"]);
  });
});

describe("ATMO concentrations on a class bound", () => {
  // 18 hourly PM10 means (0.1 µg/m³ readings) summing by hand to exactly 360: the day's mean is 20,
  // the upper bound of class 1. Summed left to right in floating point they give 20.000000000000004.
  const pm10Means = [17.4, 15.4, 17.2, 18, 18.6, 20.9, 22.2, 15, 16.8, 22.2, 19.2, 19.4, 20.8, 15, 23.6, 23.8, 21.5, 33];

  it("classes a mean of hourly means equal to a bound in the lower class despite floating-point addition", () => {
    expect(pm10Means.reduce((a, b) => a + b, 0) / pm10Means.length).toBeGreaterThan(20); // the noise the rule must not see
    const [day] = atmoDays([{ hourly: { pm10: hours("2026-03-10", pm10Means) } }], "2026-03-10", "2026-03-10");
    expect(day).toMatchObject({ index: 1, label: "Bon", pollutants: ["pm10"], subIndices: { pm10: 1 } });
  });

  it("does the same for a daily summary whose mean carries the same error", () => {
    const [day] = atmoDaysFromSummaries(
      [{ daily: { pm10: [{ date: "2026-03-10", hours: 18, maxMean: 33, meanOfMeans: 20.000000000000004 }] } }],
      "2026-03-10",
      "2026-03-10",
    );
    expect(day!.subIndices.pm10).toBe(1);
  });

  it("keeps a real half-unit above the bound in the upper class (NO2 readings 52, 50, 206, 54 → hourly mean 90.5)", () => {
    // The benchmark's 2026-05-16 case: its raw baseline divided integers (362 / 4 = 90) and said class 2.
    const [day] = atmoDays([{ hourly: { no2: hours("2026-05-16", [...Array(23).fill(60), (52 + 50 + 206 + 54) / 4]) } }], "2026-05-16", "2026-05-16");
    expect(day!.subIndices.no2).toBe(3);
  });
});

describe("ATMO from daily summaries (what D1 computes)", () => {
  it("uses the maximum for gases, the mean for particles, and 18 hours at least", () => {
    const [day] = atmoDaysFromSummaries(
      [
        {
          daily: {
            o3: [{ date: "2026-07-01", hours: 18, maxMean: 131, meanOfMeans: 60 }],
            pm2_5: [{ date: "2026-07-01", hours: 24, maxMean: 80, meanOfMeans: 24 }],
            no2: [{ date: "2026-07-01", hours: 17, maxMean: 400, meanOfMeans: 300 }],
          },
        },
      ],
      "2026-07-01",
      "2026-07-01",
    );
    // O3 max 131 → 4; PM2.5 mean 24 → 3 (its max, 80, would be 6); NO2 under 18 hours → null.
    expect(day).toMatchObject({ index: 4, label: "Mauvais", pollutants: ["o3"], subIndices: { no2: null, o3: 4, pm2_5: 3 } });
  });
});

describe("ATMO from daily concentrations (a commune's highest per pollutant, as D1 gives them)", () => {
  it("classes each concentration like a station's, rounding floating-point noise at a bound, and leaves days without one empty", () => {
    const days = atmoDaysFromConcentrations(
      new Map([
        ["2026-07-01", { o3: 131, pm2_5: 24, no2: null }],
        ["2026-07-02", { pm10: 20.000000000000004, no2: 90.5 }],
      ]),
      "2026-07-01",
      "2026-07-03",
    );
    expect(days).toEqual([
      { date: "2026-07-01", index: 4, label: "Mauvais", pollutants: ["o3"], subIndices: { no2: null, o3: 4, pm10: null, pm2_5: 3, so2: null } },
      // PM10 20 is on the bound (class 1); NO2 90.5 is a real half-unit above 90 (class 3).
      { date: "2026-07-02", index: 3, label: "Dégradé", pollutants: ["no2"], subIndices: { no2: 3, o3: null, pm10: 1, pm2_5: null, so2: null } },
      { date: "2026-07-03", index: null, label: null, pollutants: [], subIndices: { no2: null, o3: null, pm10: null, pm2_5: null, so2: null } },
    ]);
  });
});
