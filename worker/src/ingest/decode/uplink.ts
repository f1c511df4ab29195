import type { QuantityRecord } from "../../store/quantities.ts";
import type { ReadingRow } from "../../store/readings.ts";
import type { DecodeStatus } from "../../store/uplinks.ts";
import { type DecoderRef, decodePayload } from "./dispatch.ts";
import { toReadingRows } from "./readings.ts";

/** What decoding one uplink gives the store step. */
export interface UplinkDecode {
  status: DecodeStatus;
  /** Why decoding failed, or what was left out (stored in uplinks.note). */
  note: string | null;
  /** Set when decoding failed. */
  issue: { code: string; message: string } | null;
  rows: ReadingRow[];
  /** Latest battery voltage and firmware the frame reported, for the device state. */
  battery: number | null;
  firmware: string | null;
  /** ms between the samples of a multi-sample frame (null: one sample, or not a measurement). */
  sampleInterval: number | null;
}

/**
 * Decodes an uplink's payload with the device's decoder and maps the readings to table rows.
 * Never throws: a frame that cannot be decoded is a result (status "failed", the raw uplink is
 * still stored), as in ChirpStack's own codec step.
 */
export function decodeUplink(
  device: DecoderRef,
  fPort: number,
  payload: Uint8Array,
  time: number,
  quantities: ReadonlyMap<string, QuantityRecord>,
): UplinkDecode {
  const none = { rows: [], battery: null, firmware: null, sampleInterval: null };
  // fPort 0 carries MAC commands for the network server; an empty frame only says "I am alive".
  if (fPort === 0 || payload.byteLength === 0) {
    return { ...none, status: "empty", issue: null, note: fPort === 0 ? "fPort 0: MAC commands only, no application payload" : "empty payload" };
  }
  const outcome = decodePayload(device, fPort, payload, time);
  if (!outcome.ok) {
    return { ...none, status: "failed", issue: { code: outcome.code, message: outcome.message }, note: `${outcome.code}: ${outcome.message}` };
  }
  const { rows, skipped } = toReadingRows(outcome.readings, quantities);
  let battery: number | null = null;
  let firmware: string | null = null;
  for (const r of outcome.readings) {
    // Samples come oldest first: the last one wins.
    if (r.key === "battery" && typeof r.value === "number") battery = r.value;
    if (r.key === "device.firmware" && typeof r.value === "string") firmware = r.value;
  }
  const notes = [...skipped.map((s) => `not stored: ${s}`), ...outcome.warnings];
  return {
    status: skipped.length > 0 ? "partial" : "ok",
    issue: null,
    note: notes.length > 0 ? notes.join("; ") : null,
    rows,
    battery,
    firmware,
    sampleInterval: outcome.sampleInterval ?? null,
  };
}
