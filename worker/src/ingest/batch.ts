import { hexToBytes, runBatch } from "../store/db.ts";
import { findIngestDevices } from "../store/devices.ts";
import { isStorageUnavailable } from "../store/errors.ts";
import type { IngestDevice } from "../store/uplinks.ts";
import { quantityIndex } from "./decode/readings.ts";
import { decodeUplink } from "./decode/uplink.ts";
import { cachedDevice, forgetDevice, rememberDevice } from "./device-cache.ts";
import { base64ToBytes } from "./encoding.ts";
import type { EventKind, IngestEvent, UplinkEvent } from "./event.ts";
import { authorize, type Outcome, prepareQuarantine, processEvent, quarantined, storedUplink, storeStatements, unknownDevice } from "./process.ts";
import { inScope, type Scope } from "./scope.ts";

/** One accepted event to store, with the scope of the token that sent it. */
export interface BatchItem {
  event: IngestEvent;
  scope: Scope;
}

/** What happened to one item: an outcome, or the error that kept it from being stored (retry it). */
export type ItemResult = Outcome | { result: "failed"; kind: EventKind; devEui: string; time: number; error: unknown };

/** What the one D1 batch will say about an item: where its uplink insert is, or that it is settled. */
type Planned = { item: number; insertAt: number; ev: UplinkEvent; outcome: Outcome } | { item: number; outcome: Outcome };

/**
 * Stores many accepted events at once: the queue consumer's batch, a page of the spool.
 *
 * 1. Registry: the entries this isolate has cached, plus one read for every other device.
 * 2. One D1 batch (one transaction) for the common case: every uplink of a registered device in
 *    its token's scope, decoded, as the same insert-if-new statements a single uplink uses
 *    (uplink row checking the duplicate rule and the registry entry, readings, device state);
 *    and the quarantine rows of uplinks of unknown or out-of-scope devices.
 * 3. The exceptions, one by one through processEvent: an uplink whose insert was refused (a
 *    duplicate, or the registry changed since it was read) and the device events (join, status,
 *    …: rare, and read fresh).
 *
 * The statements of one batch run in order, so two deliveries of one frame in the same batch
 * are told apart like any others: the second insert is refused and found to be a duplicate.
 * Nothing here throws: an item that could not be stored is `failed` with the error, and running
 * the same items again stores each once. If D1 is unavailable every item fails with that error.
 */
export async function processEvents(db: D1Database, items: readonly BatchItem[]): Promise<ItemResult[]> {
  if (items.length === 0) return [];
  const results: (ItemResult | undefined)[] = new Array(items.length);
  const slow: number[] = [];
  try {
    const planned = await planBatch(db, items, slow);
    const changes = await runBatch(
      db,
      planned.flatMap((p) => p.statements),
    );
    for (const { plan } of planned) {
      if (!("insertAt" in plan)) results[plan.item] = plan.outcome;
      else if (changes[plan.insertAt] === 1) results[plan.item] = plan.outcome;
      else {
        // Turned away: a duplicate, or a registry change. The slow path reads the registry again.
        forgetDevice(plan.ev.devEui);
        slow.push(plan.item);
      }
    }
  } catch (error) {
    if (isStorageUnavailable(error)) return items.map(({ event }) => failed(event, error));
    // Not an outage but a fault (a statement D1 refused): take each event on its own, so that one
    // event that cannot be stored does not hold back the others.
    console.error(`ingest batch of ${items.length} failed, storing its events one by one: ${String(error)}`);
    for (let i = 0; i < items.length; i++) if (results[i] === undefined && !slow.includes(i)) slow.push(i);
  }

  slow.sort((a, b) => a - b);
  for (const i of slow) {
    const { event, scope } = items[i]!;
    try {
      results[i] = await processEvent(db, event, scope);
    } catch (error) {
      results[i] = failed(event, error);
    }
  }
  return results.map((r, i) => r ?? failed(items[i]!.event, new Error("not processed")));
}

interface PlannedStatements {
  plan: Planned;
  statements: D1PreparedStatement[];
}

/** Steps 1 and 2: the registry entries, then each uplink's statements; device events go to `slow`. */
async function planBatch(db: D1Database, items: readonly BatchItem[], slow: number[]): Promise<PlannedStatements[]> {
  const now = Date.now();
  const devices = await registryEntries(db, items, now);
  const quantities = await quantityIndex(db);
  const planned: PlannedStatements[] = [];
  let at = 0;
  items.forEach(({ event: ev, scope }, item) => {
    if (ev.kind !== "up") {
      slow.push(item);
      return;
    }
    const device = devices.get(ev.devEui);
    const refused = device ? authorize(scope, ev, device) : unknownDevice(ev.devEui);
    if (!device || refused) {
      const reason = refused ?? unknownDevice(ev.devEui);
      planned.push({ plan: { item, outcome: quarantined(ev, reason) }, statements: [prepareQuarantine(db, ev, scope, reason)] });
      at += 1;
      return;
    }
    const payload = base64ToBytes(ev.payload);
    const decoded = decodeUplink(device, ev.fPort, payload, ev.time, quantities);
    const statements = storeStatements(db, ev, device, payload, ev.dedupId === null ? null : hexToBytes(ev.dedupId), decoded);
    planned.push({ plan: { item, insertAt: at, ev, outcome: storedUplink(ev, decoded) }, statements });
    at += statements.length;
  });
  return planned;
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
