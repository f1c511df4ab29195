import { runBatch } from "../store/db.ts";
import { prepareReportedState } from "../store/device-state.ts";
import { listQuarantined, resolveQuarantined, updateQuarantineReason } from "../store/quarantine.ts";
import { prepareDeleteReadingsAt, prepareInsertReadings } from "../store/readings.ts";
import { listUplinksToRedecode, prepareUpdateUplinkDecode, type RedecodeSelection } from "../store/uplinks.ts";
import { quantityIndex } from "./decode/readings.ts";
import { decodeUplink } from "./decode/uplink.ts";
import { processEvent, type QuarantinedPayload } from "./process.ts";

export interface UplinkRedecodeReport {
  uplinks: number;
  decoded: number;
  failed: number;
  readings: number;
  /** Pass as `after` to continue; null when the selection is done. */
  next: string | null;
}

/**
 * Decodes stored uplinks again (after a codec fix or a registry change) and replaces what they
 * had produced: the readings at the uplink's sample times are deleted and written anew, and the
 * uplink's decode status is updated, and the device state's battery and firmware follow the
 * readings, in one transaction per page. Running it twice gives the same rows. Readings a previous
 * decode wrote at other times are left alone.
 */
export async function redecodeUplinks(db: D1Database, selection: RedecodeSelection): Promise<UplinkRedecodeReport> {
  const page = await listUplinksToRedecode(db, selection);
  const quantities = await quantityIndex(db);
  const report: UplinkRedecodeReport = { uplinks: page.length, decoded: 0, failed: 0, readings: 0, next: null };
  const statements: D1PreparedStatement[] = [];
  for (const u of page) {
    const decoded = decodeUplink(u, u.fPort, u.payload, u.time, quantities);
    const times = [...new Set([u.time, ...decoded.rows.map((r) => r[1])])];
    statements.push(prepareDeleteReadingsAt(db, u.deviceId, times));
    if (decoded.rows.length > 0) statements.push(prepareInsertReadings(db, u.deviceId, decoded.rows, true));
    statements.push(prepareUpdateUplinkDecode(db, u.deviceId, u.time, u.fCnt, decoded.status, decoded.note));
    if (decoded.status === "failed") report.failed++;
    else report.decoded++;
    report.readings += decoded.rows.length;
  }
  // The device state's battery and firmware follow the rewritten readings.
  const battery = quantities.get("battery");
  const firmware = quantities.get("device.firmware");
  if (battery && firmware) {
    for (const deviceId of new Set(page.map((u) => u.deviceId))) {
      statements.push(prepareReportedState(db, deviceId, { id: battery.id, scale: 10 ** battery.decimals }, { id: firmware.id }));
    }
  }
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

/**
 * Processes quarantined events again (after registering the device, or moving it into the
 * token's scope). Resolved ones are marked with what happened and leave the open list; the rest
 * keep their place with the current reason.
 */
export async function redecodeQuarantine(
  db: D1Database,
  filter: { devEui?: string | undefined; after?: number | undefined; limit: number },
  now: number,
): Promise<QuarantineRedecodeReport> {
  const page = await listQuarantined(db, { open: true, devEui: filter.devEui, after: filter.after, limit: filter.limit });
  const report: QuarantineRedecodeReport = { events: page.length, stored: 0, duplicate: 0, stillQuarantined: 0, next: null };
  for (const row of page) {
    const { event, scope } = JSON.parse(row.event) as QuarantinedPayload;
    const outcome = await processEvent(db, event, scope);
    if (outcome.result === "quarantined") {
      report.stillQuarantined++;
      if (outcome.reason.code !== row.reasonCode || outcome.reason.message !== row.reason) {
        await updateQuarantineReason(db, row.id, outcome.reason.code, outcome.reason.message);
      }
    } else {
      report[outcome.result]++;
      await resolveQuarantined(db, row.id, outcome.result, now);
    }
  }
  const last = page[page.length - 1];
  if (last && page.length === filter.limit) report.next = last.id;
  return report;
}
