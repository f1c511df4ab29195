import { ATMO_MIN_HOURS, type AtmoDay, atmoDaysFromConcentrations, type AtmoPollutant, DAILY_STATISTIC } from "../indicators/atmo.ts";
import { type CounterDay, type FootfallDay, footfallDays } from "../indicators/footfall.ts";
import {
  BATTERY_DAYS,
  batteryTrend,
  CODEC_DAYS,
  codecErrorRate,
  type HealthState,
  INTERVAL_SAMPLE,
  offlineState,
  reportingInterval,
  SIGNAL_BEFORE_DAYS,
  SIGNAL_RECENT_DAYS,
  signalState,
} from "../indicators/health.ts";
import { FLUIDS, type Fluid, leakState, type LeakState, type MeterDay, meterDays } from "../indicators/meters.ts";
import { stationReadings, type StationState, stationState } from "../indicators/mobility.ts";
import { type NoiseDay, noiseDaysFromPeriods } from "../indicators/noise.ts";
import type { FitSums } from "../indicators/math.ts";
import { addDays, DAY_MS, type LocalDate, localDate, startOfLocalDay } from "../indicators/paris-time.ts";
import { type BinState, binState, EMPTYING_DROP, fillThreshold } from "../indicators/waste.ts";
import {
  type IndicatorDevice,
  loadCodecCounts,
  loadLastReadingsBefore,
  loadLastEmptyings,
  loadReadings,
  loadReadingsFrom,
  loadRecentUplinkTimes,
  loadSnrMedians,
  type ReadingValue,
} from "../store/indicator-inputs.ts";
import { loadBatteryFits } from "../store/alert-inputs.ts";
import { listDayRollups, listHighestDailyStatistics, listNoisePeriods } from "../store/rollups.ts";

/**
 * Each indicator as the API answers it: load its inputs for the devices in scope (store), compute
 * with the pure functions (worker/src/indicators), shape the answer. Devices without the
 * indicator's quantities are left out of per-device answers.
 */

export interface Window {
  from: LocalDate;
  to: LocalDate;
  at: number;
}

export interface DeviceRef {
  device: string;
  name: string;
  commune: string;
}

