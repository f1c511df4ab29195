import { addDays, datesBetween, hourStart, type LocalDate, localDate, startOfLocalDay } from "./paris-time.ts";

/**
 * ATMO air-quality index (arrêté of 10 July 2020). Per station and local day: NO2, O3 and SO2 use
 * the day's maximum hourly mean, PM10 and PM2.5 the mean of the day's hourly means; a sub-index
 * needs at least 18 hours with data. The index is the highest sub-index; for a commune each
 * sub-index is the highest over its stations.
 */

export const ATMO_POLLUTANTS = ["no2", "o3", "pm10", "pm2_5", "so2"] as const;
export type AtmoPollutant = (typeof ATMO_POLLUTANTS)[number];

/** Upper bounds (µg/m³) of classes 1–5; a value equal to a bound is in the lower class, above the last is class 6. */
export const ATMO_BOUNDS: Readonly<Record<AtmoPollutant, readonly number[]>> = {
  no2: [40, 90, 120, 230, 340],
  o3: [50, 100, 130, 240, 380],
  so2: [100, 200, 350, 500, 750],
  pm10: [20, 40, 50, 100, 150],
  pm2_5: [10, 20, 25, 50, 75],
};

export const ATMO_LABELS = ["Bon", "Moyen", "Dégradé", "Mauvais", "Très mauvais", "Extrêmement mauvais"] as const;

/** Gases take the day's maximum hourly mean; particles the mean of the hourly means. */
/** Which statistic of the day's hourly means a pollutant's daily concentration is: their maximum or their mean. */
export const DAILY_STATISTIC: Readonly<Record<AtmoPollutant, "max" | "mean">> = { no2: "max", o3: "max", so2: "max", pm10: "mean", pm2_5: "mean" };

export const ATMO_MIN_HOURS = 18;

/** One hourly mean concentration in µg/m³; `hour` is the UTC ms start of the hour. */
export interface HourlyMean {
  hour: number;
  mean: number;
}

/** A station's hourly means per pollutant (a pollutant it does not measure is absent). */
export interface AtmoStation {
  hourly: Partial<Record<AtmoPollutant, readonly HourlyMean[]>>;
}

export type SubIndices = Record<AtmoPollutant, number | null>;

export interface AtmoDay {
  date: LocalDate;
  index: number | null;
  label: (typeof ATMO_LABELS)[number] | null;
  pollutants: AtmoPollutant[];
  subIndices: SubIndices;
}

/** Class 1–6 of a concentration. */
export function atmoClass(pollutant: AtmoPollutant, concentration: number): number {
  const bounds = ATMO_BOUNDS[pollutant];
  for (let i = 0; i < bounds.length; i++) if (concentration <= bounds[i]!) return i + 1;
  return bounds.length + 1;
}

/** One station's hourly means of one pollutant over one local day, summed up (SQL can compute these). */
export interface DailyHours {
  date: LocalDate;
  /** Hours with data. */
  hours: number;
  /** The day's maximum hourly mean. */
  maxMean: number;
  /** The mean of the day's hourly means. */
  meanOfMeans: number;
}

/** A station's daily summaries per pollutant. */
export interface AtmoStationDays {
  daily: Partial<Record<AtmoPollutant, readonly DailyHours[]>>;
}

/**
 * Steps per µg/m³ a daily concentration is rounded to before it is classed (10⁻⁶ µg/m³; divided
 * by this exact integer, so a bound comes back exact). Readings are stored
 * to 0.1 µg/m³ at best, so a mean of hourly means that is exactly on a class bound (18 hours of
 * PM10 summing to 360 → 20) comes out of floating-point addition one ulp off (20.000000000000004)
 * and would jump a class; rounding to 10⁻⁶ only removes that noise, never a real difference of a
 * day's data.
 */
export const ATMO_CONCENTRATION_STEPS = 1_000_000;

/** The day's aggregate concentration of one pollutant at one station, or null under 18 hours of data. */
export function dailyConcentration(pollutant: AtmoPollutant, day: Omit<DailyHours, "date">): number | null {
  if (day.hours < ATMO_MIN_HOURS) return null;
  return steps(DAILY_STATISTIC[pollutant] === "max" ? day.maxMean : day.meanOfMeans);
}

