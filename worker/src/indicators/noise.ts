import { energeticMean, round } from "./math.ts";
import { addDays, datesBetween, hourStart, type LocalDate, localDate, localHour, localTimeToUtc } from "./paris-time.ts";

/**
 * Noise: hourly LAeq (energetic mean of the hour's LAeq readings), Lday 06–18, Levening 18–22 and
 * Lnight 22–06 (energetic means of the period's hourly LAeq) for the day D that runs from 06:00 on
 * D to 06:00 on D+1, Lden, and exceedances of the WHO 2018 road-traffic guidelines and the French
 * road limit values (strictly above). Levels are rounded to 0.1 dB in the answer only: the
 * exceedances compare the unrounded levels.
 */

/** An hour's LAeq in dB(A); `hour` is the UTC ms start of the hour. */
export interface HourlyLevel {
  hour: number;
  laeq: number;
}

/** An hour's rollup of LAeq readings: count and energy sum Σ10^(L/10). */
export interface HourlyEnergy {
  hour: number;
  count: number;
  energy: number;
}

export const WHO_LDEN = 53;
export const WHO_LNIGHT = 45;
export const LIMIT_LDEN = 68;
export const LIMIT_LNIGHT = 62;

export interface NoiseDay {
  date: LocalDate;
  lday: number | null;
  levening: number | null;
  lnight: number | null;
  lden: number | null;
  exceeds: { whoLden: boolean | null; whoLnight: boolean | null; limitLden: boolean | null; limitLnight: boolean | null };
}

/** Hourly LAeq from an hour's readings: 10·log10(mean of 10^(LAeq_i/10)). */
export function hourlyLaeq(readings: readonly number[]): number | null {
  return energeticMean(readings);
}

/** Hourly LAeq from a rollup's count and energy sum. */
export function laeqFromEnergy(h: HourlyEnergy): HourlyLevel | null {
  if (h.count <= 0 || h.energy <= 0) return null;
  return { hour: h.hour, laeq: 10 * Math.log10(h.energy / h.count) };
}

export function lden(lday: number, levening: number, lnight: number): number {
  return 10 * Math.log10((12 * 10 ** (lday / 10) + 4 * 10 ** ((levening + 5) / 10) + 8 * 10 ** ((lnight + 10) / 10)) / 24);
}

export type Period = "day" | "evening" | "night";

function periodOf(hour: number): Period {
  if (hour >= 6 && hour < 18) return "day";
  if (hour >= 18 && hour < 22) return "evening";
  return "night";
}

/** The noise day D an hour belongs to: hours before 06:00 belong to the previous day's night. */
export function noiseDayOf(hourStartMs: number): LocalDate {
  const date = localDate(hourStartMs);
  return localHour(hourStartMs) < 6 ? addDays(date, -1) : date;
}

/** One noise day's period: hours with data and the mean of 10^(LAeq_h/10) over them. */
export interface PeriodEnergy {
  date: LocalDate;
  period: Period;
  hours: number;
  meanEnergy: number;
}

/** Period summaries of hourly levels (one level per hour), noise days from..to. */
export function summarizePeriods(hours: readonly HourlyLevel[], from: LocalDate, to: LocalDate): PeriodEnergy[] {
  const start = localTimeToUtc(from, 6);
  const end = localTimeToUtc(addDays(to, 1), 6);
  const groups = new Map<string, Map<number, number>>();
  for (const h of hours) {
    const hs = hourStart(h.hour);
    if (hs < start || hs >= end || !Number.isFinite(h.laeq)) continue;
    const key = `${noiseDayOf(hs)}/${periodOf(localHour(hs))}`;
    let m = groups.get(key);
    if (!m) groups.set(key, (m = new Map()));
    m.set(hs, 10 ** (h.laeq / 10));
  }
  return [...groups].map(([key, m]) => {
    const [date, period] = key.split("/") as [LocalDate, Period];
    const energies = [...m.values()];
    return { date, period, hours: energies.length, meanEnergy: energies.reduce((a, b) => a + b, 0) / energies.length };
  });
}

/** Unrounded levels of each noise day from..to, from hourly levels. */
export function noiseLevels(hours: readonly HourlyLevel[], from: LocalDate, to: LocalDate): Omit<NoiseDay, "exceeds">[] {
  return noiseLevelsFromPeriods(summarizePeriods(hours, from, to), from, to);
}

/** Unrounded levels of each noise day from..to, from period summaries (a period without hours is null). */
export function noiseLevelsFromPeriods(periods: readonly PeriodEnergy[], from: LocalDate, to: LocalDate): Omit<NoiseDay, "exceeds">[] {
  const byDate = new Map<LocalDate, Partial<Record<Period, number>>>();
  for (const p of periods) {
    if (!(p.hours > 0 && p.meanEnergy > 0)) continue;
    let day = byDate.get(p.date);
    if (!day) byDate.set(p.date, (day = {}));
    day[p.period] = 10 * Math.log10(p.meanEnergy);
  }
  return datesBetween(from, to).map((date) => {
    const day = byDate.get(date);
    const lday = day?.day ?? null;
    const levening = day?.evening ?? null;
    const lnight = day?.night ?? null;
    return { date, lday, levening, lnight, lden: lday === null || levening === null || lnight === null ? null : lden(lday, levening, lnight) };
  });
}

/** The answer's days: exceedances on unrounded levels, then levels rounded to 0.1 dB. */
export function noiseDays(hours: readonly HourlyLevel[], from: LocalDate, to: LocalDate): NoiseDay[] {
  return answerDays(noiseLevels(hours, from, to));
}

/** The answer's days from period summaries. */
export function noiseDaysFromPeriods(periods: readonly PeriodEnergy[], from: LocalDate, to: LocalDate): NoiseDay[] {
  return answerDays(noiseLevelsFromPeriods(periods, from, to));
}

function answerDays(levels: readonly Omit<NoiseDay, "exceeds">[]): NoiseDay[] {
  return levels.map((d) => ({
    date: d.date,
    lday: round(d.lday, 1),
    levening: round(d.levening, 1),
    lnight: round(d.lnight, 1),
    lden: round(d.lden, 1),
    exceeds: {
      whoLden: above(d.lden, WHO_LDEN),
      whoLnight: above(d.lnight, WHO_LNIGHT),
      limitLden: above(d.lden, LIMIT_LDEN),
      limitLnight: above(d.lnight, LIMIT_LNIGHT),
    },
  }));
}

function above(level: number | null, limit: number): boolean | null {
  return level === null ? null : level > limit;
}
