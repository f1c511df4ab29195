import type { MeasurementData, UplinkData } from "./data.ts";

/** One stored value: what the Worker writes to its readings table. */
export interface Reading {
  /** Epoch milliseconds of the sample. */
  time: number;
  /** Normalized quantity key (`air.temperature`). */
  key: string;
  value: number | boolean | string;
}

const SAMPLE_META = new Set(["offset", "time"]);
const MESSAGE_META = new Set(["message", "profile", "version", "time", "command", "token", "result", "threshold"]);

/**
 * Flattens decoded data into readings timed from the uplink: every sample of a measurement, and
 * the quantities of status and alarm frames (battery, alarm states). Acks carry no readings.
 * A sample is dated `uplinkTime + offset`: its offset already counts back the age a delayed frame
 * carries (docs/codec-format.md §5), so a late frame's samples get the times they were closed at,
 * and a frame without it has its newest sample at the uplink's time.
 */
export function readingsOf(data: UplinkData, uplinkTime: number): Reading[] {
  const out: Reading[] = [];
  if (data.message === "measurement") {
    for (const sample of (data as MeasurementData).samples) {
      flatten(sample as unknown as Record<string, unknown>, "", uplinkTime + sample.offset * 1000, SAMPLE_META, out);
    }
  } else if (data.message !== "ack") {
    flatten(data as unknown as Record<string, unknown>, "", uplinkTime, MESSAGE_META, out);
  }
  return out;
}

function flatten(node: Record<string, unknown>, prefix: string, time: number, skip: ReadonlySet<string>, out: Reading[]): void {
  for (const [k, v] of Object.entries(node)) {
    if (!prefix && skip.has(k)) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "string") out.push({ time, key, value: v });
    else if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, time, skip, out);
  }
}
