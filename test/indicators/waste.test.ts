import { describe, expect, it } from "vitest";
import { binState, fillThreshold } from "../../worker/src/indicators/waste.ts";

const D = 86_400_000;
const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 10, 8);
const at = (days: number) => T0 + days * D;

describe("waste", () => {
  it("takes the last drop of at least 30 points as the emptying and fits the rate since then", () => {
    // 90 → 10 is a drop of 80 at day 1: readings since (0 d, 10), (1 d, 30), (2 d, 50): 20 points/day,
    // the line 10 + 20·x reaches 80 at x = 3.5 days after the emptying.
    const fills = [
      { time: at(0), fill: 90 },
      { time: at(1), fill: 10 },
      { time: at(2), fill: 30 },
      { time: at(3), fill: 50 },
    ];
    const s = binState({ fills, pickups: [], threshold: 80 }, at(3));
    expect(s.fill).toBe(50);
    expect(s.lastEmptiedAt).toBe(at(1));
    expect(s.emptiedBy).toBe("drop");
    expect(s.ratePerDay).toBeCloseTo(20, 10);
    expect(s.predictedFullAt).toBe(at(4.5));
    // Full in 1.5 days: not to collect at day 3; at day 3.6 it is within 24 h.
    expect(s.toCollect).toBe(false);
    expect(binState({ fills, pickups: [], threshold: 80 }, at(3.6)).toCollect).toBe(true);
  });

  it("fits by least squares when the readings are not on a line", () => {
    // (0, 10), (1, 20), (2, 60): mean x 1, mean y 30, Σdxdy = 20 + 0 + 30 = 50, Σdx² = 2 → slope 25, intercept 5;
    // 80 reached at x = 3 → day 3.
    const fills = [
      { time: at(0), fill: 10 },
      { time: at(1), fill: 20 },
      { time: at(2), fill: 60 },
    ];
    const s = binState({ fills, pickups: [], threshold: 80 }, at(2));
    expect(s.lastEmptiedAt).toBeNull();
    expect(s.ratePerDay).toBeCloseTo(25, 10);
    expect(s.predictedFullAt).toBe(at(3));
    expect(s.toCollect).toBe(true);
  });

  it("takes a pickup alarm as the emptying even without a 30-point drop", () => {
    // 40, 45, pickup at 1.5 d, 20 (a 25-point drop), 30: since the pickup (2 d, 20), (3 d, 30) → 10/day, 80 at day 8.
    const fills = [
      { time: at(0), fill: 40 },
      { time: at(1), fill: 45 },
      { time: at(2), fill: 20 },
      { time: at(3), fill: 30 },
    ];
    const s = binState({ fills, pickups: [at(1.5)], threshold: 80 }, at(3));
    expect(s.emptiedBy).toBe("pickup");
    expect(s.lastEmptiedAt).toBe(at(1.5));
    expect(s.ratePerDay).toBeCloseTo(10, 10);
    expect(s.predictedFullAt).toBe(at(8));
    expect(s.toCollect).toBe(false);
  });

  it("counts a drop of exactly 30 points, not of 29", () => {
    const drop = (to: number) => [
      { time: at(0), fill: 60 },
      { time: at(1), fill: to },
      { time: at(2), fill: to + 5 },
    ];
    expect(binState({ fills: drop(30), pickups: [], threshold: 80 }, at(2)).lastEmptiedAt).toBe(at(1));
    expect(binState({ fills: drop(31), pickups: [], threshold: 80 }, at(2)).lastEmptiedAt).toBeNull();
  });

  it("collects a bin at its threshold with a single reading, and predicts nothing for a flat or falling line", () => {
    const one = binState({ fills: [{ time: at(0), fill: 60 }], pickups: [], threshold: 60 }, at(0));
    expect(one).toMatchObject({ fill: 60, ratePerDay: null, predictedFullAt: null, toCollect: true });
    const falling = binState({ fills: [{ time: at(0), fill: 50 }, { time: at(1), fill: 45 }], pickups: [], threshold: 80 }, at(1));
    expect(falling.ratePerDay).toBeCloseTo(-5, 10);
    expect(falling.predictedFullAt).toBeNull();
    expect(falling.toCollect).toBe(false);
  });

  it("evaluates at a past instant, ignoring later readings", () => {
    const fills = [
      { time: at(0), fill: 10 },
      { time: at(1), fill: 40 },
      { time: at(2), fill: 95 },
    ];
    const s = binState({ fills, pickups: [at(1.5)], threshold: 80 }, at(1) + H);
    expect(s.fill).toBe(40);
    expect(s.lastEmptiedAt).toBeNull();
    expect(s.predictedFullAt).toBe(at(7 / 3));
  });

  it("reads the threshold from the fillThreshold tag, default 80", () => {
    expect(fillThreshold({ fillThreshold: "60" })).toBe(60);
    expect(fillThreshold({ fillThreshold: "full" })).toBe(80);
    expect(fillThreshold({})).toBe(80);
  });
});
