import { type AdminKey, findActiveAdminKeyByHash } from "../store/admin-keys.ts";
import { findActiveIngestTokenByHash } from "../store/ingest-tokens.ts";
import { isStorageUnavailable } from "../store/errors.ts";
import type { Scope } from "../ingest/scope.ts";
import { bytesToHex } from "../store/db.ts";
import { AuthError } from "./errors.ts";
import { isDevCredential, sameHash, sha256 } from "./secrets.ts";

/**
 * Verified credentials are remembered for FRESH_MS per isolate: ingest then costs no database
 * read for its token, and an isolate that knew a token before a D1 outage keeps accepting its
 * uplinks (into the spool) for up to STALE_MS. Revocation therefore takes up to FRESH_MS to reach
 * every isolate (the isolate that revokes forgets at once).
 */
const FRESH_MS = 30_000;
const STALE_MS = 60 * 60_000;

interface Cached<T> {
  value: T;
  at: number;
}

const ingestCache = new Map<string, Cached<Scope>>();
const adminCache = new Map<string, Cached<AdminKey>>();

export function forgetCredentials(): void {
  ingestCache.clear();
  adminCache.clear();
}

async function cachedLookup<T>(
  cache: Map<string, Cached<T>>,
  hash: Uint8Array,
  lookup: () => Promise<T | null>,
  now: number,
): Promise<T | null> {
  const key = bytesToHex(hash);
  const hit = cache.get(key);
  if (hit && now - hit.at < FRESH_MS) return hit.value;
  try {
    const value = await lookup();
    if (value === null) cache.delete(key);
    else cache.set(key, { value, at: now });
    return value;
  } catch (error) {
    if (hit && now - hit.at < STALE_MS && isStorageUnavailable(error)) return hit.value;
    throw error;
  }
}

function refuseDevCredential(hash: Uint8Array, env: Env, what: string): void {
  if (isDevCredential(hash) && env.CIGALE_ENV !== "development") {
    throw new AuthError(
      "unauthenticated",
      "DEV_CREDENTIAL_REFUSED",
      `this is the documented local-development ${what}; it only works when CIGALE_ENV is "development" (npm run dev)`,
    );
  }
}

/** The scope of an ingest token, or a 401/403 that says what is wrong with it. */
export async function verifyIngestToken(env: Env, token: string, now: number): Promise<Scope> {
  const hash = await sha256(token);
  refuseDevCredential(hash, env, "ingest token");
  const scope = await cachedLookup(
    ingestCache,
    hash,
    async () => {
      const found = await findActiveIngestTokenByHash(env.DB, hash);
      if (!found || !sameHash(found.hash, hash)) return null;
      return { tokenId: found.id, territory: found.territory, commune: found.commune };
    },
    now,
  );
  if (scope) return scope;
  if (await findActiveAdminKeyByHash(env.DB, hash)) {
    throw new AuthError("forbidden", "WRONG_CREDENTIAL_KIND", "this is an admin key: network servers post with an ingest token (POST /v1/admin/ingest-tokens)");
  }
  throw new AuthError("unauthenticated", "INVALID_CREDENTIALS", "unknown or revoked ingest token: create one with POST /v1/admin/ingest-tokens");
}

export async function verifyAdminKey(env: Env, key: string, now: number): Promise<AdminKey> {
  const hash = await sha256(key);
  refuseDevCredential(hash, env, "admin key");
  const admin = await cachedLookup(
    adminCache,
    hash,
    async () => {
      const found = await findActiveAdminKeyByHash(env.DB, hash);
      if (!found || !sameHash(found.hash, hash)) return null;
      const { hash: _stored, ...key } = found;
      return key;
    },
    now,
  );
  if (admin) return admin;
  if (await findActiveIngestTokenByHash(env.DB, hash)) {
    throw new AuthError("forbidden", "WRONG_CREDENTIAL_KIND", "this is an ingest token: the admin API needs an admin key");
  }
  throw new AuthError("unauthenticated", "INVALID_CREDENTIALS", "unknown or revoked admin key");
}
