/** Small numeric helpers shared by the indicators. */

/** Median of a non-empty list (mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Energetic mean of sound levels in dB: 10·log10(mean of 10^(L/10)); null when empty. */
export function energeticMean(levels: readonly number[]): number | null {
  if (levels.length === 0) return null;
  let sum = 0;
  for (const l of levels) sum += 10 ** (l / 10);
  return 10 * Math.log10(sum / levels.length);
}

/** Least-squares line y = intercept + slope·x; null with fewer than 2 points or all x equal. */
export function linearFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } | null {
  const n = points.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** The sums a least-squares fit needs, so that SQL can aggregate them (n, Σx, Σy, Σx², Σxy). */
export interface FitSums {
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  sxy: number;
}

export function fitSums(points: readonly { x: number; y: number }[]): FitSums {
  const s: FitSums = { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0 };
  for (const p of points) {
    s.n++;
    s.sx += p.x;
    s.sy += p.y;
    s.sxx += p.x * p.x;
    s.sxy += p.x * p.y;
  }
  return s;
}

/** Least-squares line from sums; null with fewer than 2 points or a (numerically) zero x spread. */
export function linearFitFromSums(s: FitSums): { slope: number; intercept: number } | null {
  if (s.n < 2) return null;
  const d = s.n * s.sxx - s.sx * s.sx;
  if (!(Math.abs(d) > 1e-12 * Math.max(1, s.n * s.sxx))) return null;
  const slope = (s.n * s.sxy - s.sx * s.sy) / d;
  return { slope, intercept: (s.sy - slope * s.sx) / s.n };
}

/** Rounds to a number of decimals (half away from zero), keeping null. */
export function round(value: number | null, decimals: number): number | null {
  if (value === null) return null;
  const f = 10 ** decimals;
  const r = Math.round(Math.abs(value) * f + 1e-9) / f;
  return value < 0 ? -r : r;
}
