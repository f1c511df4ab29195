import type { ReadAccess } from "../auth/read-access.ts";
import type { AdminKey } from "../store/admin-keys.ts";

/** Hono's environment for every route: the Worker bindings and what middleware sets. */
export interface AppEnv {
  Bindings: Env;
  Variables: { admin: AdminKey; access: ReadAccess };
}
