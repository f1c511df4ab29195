import type { AdminKey } from "../store/admin-keys.ts";
import { findCommune } from "../store/communes.ts";
import { unknownReference } from "../store/errors.ts";
import { findTerritory } from "../store/territories.ts";
import { AuthError } from "./errors.ts";

/**
 * What a territory-scoped admin key may touch: its own territory's communes, devices and
 * credentials. A platform-wide key (territory null) may touch everything.
 */

export function outsideTerritory(admin: AdminKey, what: string): AuthError {
  return new AuthError("forbidden", "OUTSIDE_TERRITORY", `this admin key administers territory ${admin.territory} only: ${what} is outside it`);
}

/** True when the key may act on something of `territory` (null: platform-wide things). */
export function administers(admin: AdminKey, territory: string | null): boolean {
  return admin.territory === null || admin.territory === territory;
}

/**
 * The territory or commune a new credential is limited to, checked against the registry and
 * against the admin key: a territory-scoped key creates credentials inside its territory only,
 * and one it creates without a limit is limited to that territory.
 */
export async function credentialLimit(
  db: D1Database,
  admin: AdminKey,
  asked: { territory?: string | undefined; commune?: string | undefined },
): Promise<{ territory: string | null; commune: string | null }> {
  if (asked.commune !== undefined) {
    const commune = await findCommune(db, asked.commune);
    if (!commune) throw unknownReference("commune", asked.commune, "create it with POST /v1/admin/communes");
    if (!administers(admin, commune.territory)) throw outsideTerritory(admin, `commune ${asked.commune}`);
    return { territory: null, commune: asked.commune };
  }
  if (asked.territory !== undefined) {
    if (!(await findTerritory(db, asked.territory))) throw unknownReference("territory", asked.territory, "create it with POST /v1/admin/territories");
    if (!administers(admin, asked.territory)) throw outsideTerritory(admin, `territory ${asked.territory}`);
    return { territory: asked.territory, commune: null };
  }
  return { territory: admin.territory, commune: null };
}
