import { hexToBytes, runBatchResults } from "../store/db.ts";
import { findIngestDevices } from "../store/devices.ts";
import { isStorageUnavailable } from "../store/errors.ts";
import { DUPLICATE_WINDOW_MS, type IngestDevice, uplinkKey } from "../store/uplinks.ts";
import { quantityIndex } from "./decode/readings.ts";
import { decodeUplink } from "./decode/uplink.ts";
import { cachedDevice, forgetDevice, rememberDevice } from "./device-cache.ts";
import { base64ToBytes } from "./encoding.ts";
import type { EventKind, IngestEvent, UplinkEvent } from "./event.ts";
import {
  authorize,
  type Outcome,
  prepareQuarantine,
  processEvent,
  quarantined,
  storedUplink,
  storeStatements,
  type UplinkToStore,
  unknownDevice,
} from "./process.ts";
import { inScope, type Scope } from "./scope.ts";
import { implausibleTime } from "./time.ts";

/** One accepted event to store, with the scope of the token that sent it. */
export interface BatchItem {
  event: IngestEvent;
  scope: Scope;
}

/** What happened to one item: an outcome, or the error that kept it from being stored (retry it). */
export type ItemResult = Outcome | { result: "failed"; kind: EventKind; devEui: string; time: number; error: unknown };

/** The common case of a batch, ready for its one D1 transaction. */
interface Plan {
  /** Uplinks to store, by item. */
  uplinks: { item: number; store: UplinkToStore }[];
  /** Items settled by a statement of the batch whose outcome is known already (quarantine rows). */
  settled: { item: number; outcome: Outcome; statement: D1PreparedStatement }[];
  /** Items for the slow path, after the batch. */
  slow: number[];
}

/**
 * Stores many accepted events at once: the queue consumer's batch, a page of the spool.
 *
 * 1. Registry: the entries this isolate has cached, plus one read for every other device.
 * 2. One D1 batch (one transaction) for the common case: every uplink of a registered device in
 *    its token's scope, decoded, written by three statements for the whole batch — the uplink
 *    rows (insert-if-new: the duplicate rule and the registry entry checked in the insert,
 *    RETURNING what was stored), their readings and the device states (both only where the
 *    uplink row is there) — plus the quarantine rows of uplinks of unknown or out-of-scope
 *    devices.
 * 3. The exceptions, one by one through processEvent: an uplink whose insert was refused (a
 *    duplicate, or the registry changed since it was read), a second copy of a frame already in
 *    this batch (stored after the first, so the duplicate rule sees it), and the device events
 *    (join, status, …: rare, and read fresh).
 *
 * Nothing here throws: an item that could not be stored is `failed` with the error, and running
 * the same items again stores each once. If D1 is unavailable every item fails with that error.
 */
export async function processEvents(db: D1Database, items: readonly BatchItem[]): Promise<ItemResult[]> {
  if (items.length === 0) return [];
  const results: (ItemResult | undefined)[] = new Array(items.length);
  let slow: number[] = [];
  try {
    const plan = await planBatch(db, items);
    slow = plan.slow;
    const batch = await runBatchResults(db, [
      ...(plan.uplinks.length > 0 ? storeStatements(db, plan.uplinks.map((u) => u.store)) : []),
      ...plan.settled.map((s) => s.statement),
    ]);
    const stored = new Set((plan.uplinks.length > 0 ? (batch[0]?.results ?? []) : []).map((r) => {
      const row = r as { device_id: number; time: number; f_cnt: number };
      return uplinkKey(row.device_id, row.time, row.f_cnt);
    }));
    for (const { item, store } of plan.uplinks) {
      if (stored.has(uplinkKey(store.device.id, store.ev.time, store.ev.fCnt))) results[item] = storedUplink(store.ev, store.decoded);
      else {
        // Turned away: a duplicate, or a registry change. The slow path reads the registry again.
        forgetDevice(store.ev.devEui);
        slow.push(item);
      }
    }
    for (const { item, outcome } of plan.settled) results[item] = outcome;
  } catch (error) {
    if (isStorageUnavailable(error)) return items.map(({ event }) => failed(event, error));
    // Not an outage but a fault (a statement D1 refused): take each event on its own, so that one
    // event that cannot be stored does not hold back the others.
    console.error(`ingest batch of ${items.length} failed, storing its events one by one: ${String(error)}`);
    slow = items.map((_, i) => i).filter((i) => results[i] === undefined);
  }

  // In the order they came, so that a second copy of a frame follows the first.
  for (const i of slow.sort((a, b) => a - b)) {
    const { event, scope } = items[i]!;
    try {
      results[i] = await processEvent(db, event, scope);
    } catch (error) {
      results[i] = failed(event, error);
    }
  }
  return results.map((r, i) => r ?? failed(items[i]!.event, new Error("not processed")));
}

