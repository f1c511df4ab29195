import { hexToBytes } from "../../store/db.ts";
import type { QuantityRecord } from "../../store/quantities.ts";
import type { ReadingRow } from "../../store/readings.ts";
import type { IngestDevice } from "../../store/uplinks.ts";
import { decodeUplink, type UplinkDecode } from "../decode/uplink.ts";
import { base64ToBytes } from "../encoding.ts";
import type { UplinkEvent } from "../event.ts";

/** An uplink ready to be stored: the event, its device's registry entry, its bytes and what decoding gave. */
export interface UplinkToStore {
  ev: UplinkEvent;
  device: IngestDevice;
  payload: Uint8Array;
  dedupId: Uint8Array | null;
  decoded: UplinkDecode;
}

/**
 * Step 2 of the pipeline: the payload decoded with the device's profile or commercial codec.
 * Never throws: a frame that cannot be decoded is still stored raw, with why.
 */
export function decodeStep(ev: UplinkEvent, device: IngestDevice, quantities: ReadonlyMap<string, QuantityRecord>): UplinkToStore {
  const payload = base64ToBytes(ev.payload);
  return {
    ev,
    device,
    payload,
    dedupId: ev.dedupId === null ? null : hexToBytes(ev.dedupId),
    decoded: decodeUplink(device, ev.fPort, payload, ev.time, quantities),
  };
}

/** The earliest and latest time of an uplink's readings (where re-decoding will look for them), or null. */
export function readingsSpan(rows: readonly ReadingRow[]): { from: number; to: number } | null {
  if (rows.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const [, time] of rows) {
    if (time < from) from = time;
    if (time > to) to = time;
  }
  return { from, to };
}
