import { addDays, datesBetween, HOUR_MS, type LocalDate, localDate, localTimeToUtc, startOfLocalDay } from "./paris-time.ts";

/**
 * Meters (private devices). Per local day and fluid: consumption = last index of the day − last
 * index of the previous day. Hourly consumption = last index in the hour − last index before it.
 * `minNightFlow` = the smallest hourly consumption of the hours 00:00–05:00 (00, 01, 02, 03, 04:
 * 4 hours on the spring DST day, 6 on the autumn one). A leak is suspected after 3 consecutive
 * nights with minNightFlow > 0, or on a `water.leak` alarm; `estimatedLossPerDay` = 24 × the last
 * night's minNightFlow.
 */

export const FLUIDS = { water: "metering.water.total", gas: "metering.gas.total", electricity: "metering.electricity.total" } as const;
export type Fluid = keyof typeof FLUIDS;
export const LEAK_NIGHTS = 3;

/** A meter index reading in the quantity's unit (L, m³, Wh). */
export interface IndexReading {
  time: number;
  value: number;
}

/** A `water.leak` reading: 1 = leak detected, 0 = none. */
export interface LeakAlarm {
  time: number;
  value: number;
}

export interface MeterDay {
  date: LocalDate;
  consumption: number | null;
  minNightFlow: number | null;
}

export interface LeakState {
  suspected: boolean;
  since: number | null;
  why: string | null;
  /** Consecutive nights, up to `at`, with minNightFlow > 0. */
  nights: number;
  lastNightFlow: number | null;
  estimatedLossPerDay: number | null;
}

/** Readings sorted by time, with a binary search for "last reading before t". */
export class IndexSeries {
  private readonly readings: IndexReading[];
  constructor(readings: readonly IndexReading[]) {
    this.readings = [...readings].sort((a, b) => a.time - b.time);
  }

  /** The last reading with time < t, or null. */
  lastBefore(t: number): IndexReading | null {
    let lo = 0;
    let hi = this.readings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.readings[mid]!.time < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : this.readings[lo - 1]!;
  }

  /** The last index in [start, end), or null when no reading falls there. */
  lastIn(start: number, end: number): number | null {
    const r = this.lastBefore(end);
    return r !== null && r.time >= start ? r.value : null;
  }

  /** Consumption of the hour starting at `hour`: last index in the hour − last index before it. */
  hourlyConsumption(hour: number): number | null {
    const last = this.lastIn(hour, hour + HOUR_MS);
    const before = this.lastBefore(hour);
    return last === null || before === null ? null : last - before.value;
  }

  /** Consumption of a local day: last index of the day − last index of the previous day. */
  dailyConsumption(date: LocalDate): number | null {
    const start = startOfLocalDay(date);
    const last = this.lastIn(start, startOfLocalDay(addDays(date, 1)));
    const previous = this.lastIn(startOfLocalDay(addDays(date, -1)), start);
    return last === null || previous === null ? null : last - previous;
  }

  /** Smallest hourly consumption between 00:00 and 05:00 local on `date`, or null without any. */
  minNightFlow(date: LocalDate): number | null {
    let min: number | null = null;
    for (let h = startOfLocalDay(date); h < localTimeToUtc(date, 5); h += HOUR_MS) {
      const c = this.hourlyConsumption(h);
      if (c !== null && (min === null || c < min)) min = c;
    }
    return min;
  }

  get last(): IndexReading | null {
    return this.readings.at(-1) ?? null;
  }

  get first(): IndexReading | null {
    return this.readings[0] ?? null;
  }
}

export function meterDays(readings: readonly IndexReading[], from: LocalDate, to: LocalDate): MeterDay[] {
  const series = new IndexSeries(readings);
  return datesBetween(from, to).map((date) => ({ date, consumption: series.dailyConsumption(date), minNightFlow: series.minNightFlow(date) }));
}

/**
 * Leak state at `at` from the readings up to `at`: the nights counted are those whose 05:00 has
 * passed, latest first; `since` is the end (05:00) of the third night of the current run, or the
 * start of the current `water.leak` alarm, whichever is earlier.
 */
export function leakState(readings: readonly IndexReading[], alarms: readonly LeakAlarm[], at: number): LeakState {
  const series = new IndexSeries(readings.filter((r) => r.time <= at));
  let night = localDate(at);
  if (localTimeToUtc(night, 5) > at) night = addDays(night, -1);
  const lastNightFlow = series.minNightFlow(night);
  const firstDate = series.first === null ? night : localDate(series.first.time);
  const run: LocalDate[] = [];
  for (let d = night; d >= firstDate; d = addDays(d, -1)) {
    const flow = series.minNightFlow(d);
    if (flow === null || flow <= 0) break;
    run.push(d);
  }
  const nightSince = run.length >= LEAK_NIGHTS ? localTimeToUtc(run[run.length - LEAK_NIGHTS]!, 5) : null;

  const sortedAlarms = alarms.filter((a) => a.time <= at).sort((a, b) => a.time - b.time);
  let alarmSince: number | null = null;
  for (let i = sortedAlarms.length - 1; i >= 0 && sortedAlarms[i]!.value !== 0; i--) alarmSince = sortedAlarms[i]!.time;

  const reasons: string[] = [];
  if (nightSince !== null) reasons.push(`${run.length} consecutive nights with a minimum night flow above 0 (last night ${lastNightFlow})`);
  if (alarmSince !== null) reasons.push("water.leak alarm");
  const sinces = [nightSince, alarmSince].filter((s): s is number => s !== null);
  return {
    suspected: reasons.length > 0,
    since: sinces.length === 0 ? null : Math.min(...sinces),
    why: reasons.length === 0 ? null : reasons.join("; "),
    nights: run.length,
    lastNightFlow,
    estimatedLossPerDay: lastNightFlow === null ? null : 24 * lastNightFlow,
  };
}
