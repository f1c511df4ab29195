import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { newSecret, sha256 } from "../../../worker/src/auth/secrets.ts";
import { insertAdminKey } from "../../../worker/src/store/admin-keys.ts";
import { call } from "./http.ts";

/**
 * A registry to test against: the metropolis (territory amp: Aix 13001, Marseille 13055) and a
 * second territory (tpm: Toulon 83137) for scope tests. The first admin key is written straight
 * to D1 (as worker/scripts does); everything else goes through the admin API.
 */
export async function bootstrapAdmin(): Promise<string> {
  const { secret, prefix } = newSecret("admin");
  await insertAdminKey(env.DB, { name: "test bootstrap", hash: await sha256(secret), prefix }, Date.now());
  return secret;
}

async function ok(method: string, path: string, token: string, json: unknown): Promise<Record<string, unknown>> {
  const r = await call(method, path, { token, json });
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}

export interface Registry {
  admin: string;
  /** Scoped to territory amp. */
  ingest: string;
  /** Scoped to commune 13001 only. */
  aixOnly: string;
  /** Scoped to territory tpm. */
  toulon: string;
}

export async function setUpRegistry(): Promise<Registry> {
  const admin = await bootstrapAdmin();
  await ok("POST", "/v1/admin/territories", admin, { code: "amp", name: "Métropole Aix-Marseille-Provence" });
  await ok("POST", "/v1/admin/territories", admin, { code: "tpm", name: "Toulon Provence Méditerranée" });
  await ok("POST", "/v1/admin/communes", admin, { insee: "13001", name: "Aix-en-Provence", territory: "amp" });
  await ok("POST", "/v1/admin/communes", admin, { insee: "13055", name: "Marseille", territory: "amp" });
  await ok("POST", "/v1/admin/communes", admin, { insee: "83137", name: "Toulon", territory: "tpm" });
  const ingest = (await ok("POST", "/v1/admin/ingest-tokens", admin, { name: "chirpstack amp", territory: "amp" }))["token"] as string;
  const aixOnly = (await ok("POST", "/v1/admin/ingest-tokens", admin, { name: "aix only", commune: "13001" }))["token"] as string;
  const toulon = (await ok("POST", "/v1/admin/ingest-tokens", admin, { name: "toulon", territory: "tpm" }))["token"] as string;
  return { admin, ingest, aixOnly, toulon };
}

export async function registerDevice(admin: string, devEui: string, fields: Record<string, unknown> = {}): Promise<void> {
  await ok("POST", "/v1/admin/devices", admin, { devEui, name: `device ${devEui}`, commune: "13001", profile: "env", latitude: 43.5297, longitude: 5.4474, public: true, ...fields });
}

/**
 * A device registered, before registration checked codec ids against the vendor catalog, with a
 * codec id the catalog does not have: its uplinks are kept raw ("no decoder for codec X yet").
 * The API refuses such an id now, so the row is made through it with a catalog codec and then
 * given the unknown id in D1, as an old database holds it.
 */
export async function registerLegacyCodecDevice(admin: string, devEui: string, codec: string, fields: Record<string, unknown> = {}): Promise<void> {
  await registerDevice(admin, devEui, { ...fields, profile: null, codec: "elsys/ers-codec" });
  await env.DB.prepare("UPDATE devices SET codec = ?2 WHERE dev_eui = ?1").bind(devEui, codec).run();
}
