import type { ReadAccess } from "../auth/read-access.ts";
import type { AdminKey } from "../store/admin-keys.ts";

/** What a handler adds to the audit entry of its admin write (worker/src/api/audit.ts). */
export interface AuditNote {
  target?: string;
  /** The territory the write concerned (default: the admin key's). */
  territory?: string | null;
  details?: Record<string, unknown>;
}

/** Hono's environment for every route: the Worker bindings and what middleware sets. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    admin: AdminKey;
    access: ReadAccess;
    audit: AuditNote | undefined;
    /** Set by publicRateLimit(): a request spends its quota once, however many times the middleware is mounted on its path. */
    rateLimited: true | undefined;
  };
}
