import { addDays, type LocalDate, startOfLocalDay } from "./paris-time.ts";

/**
 * Mobility stations: current vehicles and free docks at `at`; over the local days from..to,
 * `emptyShare` and `fullShare` = share of time with 0 vehicles / 0 free docks, each reading holding
 * until the next. Time before the first known reading is unknown and left out of the shares; the
 * window ends at `at` when `at` falls inside it.
 */

/** A station's state at one uplink: vehicles available (all kinds) and free docks. */
export interface StationReading {
  time: number;
  vehicles: number;
  freeDocks: number;
}

export interface StationState {
  vehicles: number | null;
  freeDocks: number | null;
  observedAt: number | null;
  emptyShare: number | null;
  fullShare: number | null;
}

/** Merges per-quantity readings at the same instant into station readings (vehicles = sum of vehicle kinds). */
export function stationReadings(vehicles: readonly { time: number; value: number }[], docks: readonly { time: number; value: number }[]): StationReading[] {
  const byTime = new Map<number, { vehicles: number | null; docks: number | null }>();
  for (const v of vehicles) {
    const cur = byTime.get(v.time) ?? { vehicles: null, docks: null };
    byTime.set(v.time, { ...cur, vehicles: (cur.vehicles ?? 0) + v.value });
  }
  for (const d of docks) {
    const cur = byTime.get(d.time) ?? { vehicles: null, docks: null };
    byTime.set(d.time, { ...cur, docks: d.value });
  }
  return [...byTime.entries()]
    .filter(([, s]) => s.vehicles !== null && s.docks !== null)
    .map(([time, s]) => ({ time, vehicles: s.vehicles!, freeDocks: s.docks! }))
    .sort((a, b) => a.time - b.time);
}

export function stationState(readings: readonly StationReading[], from: LocalDate, to: LocalDate, at: number): StationState {
  const sorted = readings.filter((r) => r.time <= at).sort((a, b) => a.time - b.time);
  const current = sorted.at(-1) ?? null;
  const start = startOfLocalDay(from);
  const end = Math.min(startOfLocalDay(addDays(to, 1)), at);
  let known = 0;
  let empty = 0;
  let full = 0;
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    const holdsFrom = Math.max(r.time, start);
    const holdsTo = Math.min(sorted[i + 1]?.time ?? end, end);
    if (holdsTo <= holdsFrom) continue;
    const span = holdsTo - holdsFrom;
    known += span;
    if (r.vehicles === 0) empty += span;
    if (r.freeDocks === 0) full += span;
  }
  return {
    vehicles: current?.vehicles ?? null,
    freeDocks: current?.freeDocks ?? null,
    observedAt: current?.time ?? null,
    emptyShare: known === 0 ? null : empty / known,
    fullShare: known === 0 ? null : full / known,
  };
}
