import { hexToBytes } from "../../store/db.ts";
import { isSameFrame } from "../../store/duplicates.ts";
import { QueryBudget } from "../../store/limits.ts";
import { findUplinkTargets, type IngestDevice } from "../../store/uplinks.ts";
import { quantityIndex } from "../decode/readings.ts";
import { encodeValue } from "../decode/values.ts";
import { forgetDevice, rememberDevice } from "../device-cache.ts";
import { base64ToBytes } from "../encoding.ts";
import type { IngestEvent, UplinkEvent } from "../event.ts";
import type { Scope } from "../scope.ts";
import { activeTokens, authorize, registryEntries } from "./authorize.ts";
import { decodeStep } from "./decode.ts";
import { conflictingUplink, duplicate, failed, type ItemResult } from "./outcome.ts";
import { type StoreUnit, storeUnits } from "./store.ts";

/** One accepted event to store, with the scope of the token that sent it. */
export interface IngestItem {
  event: IngestEvent;
  scope: Scope;
}

export interface PipelineOptions {
  /**
   * A replay (spool, quarantine): the tokens that sent the events must still be active; events of
   * a revoked token go (or stay) in quarantine.
   */
  replay?: boolean;
  /** The invocation's D1 queries, shared by every call of one invocation (default: a fresh budget). */
  budget?: QueryBudget;
}

/** Rounds: the first stores the common case; the next ones look again at what the insert refused. */
const ROUNDS = 3;

/**
 * The one uplink pipeline: every path that writes events — the queue consumer, the spool
 * replay, the quarantine replay — runs them through these named steps.
 *
 * 1. authorize: the registry entry of each event's device (the isolate's cache, else one read),
 *    the token's scope, and for replays the token still active. Refused: quarantine, with why.
 * 2. decode: each uplink's payload with its device's decoder (never fails: the raw uplink is kept).
 * 3. store: one D1 transaction for the round (store.ts): uplinks insert-if-new under the
 *    duplicate rule and the registry entry they were decoded with, their readings, device states,
 *    device events, quarantine rows. Poison events are isolated there, never retried forever.
 *
 * An uplink the insert refused is a duplicate, a conflicting frame, or was decoded under a
 * registry entry that changed: the next round reads the registry and the stored uplinks again
 * (one query) and decides. A second copy of a frame in one batch waits for the next round, where
 * the duplicate rule sees the first. Nothing here throws: an event that could not be settled now
 * (D1 unavailable, queries of this invocation spent) is `failed` with the error, and running the
 * same events again stores each once.
 */
export async function ingestEvents(db: D1Database, items: readonly IngestItem[], options: PipelineOptions = {}): Promise<ItemResult[]> {
  const results: (ItemResult | undefined)[] = items.map(() => undefined);
  // Uplinks found to conflict with a stored one (same key, another payload), quarantined in the next store step.
  const conflicts = new Set<number>();
  const budget = options.budget ?? new QueryBudget();
  const scopes = items.map((i) => i.scope);
  try {
    const now = Date.now();
    const quantities = await quantityIndex(db);
    const tokens = options.replay ? await activeTokens(db, scopes, budget) : undefined;
    let pending = items.map((_, i) => i);
    for (let round = 0; round < ROUNDS && pending.length > 0; round++) {
      // 1. authorize
      const entries = new Map<number, IngestDevice | null>();
      if (round === 0) {
        const registry = await registryEntries(db, pending.map((i) => items[i]!), now, budget);
        for (const i of pending) entries.set(i, registry.get(items[i]!.event.devEui) ?? null);
      } else {
        // Only uplinks come back: read their registry entries and the stored uplinks again.
        budget.spend(1);
        const found = await findUplinkTargets(db, pending.map((i) => probe(items[i]!.event as UplinkEvent)));
        const again: number[] = [];
        pending.forEach((i, n) => {
          const { device, seen, taken } = found[n]!;
          const ev = items[i]!.event as UplinkEvent;
          if (device) rememberDevice(ev.devEui, device, now);
          else forgetDevice(ev.devEui);
          const allowed = device !== null && authorize(items[i]!.scope, ev, device, tokens) === null;
          if (allowed && seen) results[i] = duplicate(ev);
          else if (allowed && taken) conflicts.add(i);
          else {
            entries.set(i, device);
            again.push(i);
          }
        });
        pending = again;
      }

      // 2. decode, and what each event needs written
      const units: StoreUnit[] = [];
      const deferred: number[] = [];
      const frames = new Map<string, UplinkEvent[]>();
      for (const i of pending) {
        const { event: ev, scope } = items[i]!;
        const device = entries.get(i);
        const refused = authorize(scope, ev, device, tokens);
        if (refused) {
          units.push({ kind: "quarantine", item: i, ev, scope, reason: refused });
          continue;
        }
        if (!device) continue; // authorize refused it above
        if (ev.kind !== "up") {
          const level = ev.kind === "status" && ev.batteryLevel !== null ? quantities.get("battery.level") : undefined;
          const stored = level && ev.kind === "status" && ev.batteryLevel !== null ? encodeValue(level, ev.batteryLevel) : null;
          units.push({ kind: "device-event", item: i, ev, device, readings: level && stored !== null ? [[level.id, ev.time, stored]] : [] });
          continue;
        }
        // The insert's duplicate rule only sees rows stored before the round: a second copy of a
        // frame waits for the next one.
        const earlier = frames.get(ev.devEui) ?? [];
        if (earlier.some((e) => isSameFrame(e, ev))) {
          deferred.push(i);
          continue;
        }
        frames.set(ev.devEui, [...earlier, ev]);
        units.push({ kind: "uplink", item: i, store: decodeStep(ev, device, quantities) });
      }
      for (const i of conflicts) {
        const { event: ev, scope } = items[i]!;
        units.push({ kind: "quarantine", item: i, ev, scope, reason: conflictingUplink(ev as UplinkEvent) });
      }
      conflicts.clear();

      // 3. store
      const next = deferred;
      for (const r of await storeUnits(db, units, scopes, budget)) {
        if ("refused" in r) {
          forgetDevice(items[r.item]!.event.devEui);
          next.push(r.item);
        } else results[r.item] = r.result;
      }
      // In the order they came, so that a second copy of a frame follows the first.
      pending = next.sort((a, b) => a - b);
    }
    // Refused in every round with a fresh registry entry, and not a duplicate: another payload
    // holds this device, time and frame counter. Keep it for a person.
    const last = pending.map((i): StoreUnit => {
      const { event: ev, scope } = items[i]!;
      return { kind: "quarantine", item: i, ev, scope, reason: conflictingUplink(ev as UplinkEvent) };
    });
    for (const r of await storeUnits(db, last, scopes, budget)) if (!("refused" in r)) results[r.item] = r.result;
  } catch (error) {
    // A read of step 1 failed (outage, or the invocation's queries spent): the rest waits.
    return results.map((r, i) => r ?? failed(items[i]!.event, error));
  }
  return results.map((r, i) => r ?? failed(items[i]!.event, new Error("not settled by the pipeline")));
}

function probe(ev: UplinkEvent) {
  return { devEui: ev.devEui, time: ev.time, fCnt: ev.fCnt, payload: base64ToBytes(ev.payload), dedupId: ev.dedupId === null ? null : hexToBytes(ev.dedupId) };
}
