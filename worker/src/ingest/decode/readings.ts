import type { ReadingRow } from "../../store/readings.ts";
import { type QuantityRecord, syncQuantities } from "../../store/quantities.ts";
import type { DecodedReading } from "./dispatch.ts";
import { quantitySpecs } from "./quantities.ts";
import { encodeValue } from "./values.ts";

let index: Map<string, QuantityRecord> | null = null;

/**
 * key → quantity id, synchronised with the codecs' registry once per isolate: the registry only
 * changes with a deployment, and a deployment starts new isolates. Only the finished map is
 * shared between requests — never a pending promise, which another request's end could cancel —
 * so concurrent first requests each read (and, on a new database, write the same rows).
 */
export async function quantityIndex(db: D1Database): Promise<Map<string, QuantityRecord>> {
  if (index) return index;
  const synced = await syncQuantities(db, quantitySpecs());
  index = synced;
  return synced;
}

/** Forgets the index (tests that rebuild the database under a running isolate). */
export function forgetQuantityIndex(): void {
  index = null;
}

/**
 * Decoded readings → table rows. A reading whose key is not a registered quantity, or whose
 * value does not fit its quantity, is left out and named in `skipped` (stored in the uplink's note).
 */
export function toReadingRows(readings: readonly DecodedReading[], quantities: ReadonlyMap<string, QuantityRecord>): { rows: ReadingRow[]; skipped: string[] } {
  const rows: ReadingRow[] = [];
  const skipped: string[] = [];
  for (const r of readings) {
    const q = quantities.get(r.key);
    if (!q) {
      skipped.push(`${r.key} is not a registered quantity (codecs/profiles/quantities.ts)`);
      continue;
    }
    const value = encodeValue(q, r.value);
    if (value === null) {
      skipped.push(`${r.key} = ${JSON.stringify(r.value)} does not fit a ${q.encoding} quantity${q.labels ? ` (${q.labels.join(", ")})` : ""}`);
      continue;
    }
    rows.push([q.id, r.time, value]);
  }
  return { rows, skipped };
}
