import { linearFit } from "./math.ts";
import { DAY_MS, HOUR_MS } from "./paris-time.ts";

/**
 * Waste bins at an instant `at`: latest fill; the last emptying (a pickup alarm, or a drop of at
 * least 30 points between consecutive fill readings); `ratePerDay` = least-squares slope of the
 * fill readings since the last emptying (2 readings needed); `predictedFullAt` = when that line
 * reaches the threshold (null if the slope ≤ 0); `toCollect` = fill ≥ threshold or predictedFullAt
 * within 24 h of `at`.
 */

export const DEFAULT_FILL_THRESHOLD = 80;
export const EMPTYING_DROP = 30;

/** A `level.fill` reading in %. */
export interface FillReading {
  time: number;
  fill: number;
}

export interface BinInput {
  /** Fill readings, any order. */
  fills: readonly FillReading[];
  /** Times of `alarm.pickup` readings that say "emptied". */
  pickups: readonly number[];
  /** The device tag `fillThreshold`, default 80. */
  threshold: number;
}

export interface BinState {
  fill: number | null;
  fillAt: number | null;
  threshold: number;
  lastEmptiedAt: number | null;
  emptiedBy: "pickup" | "drop" | null;
  ratePerDay: number | null;
  predictedFullAt: number | null;
  toCollect: boolean;
}

/** The threshold of a device from its tags: `fillThreshold` when it is a number in (0, 100], else 80. */
export function fillThreshold(tags: Readonly<Record<string, string>>): number {
  const raw = tags["fillThreshold"];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 && n <= 100 ? n : DEFAULT_FILL_THRESHOLD;
}

export function binState(input: BinInput, at: number): BinState {
  const fills = input.fills.filter((r) => r.time <= at).sort((a, b) => a.time - b.time);
  const threshold = input.threshold;
  const latest = fills.at(-1) ?? null;

  // The last emptying: the later of the last pickup alarm and the last ≥ 30-point drop (dated by the reading after it).
  let lastEmptiedAt: number | null = null;
  let emptiedBy: BinState["emptiedBy"] = null;
  for (const t of input.pickups) {
    if (t <= at && (lastEmptiedAt === null || t > lastEmptiedAt)) {
      lastEmptiedAt = t;
      emptiedBy = "pickup";
    }
  }
  for (let i = fills.length - 1; i > 0; i--) {
    if (fills[i - 1]!.fill - fills[i]!.fill >= EMPTYING_DROP) {
      if (lastEmptiedAt === null || fills[i]!.time > lastEmptiedAt) {
        lastEmptiedAt = fills[i]!.time;
        emptiedBy = "drop";
      }
      break;
    }
  }

  const since = lastEmptiedAt === null ? fills : fills.filter((r) => r.time >= lastEmptiedAt);
  const t0 = since[0]?.time ?? 0;
  const fit = linearFit(since.map((r) => ({ x: (r.time - t0) / DAY_MS, y: r.fill })));
  const ratePerDay = fit ? fit.slope : null;
  const predictedFullAt = fit && fit.slope > 0 ? Math.round(t0 + ((threshold - fit.intercept) / fit.slope) * DAY_MS) : null;
  const fill = latest?.fill ?? null;
  const toCollect = (fill !== null && fill >= threshold) || (predictedFullAt !== null && predictedFullAt <= at + 24 * HOUR_MS);
  return { fill, fillAt: latest?.time ?? null, threshold, lastEmptiedAt, emptiedBy, ratePerDay, predictedFullAt, toCollect };
}
