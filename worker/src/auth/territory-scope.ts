import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../http/types.ts";
import type { AdminKey } from "../store/admin-keys.ts";
import { findCommune } from "../store/communes.ts";
import { findDevice } from "../store/devices.ts";
import { notFound } from "../store/errors.ts";
import { findIngestToken } from "../store/ingest-tokens.ts";
import { outsideTerritory } from "./admin-scope.ts";
import { AuthError } from "./errors.ts";

/**
 * What a territory-scoped admin key may reach, decided per route before its handler runs, so that
 * the handlers need not know about scopes: each guard finds the territory the request touches (the
 * device's, the commune's, the token's, the one a list is filtered by, the one a body names) and
 * refuses it when it is not the key's. A resource of another territory is answered 404, as if it did
 * not exist. A route without a guard refuses scoped keys (deny by default).
 */

type Params = Record<string, string>;
type Guard = (c: Context<AppEnv>, admin: AdminKey, params: Params) => Promise<void>;

/** The handler itself filters by `c.var.admin.territory`. */
const HANDLER_FILTERS: Guard = async () => {};

async function body(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  if (!/^application\/json/i.test(c.req.header("content-type") ?? "")) return {};
  try {
    const value = (await c.req.json()) as unknown;
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {}; // The handler answers the bad body.
  }
}

async function communeTerritory(c: Context<AppEnv>, insee: string): Promise<string | null> {
  return (await findCommune(c.env.DB, insee))?.territory ?? null;
}

/** 403 unless a commune named by the request (in a body or a query) is in the key's territory. */
async function namedCommune(c: Context<AppEnv>, admin: AdminKey, insee: unknown): Promise<void> {
  if (typeof insee !== "string") return;
  const territory = await communeTerritory(c, insee);
  if (territory !== null && territory !== admin.territory) throw outsideTerritory(admin, `commune ${insee}`);
}

function namedTerritory(admin: AdminKey, territory: unknown): void {
  if (typeof territory === "string" && territory !== admin.territory) throw outsideTerritory(admin, `territory ${territory}`);
}

const device: Guard = async (c, admin, p) => {
  const found = await findDevice(c.env.DB, (p["devEui"] ?? "").toLowerCase());
  if (found && found.territory !== admin.territory) throw notFound("device", p["devEui"] ?? "");
};

const commune: Guard = async (c, admin, p) => {
  const territory = await communeTerritory(c, p["insee"] ?? "");
  if (territory !== null && territory !== admin.territory) throw notFound("commune", p["insee"] ?? "");
};

/** A list must be filtered to the key's territory (or one of its communes): the scope is explicit in the URL. */
function listFilter(what: string, byCommune: boolean): Guard {
  return async (c, admin) => {
    const territory = c.req.query("territory");
    const insee = byCommune ? c.req.query("commune") : undefined;
    if (territory === admin.territory) return;
    if (territory === undefined && insee !== undefined) return namedCommune(c, admin, insee).then(() => undefined);
    if (territory !== undefined) throw outsideTerritory(admin, `territory ${territory}`);
    throw new AuthError("forbidden", "OUTSIDE_TERRITORY", `this admin key administers territory ${admin.territory} only: list ${what} with ?territory=${admin.territory}`);
  };
}

const GUARDS: Record<string, Guard> = {
  "GET /v1/admin/communes": listFilter("communes", false),
  "POST /v1/admin/communes": async (c, admin) => namedTerritory(admin, (await body(c))["territory"]),
  "GET /v1/admin/communes/:insee": commune,
  "PATCH /v1/admin/communes/:insee": async (c, admin, p) => {
    await commune(c, admin, p);
    namedTerritory(admin, (await body(c))["territory"]);
  },
  "DELETE /v1/admin/communes/:insee": commune,

  "GET /v1/admin/devices": listFilter("devices", true),
  "POST /v1/admin/devices": async (c, admin) => namedCommune(c, admin, (await body(c))["commune"]),
  "GET /v1/admin/devices/:devEui": device,
  "PATCH /v1/admin/devices/:devEui": async (c, admin, p) => {
    await device(c, admin, p);
    await namedCommune(c, admin, (await body(c))["commune"]);
  },
  "DELETE /v1/admin/devices/:devEui": device,
  "GET /v1/admin/devices/:devEui/uplinks": device,
  "GET /v1/admin/devices/:devEui/readings": device,
  "GET /v1/admin/devices/:devEui/events": device,

  "GET /v1/admin/ingest-tokens": HANDLER_FILTERS,
  "POST /v1/admin/ingest-tokens": async (c, admin) => {
    const b = await body(c);
    namedTerritory(admin, b["territory"]);
    await namedCommune(c, admin, b["commune"]);
  },
  "DELETE /v1/admin/ingest-tokens/:id": async (c, admin, p) => {
    const token = await findIngestToken(c.env.DB, Number(p["id"]));
    if (!token) return;
    const territory = token.territory ?? (token.commune === null ? null : await communeTerritory(c, token.commune));
    if (territory !== admin.territory) throw notFound("ingest token", p["id"] ?? "");
  },

  "GET /v1/admin/api-keys": HANDLER_FILTERS,
  "POST /v1/admin/api-keys": HANDLER_FILTERS,
  "DELETE /v1/admin/api-keys/:id": HANDLER_FILTERS,
  "GET /v1/admin/admin-keys": HANDLER_FILTERS,
  "POST /v1/admin/admin-keys": HANDLER_FILTERS,
  "DELETE /v1/admin/admin-keys/:id": HANDLER_FILTERS,
  "GET /v1/admin/audit": HANDLER_FILTERS,
  // The quantity catalogue is the same for every territory.
  "GET /v1/admin/quantities": HANDLER_FILTERS,
};

/** The route's parameters, by matching its pattern ("/v1/admin/devices/:devEui") against the path. */
function paramsOf(pattern: string, path: string): Params {
  const names = pattern.split("/");
  const values = path.split("/");
  const out: Params = {};
  names.forEach((n, i) => {
    if (n.startsWith(":") && values[i] !== undefined) out[n.slice(1)] = decodeURIComponent(values[i]!);
  });
  return out;
}

/** Mounted on /v1/admin after the admin key is verified; a platform-wide key passes untouched. */
export function territoryScope(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const admin = c.get("admin");
    if (admin.territory !== null) {
      const pattern = routePath(c, -1);
      const guard = GUARDS[`${c.req.method} ${pattern}`];
      if (!guard) {
        throw new AuthError(
          "forbidden",
          "TERRITORY_SCOPED_KEY",
          `this admin key administers territory ${admin.territory} only, and ${c.req.method} ${c.req.path} is for platform-wide admin keys`,
        );
      }
      await guard(c, admin, paramsOf(pattern, c.req.path));
    }
    await next();
  };
}
