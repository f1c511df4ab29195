import { decodeValue, type ReadingValue } from "../ingest/decode/values.ts";
import type { QuantityRecord } from "../store/quantities.ts";
import { type OpenDevice, type OpenReading, type QuantityCursor, readingsAfter } from "../store/open-data.ts";
import type { DatasetColumn } from "./datasets.ts";

/** One row of an export: a device at one time, a value (or null) per dataset column. */
export interface ExportRow {
  device: OpenDevice;
  time: number;
  values: Array<ReadingValue | null>;
}

/** Readings per quantity and page: the most a page holds in memory is columns × this. */
export const PAGE_ROWS = 500;

/** The dataset's columns with their stored quantity (null: never stored, always empty). */
export function columnQuantities(columns: readonly DatasetColumn[], quantities: ReadonlyMap<string, QuantityRecord>): Array<QuantityRecord | null> {
  return columns.map((c) => quantities.get(c.key) ?? null);
}

/**
 * The rows of one device in [from, to), by time, read page by page. Each quantity has its own
 * keyset cursor (store/open-data.ts readingsAfter); after a page, every reading at or before the
 * horizon — the earliest last time among quantities whose page came back full — is complete
 * (no unread reading of any quantity can be that early) and goes out; the rest waits for the
 * next page. Memory: one page per quantity.
 */
export async function* deviceRows(
  db: D1Database,
  device: OpenDevice,
  columns: ReadonlyArray<QuantityRecord | null>,
  from: number,
  to: number,
  pageRows = PAGE_ROWS,
): AsyncGenerator<ExportRow> {
  const slot = new Map<number, number>();
  columns.forEach((q, i) => {
    if (q) slot.set(q.id, i);
  });
  let cursors: QuantityCursor[] = [...slot.keys()].map((quantityId) => ({ quantityId, after: from - 1 }));
  let pending: OpenReading[] = [];
  while (cursors.length > 0) {
    const page = await readingsAfter(db, device.id, cursors, to, pageRows);
    const last = new Map<number, { n: number; t: number }>();
    for (const r of page) {
      const seen = last.get(r.q);
      last.set(r.q, { n: (seen?.n ?? 0) + 1, t: r.t });
    }
    // Quantities whose page was full may have more; the others are done.
    cursors = cursors.flatMap((c) => {
      const l = last.get(c.quantityId);
      return l && l.n >= pageRows ? [{ quantityId: c.quantityId, after: l.t }] : [];
    });
    const horizon = cursors.length === 0 ? Infinity : Math.min(...cursors.map((c) => c.after));
    const all = pending.concat(page);
    const ready = all.filter((r) => r.t <= horizon);
    pending = all.filter((r) => r.t > horizon);
    yield* groupByTime(device, ready, slot, columns);
  }
}

function* groupByTime(device: OpenDevice, readings: OpenReading[], slot: ReadonlyMap<number, number>, columns: ReadonlyArray<QuantityRecord | null>): Generator<ExportRow> {
  readings.sort((a, b) => a.t - b.t);
  let row: ExportRow | null = null;
  for (const r of readings) {
    if (!row || row.time !== r.t) {
      if (row) yield row;
      row = { device, time: r.t, values: columns.map(() => null) };
    }
    const i = slot.get(r.q);
    const spec = i === undefined ? null : columns[i];
    if (i !== undefined && spec) row.values[i] = decodeValue(spec, r.v);
  }
  if (row) yield row;
}

/** Rows of several devices, one device after the other (device id order). */
export async function* datasetRows(
  dbOf: (device: OpenDevice) => D1Database,
  devices: readonly OpenDevice[],
  columns: ReadonlyArray<QuantityRecord | null>,
  from: number,
  to: number,
  pageRows = PAGE_ROWS,
): AsyncGenerator<ExportRow> {
  for (const device of devices) yield* deviceRows(dbOf(device), device, columns, from, to, pageRows);
}
