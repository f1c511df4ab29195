import { type FitSums, fitSums, linearFitFromSums, median } from "./math.ts";
import { DAY_MS } from "./paris-time.ts";

/**
 * Device health (predictive maintenance) at `at`: offline after 3 reporting intervals without an
 * uplink (the device's `device.interval`, else the median gap of its last 20 uplinks); battery
 * trend in V/day (least squares over the 30 days up to `at`) and the date it reaches 2.5 V; signal
 * degradation (median SNR of the last 7 days at least 3 dB below that of the 30 days before);
 * codec error rate over the last 7 days.
 */

export const OFFLINE_INTERVALS = 3;
export const INTERVAL_SAMPLE = 20;
export const BATTERY_DAYS = 30;
export const BATTERY_EMPTY_V = 2.5;
export const SIGNAL_RECENT_DAYS = 7;
export const SIGNAL_BEFORE_DAYS = 30;
export const SIGNAL_DROP_DB = 3;
export const CODEC_DAYS = 7;

/** An uplink as health sees it: time, best-gateway SNR (dB) and decode outcome. */
export interface UplinkSample {
  time: number;
  snr: number | null;
  /** 0 decoded, 1 failed, 2 partly, 3 no application payload (uplinks.decode). */
  decode: number;
}

export interface HealthInput {
  uplinks: readonly UplinkSample[];
  /** `device.interval` readings in seconds (the latest up to `at` wins). */
  intervals: readonly { time: number; value: number }[];
  /** `battery` readings in volts. */
  battery: readonly { time: number; value: number }[];
}

export interface BatteryTrend {
  volts: number | null;
  trendPerDay: number | null;
  predictedEmptyAt: number | null;
}

export interface HealthState {
  lastUplinkAt: number | null;
  intervalMs: number | null;
  intervalSource: "device.interval" | "median" | null;
  offline: boolean;
  offlineSince: number | null;
  battery: BatteryTrend;
  signal: { recentMedianSnr: number | null; previousMedianSnr: number | null; degraded: boolean };
  codecErrorRate: number | null;
}

/** The reporting interval in ms: the latest `device.interval`, else the median gap of the last 20 uplinks. */
export function reportingInterval(uplinkTimes: readonly number[], intervals: HealthInput["intervals"]): { ms: number; source: "device.interval" | "median" } | null {
  const declared = [...intervals].sort((a, b) => a.time - b.time).at(-1);
  if (declared && declared.value > 0) return { ms: declared.value * 1000, source: "device.interval" };
  const last = [...uplinkTimes].sort((a, b) => a - b).slice(-INTERVAL_SAMPLE);
  const gaps: number[] = [];
  for (let i = 1; i < last.length; i++) gaps.push(last[i]! - last[i - 1]!);
  const m = median(gaps);
  return m === null || m <= 0 ? null : { ms: m, source: "median" };
}

export function healthState(input: HealthInput, at: number): HealthState {
  const uplinks = input.uplinks.filter((u) => u.time <= at).sort((a, b) => a.time - b.time);
  const lastUplinkAt = uplinks.at(-1)?.time ?? null;
  const interval = reportingInterval(
    uplinks.map((u) => u.time),
    input.intervals.filter((i) => i.time <= at),
  );
  const { offline, offlineSince } = offlineState(lastUplinkAt, interval?.ms ?? null, at);

  const battery = input.battery.filter((b) => b.time <= at && b.time > at - BATTERY_DAYS * DAY_MS).sort((a, b) => a.time - b.time);
  const sums = fitSums(battery.map((b) => ({ x: (b.time - at) / DAY_MS, y: b.value })));

  const snrIn = (from: number, to: number) => uplinks.filter((u) => u.time > from && u.time <= to && u.snr !== null).map((u) => u.snr!);
  const recentFrom = at - SIGNAL_RECENT_DAYS * DAY_MS;
  const recentMedianSnr = median(snrIn(recentFrom, at));
  const previousMedianSnr = median(snrIn(recentFrom - SIGNAL_BEFORE_DAYS * DAY_MS, recentFrom));

  // Uplinks without an application payload have nothing to decode: they are not codec attempts.
  const attempts = uplinks.filter((u) => u.time > at - CODEC_DAYS * DAY_MS && u.decode !== 3);

  return {
    lastUplinkAt,
    intervalMs: interval?.ms ?? null,
    intervalSource: interval?.source ?? null,
    offline,
    offlineSince,
    battery: batteryTrend(sums, battery.at(-1)?.value ?? null, at),
    signal: signalState(recentMedianSnr, previousMedianSnr),
    codecErrorRate: codecErrorRate(attempts.filter((u) => u.decode === 1).length, attempts.length),
  };
}

/**
 * Battery trend from the least-squares sums of the readings of the 30 days up to `at`, with x in
 * days relative to `at` (so the line's value at `at` is its intercept) and y in volts.
 */
export function batteryTrend(sums: FitSums, volts: number | null, at: number): BatteryTrend {
  const fit = linearFitFromSums(sums);
  const trendPerDay = fit?.slope ?? null;
  const predictedEmptyAt = fit && fit.slope < 0 ? Math.round(at + ((BATTERY_EMPTY_V - fit.intercept) / fit.slope) * DAY_MS) : null;
  return { volts, trendPerDay, predictedEmptyAt };
}

/** Whether a battery trend reaches 2.5 V within `days` of `at` (the alert). */
export function batteryDueWithin(trend: BatteryTrend, at: number, days = BATTERY_DAYS): boolean {
  return trend.predictedEmptyAt !== null && trend.predictedEmptyAt <= at + days * DAY_MS;
}

/** Offline: strictly more than 3 intervals since the last uplink (the third expected one may still be arriving at exactly 3). */
export function offlineState(lastUplinkAt: number | null, intervalMs: number | null, at: number): { offline: boolean; offlineSince: number | null } {
  if (lastUplinkAt === null || intervalMs === null) return { offline: false, offlineSince: null };
  const since = lastUplinkAt + OFFLINE_INTERVALS * intervalMs;
  return at > since ? { offline: true, offlineSince: since } : { offline: false, offlineSince: null };
}

/** Signal degradation: the last 7 days' median SNR at least 3 dB below the previous 30 days' (both needed). */
export function signalState(recentMedianSnr: number | null, previousMedianSnr: number | null): HealthState["signal"] {
  const degraded = recentMedianSnr !== null && previousMedianSnr !== null && recentMedianSnr <= previousMedianSnr - SIGNAL_DROP_DB;
  return { recentMedianSnr, previousMedianSnr, degraded };
}

/** Failed decodes over uplinks that carried an application payload; null without any. */
export function codecErrorRate(failed: number, attempts: number): number | null {
  return attempts === 0 ? null : failed / attempts;
}
