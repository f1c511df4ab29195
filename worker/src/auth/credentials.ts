import { type AdminKey, findActiveAdminKeyByHash } from "../store/admin-keys.ts";
import { findActiveIngestTokenByHash } from "../store/ingest-tokens.ts";
import { isStorageUnavailable } from "../store/errors.ts";
import type { Scope } from "../ingest/scope.ts";
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

// Keyed by the presented secret itself: a hit costs no hashing and no database read.
const ingestCache = new Map<string, Cached<Scope>>();
const adminCache = new Map<string, Cached<AdminKey>>();
const MAX_CACHED = 1000;

export function forgetCredentials(): void {
  ingestCache.clear();
  adminCache.clear();
}

async function cachedLookup<T>(cache: Map<string, Cached<T>>, secret: string, lookup: () => Promise<T | null>, now: number): Promise<T | null> {
  const hit = cache.get(secret);
  if (hit && now - hit.at < FRESH_MS) return hit.value;
  try {
    const value = await lookup();
    if (value === null) cache.delete(secret);
    else {
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(secret, { value, at: now });
    }
    return value;
  } catch (error) {
    if (hit && now - hit.at < STALE_MS && isStorageUnavailable(error)) return hit.value;
    throw error;
  }
}

function refuseDevCredential(secret: string, env: Env, what: string): void {
  if (isDevCredential(secret) && env.CIGALE_ENV !== "development") {
    throw new AuthError(
      "unauthenticated",
      "DEV_CREDENTIAL_REFUSED",
      `this is the documented local-development ${what}; it only works when CIGALE_ENV is "development" (npm run dev)`,
    );
  }
}

/** The scope of an ingest token, or a 401/403 that says what is wrong with it. */
export async function verifyIngestToken(env: Env, token: string, now: number): Promise<Scope> {
  refuseDevCredential(token, env, "ingest token");
  const scope = await cachedLookup(
    ingestCache,
    token,
    async () => {
      const hash = await sha256(token);
      const found = await findActiveIngestTokenByHash(env.DB, hash);
      if (!found || !sameHash(found.hash, hash)) return null;
      return { tokenId: found.id, territory: found.territory, commune: found.commune };
    },
    now,
  );
  if (scope) return scope;
  if (await findActiveAdminKeyByHash(env.DB, await sha256(token))) {
    throw new AuthError("forbidden", "WRONG_CREDENTIAL_KIND", "this is an admin key: network servers post with an ingest token (POST /v1/admin/ingest-tokens)");
  }
  throw new AuthError("unauthenticated", "INVALID_CREDENTIALS", "unknown or revoked ingest token: create one with POST /v1/admin/ingest-tokens");
}

export async function verifyAdminKey(env: Env, key: string, now: number): Promise<AdminKey> {
  refuseDevCredential(key, env, "admin key");
  const admin = await cachedLookup(
    adminCache,
    key,
    async () => {
      const hash = await sha256(key);
      const found = await findActiveAdminKeyByHash(env.DB, hash);
      if (!found || !sameHash(found.hash, hash)) return null;
      const { hash: _stored, ...record } = found;
      return record;
    },
    now,
  );
  if (admin) return admin;
  if (await findActiveIngestTokenByHash(env.DB, await sha256(key))) {
    throw new AuthError("forbidden", "WRONG_CREDENTIAL_KIND", "this is an ingest token: the admin API needs an admin key");
  }
  throw new AuthError("unauthenticated", "INVALID_CREDENTIALS", "unknown or revoked admin key");
}
