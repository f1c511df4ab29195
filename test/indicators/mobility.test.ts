import { describe, expect, it } from "vitest";
import { stationReadings, stationState } from "../../worker/src/indicators/mobility.ts";
import { startOfLocalDay } from "../../worker/src/indicators/paris-time.ts";

const H = 3_600_000;
const S = startOfLocalDay("2026-01-15");

describe("mobility", () => {
  const readings = [
    { time: S - H, vehicles: 0, freeDocks: 10 }, // holds into the day from 00:00
    { time: S + 6 * H, vehicles: 5, freeDocks: 5 },
    { time: S + 12 * H, vehicles: 10, freeDocks: 0 },
    { time: S + 18 * H, vehicles: 3, freeDocks: 7 },
  ];

  it("shares the day between empty and full, each reading holding until the next", () => {
    // Empty 00–06 (6 h), full 12–18 (6 h), out of 24 h → 0.25 each.
    expect(stationState(readings, "2026-01-15", "2026-01-15", S + 30 * H)).toEqual({
      vehicles: 3,
      freeDocks: 7,
      observedAt: S + 18 * H,
      emptyShare: 0.25,
      fullShare: 0.25,
    });
  });

  it("stops the window at `at` and answers the state then", () => {
    // At 15:00: 15 known hours, empty 6 → 0.4, full 3 → 0.2; 10 vehicles, 0 free docks.
    expect(stationState(readings, "2026-01-15", "2026-01-15", S + 15 * H)).toEqual({
      vehicles: 10,
      freeDocks: 0,
      observedAt: S + 12 * H,
      emptyShare: 0.4,
      fullShare: 0.2,
    });
  });

  it("leaves the time before the first reading out of the shares", () => {
    // Known from 06:00: 18 h, full 6 h → 1/3, never empty.
    const s = stationState(readings.slice(1), "2026-01-15", "2026-01-15", S + 30 * H);
    expect(s.emptyShare).toBe(0);
    expect(s.fullShare).toBeCloseTo(1 / 3, 12);
    expect(stationState([], "2026-01-15", "2026-01-15", S).emptyShare).toBeNull();
  });

  it("uses the 23 hours of the spring DST day", () => {
    // Empty from 00:00 until 11.5 h later, then 2 vehicles: 11.5 / 23 = 0.5.
    const d = startOfLocalDay("2026-03-29");
    const s = stationState(
      [
        { time: d, vehicles: 0, freeDocks: 8 },
        { time: d + 11.5 * H, vehicles: 2, freeDocks: 6 },
      ],
      "2026-03-29",
      "2026-03-29",
      d + 48 * H,
    );
    expect(s.emptyShare).toBe(0.5);
  });

  it("adds vehicle kinds read at the same instant", () => {
    expect(
      stationReadings(
        [
          { time: 1, value: 2 },
          { time: 1, value: 3 },
          { time: 2, value: 1 },
        ],
        [{ time: 1, value: 4 }],
      ),
    ).toEqual([{ time: 1, vehicles: 5, freeDocks: 4 }]);
  });
});