const steps = (c: number) => Math.round(c * ATMO_CONCENTRATION_STEPS) / ATMO_CONCENTRATION_STEPS;

/** Daily summaries of hourly means (one mean per hour: a duplicated hour counts once), local days from..to. */
export function summarizeHours(hours: readonly HourlyMean[], from: LocalDate, to: LocalDate): DailyHours[] {
  const start = startOfLocalDay(from);
  const end = startOfLocalDay(addDays(to, 1));
  const perDay = new Map<LocalDate, Map<number, number>>();
  for (const h of hours) {
    const hs = hourStart(h.hour);
    if (hs < start || hs >= end || !Number.isFinite(h.mean)) continue;
    const date = localDate(hs);
    let m = perDay.get(date);
    if (!m) perDay.set(date, (m = new Map()));
    m.set(hs, h.mean);
  }
  return [...perDay].map(([date, m]) => {
    const means = [...m.values()];
    return { date, hours: means.length, maxMean: Math.max(...means), meanOfMeans: means.reduce((a, b) => a + b, 0) / means.length };
  });
}

/** Sub-indices of one station for every local day from..to, keyed by date. */
export function stationSubIndices(station: AtmoStationDays, from: LocalDate, to: LocalDate): Map<LocalDate, SubIndices> {
  const byDay = new Map<LocalDate, SubIndices>();
  for (const date of datesBetween(from, to)) byDay.set(date, emptySubIndices());
  for (const pollutant of ATMO_POLLUTANTS) {
    for (const day of station.daily[pollutant] ?? []) {
      const sub = byDay.get(day.date);
      if (!sub) continue;
      const c = dailyConcentration(pollutant, day);
      sub[pollutant] = c === null ? null : atmoClass(pollutant, c);
    }
  }
  return byDay;
}

/** The daily ATMO of one station or, with several, of their commune, from hourly means. */
export function atmoDays(stations: readonly AtmoStation[], from: LocalDate, to: LocalDate): AtmoDay[] {
  const summarized = stations.map((s): AtmoStationDays => ({
    daily: Object.fromEntries(Object.entries(s.hourly).map(([p, hours]) => [p, summarizeHours(hours ?? [], from, to)])),
  }));
  return atmoDaysFromSummaries(summarized, from, to);
}

/** The daily ATMO from daily summaries (each sub-index of a commune: highest over its stations). */
export function atmoDaysFromSummaries(stations: readonly AtmoStationDays[], from: LocalDate, to: LocalDate): AtmoDay[] {
  const perStation = stations.map((s) => stationSubIndices(s, from, to));
  return datesBetween(from, to).map((date) => {
    const sub = emptySubIndices();
    for (const station of perStation) {
      const s = station.get(date)!;
      for (const p of ATMO_POLLUTANTS) {
        const v = s[p];
        if (v !== null && (sub[p] === null || v > sub[p]!)) sub[p] = v;
      }
    }
    return atmoDay(date, sub);
  });
}

/**
 * The daily ATMO from each day's concentration per pollutant — for a commune, the highest over
 * its stations with at least 18 hours (the class of the highest concentration is the highest
 * class), as SQL can give it — rounded and classed like a station's.
 */
export function atmoDaysFromConcentrations(days: ReadonlyMap<LocalDate, Partial<Record<AtmoPollutant, number | null>>>, from: LocalDate, to: LocalDate): AtmoDay[] {
  return datesBetween(from, to).map((date) => {
    const sub = emptySubIndices();
    const day = days.get(date);
    for (const p of ATMO_POLLUTANTS) {
      const c = day?.[p];
      if (c !== null && c !== undefined) sub[p] = atmoClass(p, steps(c));
    }
    return atmoDay(date, sub);
  });
}

export function atmoDay(date: LocalDate, subIndices: SubIndices): AtmoDay {
  const known = ATMO_POLLUTANTS.filter((p) => subIndices[p] !== null);
  if (known.length === 0) return { date, index: null, label: null, pollutants: [], subIndices };
  const index = Math.max(...known.map((p) => subIndices[p]!));
  return { date, index, label: ATMO_LABELS[index - 1]!, pollutants: known.filter((p) => subIndices[p] === index), subIndices };
}

function emptySubIndices(): SubIndices {
  return { no2: null, o3: null, pm10: null, pm2_5: null, so2: null };
}
