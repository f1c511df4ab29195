import type { IngestDevice } from "../store/uplinks.ts";

/**
 * Registry entries of recently heard devices, per isolate, so that a usual uplink costs one D1
 * round trip (the store batch) instead of two. Only the queue consumer uses them, and only to
 * store: staleness is harmless because the uplink insert checks the registry still matches
 * (prepareInsertNewUplinks) and a mismatch sends ingest back to D1. Nothing is ever refused
 * from an entry: an entry that puts the device outside the token's scope is read again.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 20_000;
const cache = new Map<string, { device: IngestDevice; at: number }>();

export function cachedDevice(devEui: string, now: number): IngestDevice | undefined {
  const hit = cache.get(devEui);
  if (!hit) return undefined;
  if (now - hit.at > TTL_MS) {
    cache.delete(devEui);
    return undefined;
  }
  return hit.device;
}

export function rememberDevice(devEui: string, device: IngestDevice, now: number): void {
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(devEui, { device, at: now });
}

export function forgetDevice(devEui: string): void {
  cache.delete(devEui);
}

export function forgetDevices(): void {
  cache.clear();
}