const ref = (d: IndicatorDevice): DeviceRef => ({ device: d.devEui, name: d.name, commune: d.commune });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function groupBy<T>(rows: readonly T[], key: (r: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}

// — atmo —
const ATMO_KEYS: Readonly<Record<AtmoPollutant, string>> = { no2: "air.no2", o3: "air.o3", pm10: "air.pm10", pm2_5: "air.pm2_5", so2: "air.so2" };

export async function atmoAnswer(db: D1Database, devices: readonly IndicatorDevice[], w: Window): Promise<{ stations: number; days: AtmoDay[] }> {
  const pollutants = Object.entries(ATMO_KEYS) as [AtmoPollutant, string][];
  const { devices: stations, days } = await listHighestDailyStatistics(db, {
    deviceIds: devices.map((d) => d.id),
    statistics: Object.fromEntries(pollutants.map(([p, key]) => [key, DAILY_STATISTIC[p]])),
    from: w.from,
    to: w.to,
    minHours: ATMO_MIN_HOURS,
  });
  // Each sub-index of a commune is the highest of its stations': D1 gives, per day and pollutant,
  // the highest daily statistic over the stations with enough hours.
  const concentrations = new Map(days.map((d) => [d.day, Object.fromEntries(pollutants.map(([p, key]) => [p, d.values[key] ?? null]))]));
  return { stations, days: atmoDaysFromConcentrations(concentrations, w.from, w.to) };
}

// — noise —
export async function noiseAnswer(db: D1Database, devices: readonly IndicatorDevice[], w: Window): Promise<{ devices: (DeviceRef & { days: NoiseDay[] })[] }> {
  const rows = await listNoisePeriods(db, { deviceIds: devices.map((d) => d.id), from: w.from, to: w.to });
  const byDevice = groupBy(rows, (r) => r.deviceId);
  return {
    devices: devices
      .filter((d) => byDevice.has(d.id))
      .map((d) => {
        const periods = byDevice.get(d.id)!.map((r) => ({ date: r.day, period: r.period, hours: r.hours, meanEnergy: r.meanEnergy }));
        return { ...ref(d), days: noiseDaysFromPeriods(periods, w.from, w.to) };
      }),
  };
}

// — footfall —
export async function footfallAnswer(db: D1Database, devices: readonly IndicatorDevice[], w: Window): Promise<{ counters: number; days: FootfallDay[] }> {
  const rows = await listDayRollups(db, { deviceIds: devices.map((d) => d.id), quantity: ["count.in", "count.out"], from: addDays(w.from, -28), to: w.to });
  const counters = [...groupBy(rows, (r) => r.deviceId).values()].map((counter) => {
    const days = new Map<string, CounterDay>();
    for (const r of counter) {
      const day = days.get(r.day) ?? { date: r.day, in: 0, out: 0 };
      if (r.quantity === "count.in") day.in += r.sum;
      else day.out += r.sum;
      days.set(r.day, day);
    }
    return [...days.values()];
  });
  return { counters: counters.length, days: footfallDays(counters, w.from, w.to) };
}

// — waste —
/** How far back fill readings are read: a bin is emptied far more often than that. */
export const WASTE_LOOKBACK_DAYS = 60;

export type BinAnswer = DeviceRef & Omit<BinState, "fillAt" | "lastEmptiedAt" | "predictedFullAt"> & {
  fillAt: string | null;
  lastEmptiedAt: string | null;
  predictedFullAt: string | null;
  /** When it became a bin to collect (first reading at the threshold, or 24 h before the predicted full time). */
  since: string | null;
};

export async function wasteAnswer(db: D1Database, devices: readonly IndicatorDevice[], at: number): Promise<{ bins: BinAnswer[] }> {
  const ids = devices.map((d) => d.id);
  const from = at - WASTE_LOOKBACK_DAYS * DAY_MS;
  // Only the readings since each bin's last emptying (from the reading just before it) leave D1.
  const emptied = await loadLastEmptyings(db, ids, EMPTYING_DROP, from, at);
  const starts = new Map(ids.map((id) => [id, emptied.get(id) ?? from + 1]));
  const rows = await loadReadingsFrom(db, starts, ["level.fill", "alarm.pickup"], at);
  const byDevice = groupBy(rows, (r) => r.deviceId);
  const bins: BinAnswer[] = [];
  for (const d of devices) {
    const bin = binAnswer(d, byDevice.get(d.id) ?? [], at);
    if (bin) bins.push(bin);
  }
  return { bins };
}

/** A bin at `at` from its `level.fill` and `alarm.pickup` readings since its last emptying; null without fill readings. */
export function binAnswer(d: IndicatorDevice, readings: readonly ReadingValue[], at: number): BinAnswer | null {
  const fills = readings.filter((r) => r.key === "level.fill").map((r) => ({ time: r.time, fill: r.value }));
  if (fills.length === 0) return null;
  const pickups = readings.filter((r) => r.key === "alarm.pickup" && r.value !== 0).map((r) => r.time);
  const s = binState({ fills, pickups, threshold: fillThreshold(d.tags) }, at);
  let since: number | null = null;
  if (s.toCollect) {
    const full = fills.filter((f) => f.time <= at && (s.lastEmptiedAt === null || f.time >= s.lastEmptiedAt) && f.fill >= s.threshold);
    since = full.length > 0 ? Math.min(...full.map((f) => f.time)) : s.predictedFullAt === null ? null : s.predictedFullAt - DAY_MS;
  }
  return { ...ref(d), ...s, fillAt: iso(s.fillAt), lastEmptiedAt: iso(s.lastEmptiedAt), predictedFullAt: iso(s.predictedFullAt), since: iso(since) };
}

// — meters —
/** Nights read back from `at` for the leak rule. */
const LEAK_LOOKBACK_DAYS = 31;
/** Fluids where a flow at night means a leak: electricity always has a standby load. */
const LEAK_FLUIDS: readonly Fluid[] = ["water", "gas"];
const UNITS: Readonly<Record<Fluid, string>> = { water: "L", gas: "m3", electricity: "W.h" };

export interface MeterAnswer extends DeviceRef {
  fluid: Fluid;
  unit: string;
  days: MeterDay[];
  leak: (Omit<LeakState, "since"> & { since: string | null }) | null;
}

export async function metersAnswer(db: D1Database, devices: readonly IndicatorDevice[], w: Window): Promise<{ meters: MeterAnswer[] }> {
  const ids = devices.map((d) => d.id);
  const keys = [...Object.values(FLUIDS), "water.leak"];
  const daysFrom = startOfLocalDay(addDays(w.from, -1));
  const daysTo = startOfLocalDay(addDays(w.to, 1)) - 1;
  const leakFrom = startOfLocalDay(addDays(localDate(w.at), -LEAK_LOOKBACK_DAYS - 1));
  const [dayRows, leakRows] = await Promise.all([loadReadings(db, ids, keys, daysFrom, daysTo), loadReadings(db, ids, keys, leakFrom, w.at)]);
  const byDevice = groupBy(dayRows, (r) => r.deviceId);
  const leakByDevice = groupBy(leakRows, (r) => r.deviceId);
  const meters: MeterAnswer[] = [];
  for (const d of devices) {
    const rows = byDevice.get(d.id) ?? [];
    const leakRowsOf = leakByDevice.get(d.id) ?? [];
    const alarms = leakRowsOf.filter((r) => r.key === "water.leak");
    for (const fluid of Object.keys(FLUIDS) as Fluid[]) {
      const key = FLUIDS[fluid];
      const index = rows.filter((r) => r.key === key);
      const recent = leakRowsOf.filter((r) => r.key === key);
      if (index.length === 0 && recent.length === 0) continue;
      let leak: MeterAnswer["leak"] = null;
      if (LEAK_FLUIDS.includes(fluid)) {
        const s = leakState(recent, fluid === "water" ? alarms : [], w.at);
        leak = { ...s, since: iso(s.since) };
      }
      meters.push({ ...ref(d), fluid, unit: UNITS[fluid], days: meterDays(index, w.from, w.to), leak });
    }
  }
  return { meters };
}

// — mobility —
const VEHICLE_KEYS = ["vehicles.bike", "vehicles.ebike", "vehicles.scooter", "vehicles.car"];

export type StationAnswer = DeviceRef & Omit<StationState, "observedAt"> & { observedAt: string | null };

export async function mobilityAnswer(db: D1Database, devices: readonly IndicatorDevice[], w: Window): Promise<{ stations: StationAnswer[] }> {
  const ids = devices.map((d) => d.id);
  const keys = [...VEHICLE_KEYS, "docks.available"];
  const lower = Math.min(startOfLocalDay(w.from), w.at);
  const [rows, before] = await Promise.all([loadReadings(db, ids, keys, lower, w.at), loadLastReadingsBefore(db, ids, keys, lower)]);
  const byDevice = groupBy([...before, ...rows], (r) => r.deviceId);
  const stations: StationAnswer[] = [];
  for (const d of devices) {
    const readings = byDevice.get(d.id);
    if (!readings) continue;
    const pick = (k: (r: ReadingValue) => boolean) => readings.filter(k).map((r) => ({ time: r.time, value: r.value }));
    const merged = stationReadings(pick((r) => VEHICLE_KEYS.includes(r.key)), pick((r) => r.key === "docks.available"));
    const s = stationState(merged, w.from, w.to, w.at);
    stations.push({ ...ref(d), ...s, observedAt: iso(s.observedAt) });
  }
  return { stations };
}

// — health —
export interface HealthAnswer extends DeviceRef {
  lastUplinkAt: string | null;
  intervalSeconds: number | null;
  intervalSource: HealthState["intervalSource"];
  offline: boolean;
  offlineSince: string | null;
  battery: { volts: number | null; trendPerDay: number | null; predictedEmptyAt: string | null };
  signal: HealthState["signal"];
  codecErrorRate: number | null;
}

/** What health reads of one device: its last uplink times (oldest first), declared interval, battery sums, codec counts and SNR medians. */
export interface HealthInputs {
  uplinkTimes: readonly number[];
  interval: { time: number; value: number } | null;
  battery: { sums: FitSums; last: number | null } | null;
  codec?: { failed: number; attempts: number } | undefined;
  snr?: { recent: number | null; previous: number | null } | undefined;
}

/**
 * Health from what SQL aggregates (last uplinks, battery least-squares sums, SNR medians, codec
 * counts) and the pure rules of indicators/health.ts; `light` skips signal and codec (alerts).
 */
export async function healthAnswer(db: D1Database, devices: readonly IndicatorDevice[], at: number, light = false): Promise<{ devices: HealthAnswer[] }> {
  const ids = devices.map((d) => d.id);
  const recentFrom = at - SIGNAL_RECENT_DAYS * DAY_MS;
  const [recentTimes, intervals, battery, codec, snr] = await Promise.all([
    loadRecentUplinkTimes(db, ids, at, INTERVAL_SAMPLE),
    loadLastReadingsBefore(db, ids, ["device.interval"], at + 1),
    loadBatteryFits(db, ids, at - BATTERY_DAYS * DAY_MS, at),
    light ? Promise.resolve(new Map<number, { failed: number; attempts: number }>()) : loadCodecCounts(db, ids, at - CODEC_DAYS * DAY_MS, at),
    light ? Promise.resolve(new Map<number, { recent: number | null; previous: number | null }>()) : loadSnrMedians(db, ids, recentFrom - SIGNAL_BEFORE_DAYS * DAY_MS, recentFrom, at),
  ]);
  const intervalOf = new Map(intervals.map((r) => [r.deviceId, r]));
  return {
    devices: devices.map((d) =>
      healthOf(
        d,
        { uplinkTimes: recentTimes.get(d.id) ?? [], interval: intervalOf.get(d.id) ?? null, battery: battery.get(d.id) ?? null, codec: codec.get(d.id), snr: snr.get(d.id) },
        at,
      ),
    ),
  };
}

/** One device's health at `at` from its inputs. */
export function healthOf(d: IndicatorDevice, input: HealthInputs, at: number): HealthAnswer {
  const times = input.uplinkTimes;
  const interval = reportingInterval(times, input.interval ? [input.interval] : []);
  const lastUplinkAt = times.at(-1) ?? null;
  const offline = offlineState(lastUplinkAt, interval?.ms ?? null, at);
  const fit = input.battery;
  const trend = fit ? batteryTrend(fit.sums, fit.last, at) : { volts: null, trendPerDay: null, predictedEmptyAt: null };
  const c = input.codec;
  const s = input.snr;
  return {
    ...ref(d),
    lastUplinkAt: iso(lastUplinkAt),
    intervalSeconds: interval === null ? null : interval.ms / 1000,
    intervalSource: interval?.source ?? null,
    offline: offline.offline,
    offlineSince: iso(offline.offlineSince),
    battery: { ...trend, predictedEmptyAt: iso(trend.predictedEmptyAt) },
    signal: signalState(s?.recent ?? null, s?.previous ?? null),
    codecErrorRate: c ? codecErrorRate(c.failed, c.attempts) : null,
  };
}