/** Steps 1 and 2: the registry entries, then what each event needs. */
async function planBatch(db: D1Database, items: readonly BatchItem[]): Promise<Plan> {
  const now = Date.now();
  const devices = await registryEntries(db, items, now);
  const quantities = await quantityIndex(db);
  const plan: Plan = { uplinks: [], settled: [], slow: [] };
  const seen = new Map<string, UplinkEvent[]>();
  items.forEach(({ event: ev, scope }, item) => {
    if (ev.kind !== "up") return plan.slow.push(item);
    const device = devices.get(ev.devEui);
    const refused = implausibleTime(ev) ?? (device ? authorize(scope, ev, device) : unknownDevice(ev.devEui));
    if (!device || refused) {
      const reason = refused ?? unknownDevice(ev.devEui);
      return plan.settled.push({ item, outcome: quarantined(ev, reason), statement: prepareQuarantine(db, ev, scope, reason) });
    }
    // The insert's duplicate rule only sees rows stored before the batch: a second copy of a frame
    // in this batch waits for the slow path.
    const earlier = seen.get(ev.devEui) ?? [];
    if (earlier.some((e) => sameFrame(e, ev))) return plan.slow.push(item);
    seen.set(ev.devEui, [...earlier, ev]);
    const payload = base64ToBytes(ev.payload);
    const decoded = decodeUplink(device, ev.fPort, payload, ev.time, quantities);
    const dedupId = ev.dedupId === null ? null : hexToBytes(ev.dedupId);
    return plan.uplinks.push({ item, store: { ev, device, payload, dedupId, decoded } });
  });
  return plan;
}

/** The duplicate rule of store/uplinks.ts between two uplinks of one device, or the same key (time, fCnt). */
function sameFrame(a: UplinkEvent, b: UplinkEvent): boolean {
  if (a.time === b.time && a.fCnt === b.fCnt) return true;
  if (Math.abs(a.time - b.time) > DUPLICATE_WINDOW_MS) return false;
  return (a.dedupId !== null && a.dedupId === b.dedupId) || (a.fCnt === b.fCnt && a.payload === b.payload);
}

/**
 * The registry entry of every uplink's device: from the isolate's cache when it covers the
 * token's scope, otherwise read now (one query for all of them) and cached. A cached entry that
 * puts the device outside the scope is read again rather than trusted with a quarantine.
 */
async function registryEntries(db: D1Database, items: readonly BatchItem[], now: number): Promise<Map<string, IngestDevice>> {
  const entries = new Map<string, IngestDevice>();
  const toRead = new Set<string>();
  for (const { event, scope } of items) {
    if (event.kind !== "up") continue;
    const cached = cachedDevice(event.devEui, now);
    if (cached && inScope(scope, cached)) entries.set(event.devEui, cached);
    else toRead.add(event.devEui);
  }
  // What is read now replaces what was cached, for every event of the device.
  const found = await findIngestDevices(db, [...toRead]);
  for (const devEui of toRead) {
    const device = found.get(devEui);
    if (device) {
      rememberDevice(devEui, device, now);
      entries.set(devEui, device);
    } else {
      forgetDevice(devEui);
      entries.delete(devEui);
    }
  }
  return entries;
}

function failed(event: IngestEvent, error: unknown): ItemResult {
  return { result: "failed", kind: event.kind, devEui: event.devEui, time: event.time, error };
}
