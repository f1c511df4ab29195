import { round } from "./math.ts";
import { addDays, datesBetween, type LocalDate } from "./paris-time.ts";

/**
 * Footfall: daily `in`, `out` and `total` (= in + out) per counter, a commune being the sum over its
 * counters; `previousWeeksMean` = mean total of the same weekday over the previous 4 weeks (D−7,
 * D−14, D−21, D−28) that have data, null if none of them has; `change` = total / previousWeeksMean
 * − 1, rounded to 0.001 (null without a mean, or with a zero mean).
 */

/** One counter's counts over one local day (sums of `count.in` / `count.out`). */
export interface CounterDay {
  date: LocalDate;
  in: number;
  out: number;
}

export interface FootfallDay {
  date: LocalDate;
  in: number | null;
  out: number | null;
  total: number | null;
  previousWeeksMean: number | null;
  change: number | null;
}

export const COMPARED_WEEKS = 4;

/** Sums the counters per day; a day has data when at least one counter has a row for it. */
export function sumCounters(counters: readonly (readonly CounterDay[])[]): Map<LocalDate, { in: number; out: number }> {
  const out = new Map<LocalDate, { in: number; out: number }>();
  for (const counter of counters) {
    for (const d of counter) {
      const cur = out.get(d.date) ?? { in: 0, out: 0 };
      out.set(d.date, { in: cur.in + d.in, out: cur.out + d.out });
    }
  }
  return out;
}

/** Days from..to of one counter or of a commune's counters; give rows from 28 days before `from`. */
export function footfallDays(counters: readonly (readonly CounterDay[])[], from: LocalDate, to: LocalDate): FootfallDay[] {
  const byDay = sumCounters(counters);
  return datesBetween(from, to).map((date) => {
    const day = byDay.get(date);
    const total = day ? day.in + day.out : null;
    const previous: number[] = [];
    for (let w = 1; w <= COMPARED_WEEKS; w++) {
      const p = byDay.get(addDays(date, -7 * w));
      if (p) previous.push(p.in + p.out);
    }
    const previousWeeksMean = previous.length === 0 ? null : previous.reduce((a, b) => a + b, 0) / previous.length;
    const change = total === null || previousWeeksMean === null || previousWeeksMean === 0 ? null : round(total / previousWeeksMean - 1, 3);
    return { date, in: day?.in ?? null, out: day?.out ?? null, total, previousWeeksMean, change };
  });
}
