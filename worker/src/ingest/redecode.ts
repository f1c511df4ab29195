import { runBatch } from "../store/db.ts";
import { prepareReportedStates } from "../store/device-state.ts";
import { isStorageUnavailable } from "../store/errors.ts";
import { QueryBudget } from "../store/limits.ts";
import { listQuarantined, prepareResolveQuarantined, prepareUpdateQuarantineReasons } from "../store/quarantine.ts";
import { prepareRewriteUplinkReadings } from "../store/readings.ts";
import { listUplinksToRedecode, prepareUpdateUplinkDecodes, type RedecodeSelection } from "../store/uplinks.ts";
import { quantityIndex } from "./decode/readings.ts";
import { decodeUplink } from "./decode/uplink.ts";
import { readingsSpan } from "./pipeline/decode.ts";
import { ingestEvents, type QuarantinedPayload } from "./pipeline/index.ts";

export interface UplinkRedecodeReport {
  uplinks: number;
  decoded: number;
  failed: number;
  readings: number;
  /** Pass as `after` to continue; null when the selection is done. */
  next: string | null;
}

/**
 * Decodes stored uplinks again (after a codec fix or a registry change) through the pipeline's
 * decode step and replaces exactly what each uplink had written: its readings (found by the
 * uplink identity they carry) are deleted and what it decodes to now is written under the same
 * rule as ingest; the uplink's decode status, note and readings span are updated, and the device
 * state's battery and firmware follow the readings — in one transaction per page, a few
 * statements whatever the page size. Running it twice gives the same rows. Readings another
 * uplink wrote at the same times are left alone.
 */
export async function redecodeUplinks(db: D1Database, selection: RedecodeSelection, budget = new QueryBudget()): Promise<UplinkRedecodeReport> {
  budget.spend(1);
  const page = await listUplinksToRedecode(db, selection);
  const quantities = await quantityIndex(db);
  const report: UplinkRedecodeReport = { uplinks: page.length, decoded: 0, failed: 0, readings: 0, next: null };
  const rewrites = [];
  const updates = [];
  for (const u of page) {
    const decoded = decodeUplink(u, u.fPort, u.payload, u.time, quantities);
    const span = readingsSpan(decoded.rows);
    rewrites.push({
      deviceId: u.deviceId,
      uplink: { time: u.time, fCnt: u.fCnt },
      before: u.readingsFrom === null || u.readingsTo === null ? null : { from: u.readingsFrom, to: u.readingsTo },
      rows: decoded.rows,
    });
    updates.push({ deviceId: u.deviceId, time: u.time, fCnt: u.fCnt, decode: decoded.status, note: decoded.note, readingsFrom: span?.from ?? null, readingsTo: span?.to ?? null });
    if (decoded.status === "failed") report.failed++;
    else report.decoded++;
    report.readings += decoded.rows.length;
  }
  const statements = [...prepareRewriteUplinkReadings(db, rewrites), ...prepareUpdateUplinkDecodes(db, updates)];
  // The device state's battery and firmware follow the rewritten readings.
  const battery = quantities.get("battery");
  const firmware = quantities.get("device.firmware");
  if (battery && firmware) {
    statements.push(...prepareReportedStates(db, [...new Set(page.map((u) => u.deviceId))], { id: battery.id, scale: 10 ** battery.decimals }, { id: firmware.id }));
  }
  budget.spend(statements.length);
  await runBatch(db, statements);
  const last = page[page.length - 1];
  if (last && page.length === selection.limit) report.next = `${last.deviceId}:${last.time}:${last.fCnt}`;
  return report;
}

export interface QuarantineRedecodeReport {
  events: number;
  stored: number;
  duplicate: number;
  stillQuarantined: number;
  next: number | null;
}

/** Quarantined events replayed per pipeline run: a consumer batch's size. */
const REPLAY_STEP = 100;

/**
 * Processes quarantined events again (after registering the device, or moving it into the
 * token's scope) through the ingest pipeline, as a replay: the token that sent them must still be
 * active. Resolved ones are marked with what happened and leave the open list; the rest keep
 * their place with the current reason. A page of up to 500 events goes in steps of 100, each a
 * few queries, under the invocation's query budget; if D1 becomes unavailable (or the budget is
 * spent) the report stops there and `next` says where to continue.
 */
export async function redecodeQuarantine(
  db: D1Database,
  filter: { devEui?: string | undefined; after?: number | undefined; limit: number },
  now: number,
  budget = new QueryBudget(),
): Promise<QuarantineRedecodeReport> {
  budget.spend(1);
  const page = await listQuarantined(db, { open: true, devEui: filter.devEui, after: filter.after, limit: filter.limit });
  const report: QuarantineRedecodeReport = { events: 0, stored: 0, duplicate: 0, stillQuarantined: 0, next: null };
  for (let start = 0; start < page.length; start += REPLAY_STEP) {
    const rows = page.slice(start, start + REPLAY_STEP);
    const payloads = rows.map((row) => JSON.parse(row.event) as QuarantinedPayload);
    const results = await ingestEvents(db, payloads, { replay: true, budget });
    const resolved: [number, string][] = [];
    const reasons: [number, string, string][] = [];
    let stop: number | null = null;
    for (const [i, r] of results.entries()) {
      const row = rows[i]!;
      if (r.result === "failed") {
        stop ??= i;
        continue;
      }
      report.events++;
      if (r.result === "quarantined") {
        report.stillQuarantined++;
        if (r.reason.code !== row.reasonCode || r.reason.message !== row.reason) reasons.push([row.id, r.reason.code, r.reason.message]);
      } else {
        report[r.result]++;
        resolved.push([row.id, r.result]);
      }
    }
    const statements = [...prepareResolveQuarantined(db, resolved, now), ...prepareUpdateQuarantineReasons(db, reasons)];
    if (statements.length > 0) {
      budget.spend(statements.length);
      await runBatch(db, statements);
    }
    if (stop !== null) {
      const failure = results[stop];
      // Nothing settled at all: say D1 is unavailable (503) rather than report an empty page.
      if (failure?.result === "failed" && (!isStorageUnavailable(failure.error) || report.events === 0)) throw failure.error;
      // Continue after the last row before the first one not settled.
      report.next = start + stop > 0 ? page[start + stop - 1]!.id : (filter.after ?? 0);
      return report;
    }
  }
  const last = page[page.length - 1];
  if (last && page.length === filter.limit) report.next = last.id;
  return report;
}
