/**
 * Virtual sensors that follow the city's rhythms, per profile: channel numbers as in
 * firmware/README.md. Each sensor is a function of the simulated wall time; counters and indices
 * keep state, so they must be read in time order (the firmware does).
 */
import type { ProfileId } from "../../codecs/src/data.ts";

export interface Quirks {
  /** meter: water flows all night (an injected leak). */
  nightLeak?: boolean;
  /** env: the battery runs flat over the run; the device stops when it does. */
  batteryRunsDown?: boolean;
}

export type Sensor = (channel: number, wallMs: number) => number;

/** Deterministic noise in [−1, 1] for (seed, step, channel). */
export function jitter(seed: number, step: number, channel: number): number {
  let h = (seed * 0x9e3779b1) ^ Math.imul(step | 0, 0x85ebca6b) ^ Math.imul(channel + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

const bell = (x: number, mean: number, sd: number) => Math.exp(-((x - mean) ** 2) / (2 * sd * sd));

function clockOf(wallMs: number): { hour: number; weekday: boolean; dayOfYear: number; day: number } {
  const d = new Date(wallMs);
  const hour = d.getUTCHours() + 1 + d.getUTCMinutes() / 60 + d.getUTCSeconds() / 3600; // Paris winter time is close enough
  const dow = d.getUTCDay();
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return { hour: hour % 24, weekday: dow >= 1 && dow <= 5, dayOfYear: Math.floor((wallMs - start) / 86_400_000), day: Math.floor(wallMs / 86_400_000) };
}

/** Road traffic intensity 0…1: weekday rush hours, a flatter weekend. */
function traffic(hour: number, weekday: boolean): number {
  if (!weekday) return 0.25 + 0.45 * bell(hour, 15, 4);
  return 0.15 + 0.85 * Math.max(bell(hour, 8.25, 1.1), bell(hour, 18, 1.4)) + 0.3 * bell(hour, 13, 2.5);
}

/** Summer weight 0…1 (ozone). */
const summer = (dayOfYear: number) => Math.max(0, Math.cos(((dayOfYear - 196) / 365) * 2 * Math.PI));

export function sensorFor(profile: ProfileId, seed: number, startMs: number, days: number, quirks: Quirks = {}): Sensor {
  const j = (step: number, ch: number) => jitter(seed, step, ch);
  switch (profile) {
    case "env":
      return (ch, ms) => {
        const { hour, weekday, dayOfYear } = clockOf(ms);
        const m = Math.floor(ms / 60_000);
        const t = traffic(hour, weekday);
        const temp = 14 + 8 * summer(dayOfYear) + 6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + 0.3 * j(m, 0);
        switch (ch) {
          case 0: return temp;
          case 1: return Math.min(100, Math.max(5, 75 - 2.2 * (temp - 14) + 3 * j(m, 1)));
          case 2: return 1013 + 6 * Math.sin(ms / 86_400_000 / 3) + 0.2 * j(m, 2);
          case 3: return Math.max(0, 12 + 55 * t + 4 * j(m, 3)); // NO2: rush hours
          case 4: return Math.max(0, 35 + 85 * summer(dayOfYear) * bell(hour, 15.5, 2.5) - 15 * t + 3 * j(m, 4)); // O3: summer afternoons
          case 5: return Math.max(0, 5 + 6 * t + j(m, 5));
          case 6: return Math.max(0, 8 + 9 * t + 1.5 * j(m, 6));
          case 7: return Math.max(0, 14 + 12 * t + 2 * j(m, 7));
          case 8: {
            if (!quirks.batteryRunsDown) return 3.6 - 0.0005 * ((ms - startMs) / 86_400_000);
            return 3.6 - 1.7 * ((ms - startMs) / (days * 86_400_000)); // flat by the end of the run
          }
          default: return Number.NaN;
        }
      };
    case "noise":
      return (ch, ms) => {
        const { hour, weekday } = clockOf(ms);
        const s = Math.floor(ms / 1000);
        if (ch === 0) return Math.min(120, 42 + 26 * traffic(hour, weekday) + 4 * j(s, 0) + (j(s, 9) > 0.995 ? 15 : 0)); // passing scooters
        if (ch === 5) return 3.55;
        return Number.NaN;
      };
    case "footfall": {
      let last = startMs;
      let inside = 0;
      let outside = 0;
      return (ch, ms) => {
        if (ch === 3) return 3.5;
        if (ch > 1) return Number.NaN;
        if (ms > last) {
          const { hour, weekday } = clockOf(ms);
          const perMinute = (weekday ? 25 : 35) * Math.max(bell(hour, 8.5, 1), bell(hour, 12.5, 1.5), bell(hour, 18, 1.5)) + 1;
          const minutes = (ms - last) / 60_000;
          inside += perMinute * minutes * (1 + 0.2 * j(Math.floor(ms / 60_000), 0));
          outside += perMinute * minutes * (1 + 0.2 * j(Math.floor(ms / 60_000), 1));
          last = ms;
        }
        return ch === 0 ? Math.floor(inside) : Math.floor(outside);
      };
    }
    case "waste":
      return (ch, ms) => {
        // Filled ~9 %/day, emptied on Monday and Thursday mornings at 6:00.
        const d = new Date(ms);
        const dow = d.getUTCDay();
        const hoursSinceCollection = ((dow + 7 - (dow >= 4 ? 4 : 1)) % 7) * 24 + d.getUTCHours() + d.getUTCMinutes() / 60 - 5;
        const hours = hoursSinceCollection < 0 ? hoursSinceCollection + (dow === 1 || dow === 4 ? 24 * 3 : 24 * 4) : hoursSinceCollection;
        const fill = Math.min(0.98, (hours / 24) * 0.09 * (1 + 0.3 * jitter(seed, Math.floor(ms / 86_400_000), 7)));
        switch (ch) {
          case 1: return Math.round(1200 - fill * 1050 + 5 * j(Math.floor(ms / 60_000), 1));
          case 2: return 12 + 8 * Math.sin(((clockOf(ms).hour - 9) / 24) * 2 * Math.PI);
          case 3: return 2 + Math.abs(j(Math.floor(ms / 60_000), 3));
          case 4: return 3.45;
          default: return Number.NaN;
        }
      };
    case "meter": {
      let last = startMs;
      let litres = 125_000 + Math.floor(Math.abs(jitter(seed, 0, 0)) * 10_000);
      return (ch, ms) => {
        if (ch === 3) return 3.6;
        if (ch !== 0) return Number.NaN;
        if (ms > last) {
          const { hour, weekday } = clockOf(ms);
          const open = weekday && hour >= 8 && hour < 19;
          const flow = (open ? 6 + 4 * Math.abs(j(Math.floor(ms / 600_000), 0)) : 0) + (quirks.nightLeak ? 1.5 : 0); // L/min
          litres += flow * ((ms - last) / 60_000);
          last = ms;
        }
        return Math.floor(litres);
      };
    }
    case "mobility":
      return (ch, ms) => {
        const { hour, weekday } = clockOf(ms);
        const capacity = 24;
        const bikes = Math.max(0, Math.round(16 - (weekday ? 13 * bell(hour, 9, 1.5) : 4 * bell(hour, 15, 3)) + 2 * j(Math.floor(ms / 900_000), 0)));
        const ebikes = Math.max(0, Math.round(4 - (weekday ? 3 * bell(hour, 8.5, 1) : 0)));
        switch (ch) {
          case 0: return Math.min(capacity, bikes);
          case 1: return ebikes;
          case 2: return 0;
          case 3: return 0;
          case 4: return Math.max(0, capacity - Math.min(capacity, bikes) - ebikes);
          case 5: return hour >= 1 && hour < 5 ? 3 : 0; // closed at night
          default: return Number.NaN;
        }
      };
    case "furniture": {
      let last = startMs;
      let wh = 5_000_000;
      return (ch, ms) => {
        const { hour } = clockOf(ms);
        const on = hour >= 18.5 || hour < 7.5;
        const power = on ? (hour >= 23 || hour < 5 ? 60 : 110) : 0;
        if (ms > last) {
          wh += power * ((ms - last) / 3_600_000);
          last = ms;
        }
        switch (ch) {
          case 0: return on ? (power < 100 ? 2 : 1) : 0; // dimmed / on / off
          case 1: return on ? (power < 100 ? 50 : 100) : 0;
          case 2: return Math.floor(wh);
          case 3: return power;
          case 4: return 0;
          case 5: return 3.6;
          default: return Number.NaN;
        }
      };
    }
    case "infra":
      return (ch, ms) => {
        const { hour, weekday } = clockOf(ms);
        const s = Math.floor(ms / 1000);
        switch (ch) {
          case 0: return 0.5 + 2.5 * traffic(hour, weekday) + 0.2 * Math.abs(j(s, 0));
          case 1: return 1 + 6 * traffic(hour, weekday) + Math.abs(j(s, 1));
          case 2: return 0.12 + 0.01 * j(Math.floor(s / 600), 2);
          case 3: return 12 + 6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
          case 4: return 120 + 30 * Math.sin(ms / 3_600_000 / 2); // a tidal canal
          case 5: return 0;
          case 6: return 3.55;
          default: return Number.NaN;
        }
      };
  }
}
