import { AuthError } from "../auth/errors.ts";
import type { IngestDevice } from "../store/uplinks.ts";

/**
 * Where an ingest credential may write: one territory, one commune, or (admin replays) anywhere.
 * Plain JSON: the spool and the quarantine keep it with the event.
 */
export interface Scope {
  tokenId: number | null;
  territory: string | null;
  commune: string | null;
}

export const ADMIN_SCOPE: Scope = { tokenId: null, territory: null, commune: null };

export function describeScope(scope: Scope): string {
  if (scope.commune !== null) return `commune ${scope.commune}`;
  if (scope.territory !== null) return `territory ${scope.territory}`;
  return "every territory";
}

export function inScope(scope: Scope, device: Pick<IngestDevice, "commune" | "territory">): boolean {
  if (scope.commune !== null) return device.commune === scope.commune;
  if (scope.territory !== null) return device.territory === scope.territory;
  return true;
}

/**
 * Why an event of a device outside the token's scope is quarantined. It names the token's own
 * scope and never where the device is registered: a token must not learn the registry of
 * territories it does not write to (an administrator sees the device's commune in the registry).
 */
export function outOfScope(scope: Scope, devEui: string): AuthError {
  return new AuthError(
    "forbidden",
    "OUT_OF_SCOPE",
    `this ingest token may write to ${describeScope(scope)} only, and device ${devEui} is not registered there: send its events with the token of the application it belongs to`,
  );
}
