import { findIngestDevices } from "../../store/devices.ts";
import { findActiveIngestTokenIds } from "../../store/ingest-tokens.ts";
import type { QueryBudget } from "../../store/limits.ts";
import type { IngestDevice } from "../../store/uplinks.ts";
import { cachedDevice, forgetDevice, rememberDevice } from "../device-cache.ts";
import type { IngestEvent } from "../event.ts";
import { inScope, outOfScope, type Scope } from "../scope.ts";
import { implausibleTime } from "../time.ts";
import { type Reason, revokedToken, unknownDevice } from "./outcome.ts";

/**
 * Step 1 of the pipeline: whose device is it, and may this token write to it.
 *
 * Registry entries come from the isolate's cache when they cover the token's scope (uplinks
 * only: the insert checks the entry still holds, store.ts), otherwise from one read for all
 * devices; a cached entry that would put a device outside the scope is read again rather than
 * trusted with a quarantine. Device events (join, status, …: rare) always read fresh.
 */
export async function registryEntries(
  db: D1Database,
  items: readonly { event: IngestEvent; scope: Scope }[],
  now: number,
  budget: QueryBudget,
): Promise<Map<string, IngestDevice>> {
  const entries = new Map<string, IngestDevice>();
  const toRead = new Set<string>();
  for (const { event, scope } of items) {
    const cached = event.kind === "up" ? cachedDevice(event.devEui, now) : undefined;
    if (cached && inScope(scope, cached)) entries.set(event.devEui, cached);
    else toRead.add(event.devEui);
  }
  if (toRead.size === 0) return entries;
  budget.spend(1);
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

/**
 * Replays only (spool, quarantine): the ids of the tokens that sent these events and are still
 * active. An event accepted under a token revoked since is not written into the readings by a
 * replay. Admin scopes (no token) need no check.
 */
export async function activeTokens(db: D1Database, scopes: readonly Scope[], budget: QueryBudget): Promise<Set<number>> {
  const ids = [...new Set(scopes.map((s) => s.tokenId).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Set();
  budget.spend(1);
  return findActiveIngestTokenIds(db, ids);
}

/**
 * Null if the event may be written for this device, else why it goes to quarantine. Its own time
 * first (it needs no registry): an event dated in the future is never written (time.ts).
 */
export function authorize(scope: Scope, ev: IngestEvent, device: IngestDevice | null | undefined, tokens?: ReadonlySet<number>): Reason | null {
  const implausible = implausibleTime(ev);
  if (implausible) return implausible;
  if (tokens && scope.tokenId !== null && !tokens.has(scope.tokenId)) return revokedToken(scope.tokenId);
  if (!device) return unknownDevice(ev.devEui);
  if (inScope(scope, device)) return null;
  const refusal = outOfScope(scope, ev.devEui);
  return { code: refusal.code, message: refusal.message };
}
