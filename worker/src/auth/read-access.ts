import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/types.ts";
import type { ApiKey } from "../store/api-keys.ts";
import { presentedCredential } from "./bearer.ts";
import { verifyReadKey } from "./credentials.ts";

/**
 * Who is reading, as every public read route sees it. An anonymous client sees public devices
 * only; a read key may also see private devices (scope `read:private`) and may be limited to a
 * territory or one commune. Every public route filters through `canSeeDevice` / `visibleDevicesSql`,
 * so that a private device never appears in an answer to a request without such a key.
 *
 * Read keys are created with POST /v1/admin/api-keys and presented as `Authorization: Bearer
 * cig_read_…` (never in the URL, where logs, proxies and browser history would keep them).
 */
export interface ReadAccess {
  /** The read key's id, null for an anonymous client. */
  keyId: number | null;
  /** The key has scope `read:private`: private devices (building meters) are visible. */
  private: boolean;
  /** The key is limited to this territory code (null: no limit). */
  territory: string | null;
  /** The key is limited to this commune's INSEE code (null: no limit). */
  commune: string | null;
}

export const ANONYMOUS: ReadAccess = Object.freeze({ keyId: null, private: false, territory: null, commune: null });

/** What a device must say about itself for the visibility rule. */
export interface VisibleDevice {
  public: boolean;
  territory: string;
  commune: string;
}

export function canSeeDevice(access: ReadAccess, device: VisibleDevice): boolean {
  if (!device.public && !access.private) return false;
  if (access.territory !== null && device.territory !== access.territory) return false;
  if (access.commune !== null && device.commune !== access.commune) return false;
  return true;
}

/**
 * The same rule as a SQL condition over a devices row (`alias.public`, `alias.commune`) joined to
 * its territory code column (`territoryColumn`), with its bound values in order.
 */
export function visibleDevicesSql(access: ReadAccess, alias: string, territoryColumn: string): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (!access.private) parts.push(`${alias}.public = 1`);
  if (access.territory !== null) {
    parts.push(`${territoryColumn} = ?`);
    params.push(access.territory);
  }
  if (access.commune !== null) {
    parts.push(`${alias}.commune = ?`);
    params.push(access.commune);
  }
  return { sql: parts.length === 0 ? "1 = 1" : parts.join(" AND "), params };
}

/** What a verified read key may see. */
export function accessOf(key: Pick<ApiKey, "id" | "scope" | "territory" | "commune">): ReadAccess {
  return Object.freeze({ keyId: key.id, private: key.scope === "read:private", territory: key.territory, commune: key.commune });
}

/**
 * Sets `c.var.access` for the public read routes: ANONYMOUS without an Authorization header, the
 * read key's access with a valid one. A read key that is unknown, revoked or malformed is a 401
 * (never a silent fall back to anonymous: the client would wonder where the private data went),
 * another kind of credential a 403, and repeated failures from one client a 429.
 */
export function readAccess(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Mounted twice on a path (app-wide and per router), it verifies once.
    if (c.get("access") !== undefined) return next();
    const header = c.req.header("authorization");
    if (header === undefined || header.trim() === "") c.set("access", ANONYMOUS);
    else c.set("access", accessOf(await verifyReadKey(c.env, presentedCredential(c, "read key"), Date.now())));
    await next();
  };
}
