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

export function outOfScope(scope: Scope, devEui: string, device: Pick<IngestDevice, "commune" | "territory">): AuthError {
  return new AuthError(
    "forbidden",
    "OUT_OF_SCOPE",
    `this ingest token may write to ${describeScope(scope)}, but device ${devEui} is in commune ${device.commune} (territory ${device.territory}): use the token of that application`,
  );
}
