import { type AdminKey, findActiveAdminKeyByHash } from "../store/admin-keys.ts";
import { type ApiKey, findActiveApiKeyByHash } from "../store/api-keys.ts";
import { isStorageUnavailable } from "../store/errors.ts";
import { findActiveIngestTokenByHash } from "../store/ingest-tokens.ts";
import type { Scope } from "../ingest/scope.ts";
import { AuthError } from "./errors.ts";
import { countFailure, refuseBlockedClient } from "./failures.ts";
import { type CredentialKind, isDevCredential, sameHash, secretForm, sha256 } from "./secrets.ts";
import { TtlCache } from "./ttl-cache.ts";

/**
 * Verified credentials are remembered for FRESH_MS per isolate: ingest then costs no database
 * read for its token, and an isolate that knew a token before a D1 outage keeps accepting its
 * uplinks (into the spool) for up to STALE_MS. Revocation therefore takes up to FRESH_MS to reach
 * every isolate (the isolate that revokes forgets at once).
 *
 * Unknown secrets are remembered for UNKNOWN_MS, so that a client repeating a wrong secret costs
 * one D1 read per isolate and window, not one per request. A secret is random: one that was
 * unknown a moment ago is not about to be created.
 */
const FRESH_MS = 30_000;
const STALE_MS = 60 * 60_000;
const UNKNOWN_MS = 30_000;
const MAX_CACHED = 1000;
const MAX_UNKNOWN = 10_000;

// Keyed by the presented secret itself: a hit costs no hashing and no database read.
const ingestCache = new TtlCache<Scope>(MAX_CACHED);
const adminCache = new TtlCache<AdminKey>(MAX_CACHED);
const readCache = new TtlCache<ApiKey>(MAX_CACHED);
const unknown = new TtlCache<true>(MAX_UNKNOWN);

/** Forgets every remembered credential (after a revocation, in this isolate). */
export function forgetCredentials(): void {
  ingestCache.clear();
  adminCache.clear();
  readCache.clear();
  unknown.clear();
}

const NAMES: Record<CredentialKind, string> = { ingest: "ingest token", admin: "admin key", read: "read key" };
const WHERE_FROM: Record<CredentialKind, string> = {
  ingest: "network servers post with an ingest token (POST /v1/admin/ingest-tokens)",
  admin: "the admin API needs an admin key",
  read: "the public API takes a read key (POST /v1/admin/api-keys), or no key for public data",
};

/** Where a credential is presented from: the client to count failures against (null: not limited). */
export interface Presented {
  secret: string;
  client: string | null;
}

/**
 * The steps every credential goes through, cheapest first: its form (prefix and length, no read),
 * this isolate's memory of it, the client's failure count, then D1 (by SHA-256, compared in
 * constant time). Unprefixed secrets are only looked up in development (see worker/README.md).
 */
async function verify<T>(
  env: Env,
  kind: CredentialKind,
  presented: Presented,
  cache: TtlCache<T>,
  lookup: (hash: Uint8Array) => Promise<T | null>,
  now: number,
): Promise<T> {
  const { secret, client } = presented;
  const form = secretForm(secret);
  if (form.form === "kind" && form.kind !== kind) {
    throw new AuthError("forbidden", "WRONG_CREDENTIAL_KIND", `this is ${article(NAMES[form.kind])}: ${WHERE_FROM[kind]}`);
  }
  if (form.form === "legacy" && env.CIGALE_ENV !== "development") {
    if (isDevCredential(secret)) {
      throw new AuthError(
        "unauthenticated",
        "DEV_CREDENTIAL_REFUSED",
        `this is the documented local-development ${NAMES[kind]}; it only works when CIGALE_ENV is "development" (npm run dev)`,
      );
    }
    throw malformed(kind);
  }
  if (form.form === "malformed") throw malformed(kind);

  const hit = cache.get(secret, now, FRESH_MS);
  if (hit) return hit.value;
  refuseBlockedClient(client, now);
  const unknownKey = `${kind}:${secret}`;
  if (unknown.get(unknownKey, now, UNKNOWN_MS)) return refuse(env, kind, client, now);

  let value: T | null;
  try {
    value = await lookup(await sha256(secret));
  } catch (error) {
    const stale = cache.get(secret, now, STALE_MS);
    if (stale && isStorageUnavailable(error)) return stale.value;
    throw error;
  }
  if (value === null) {
    cache.delete(secret);
    unknown.set(unknownKey, true, now);
    return refuse(env, kind, client, now);
  }
  cache.set(secret, value, now);
  return value;
}

const article = (name: string) => (/^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`);

function malformed(kind: CredentialKind): AuthError {
  return new AuthError("unauthenticated", "MALFORMED_CREDENTIALS", `this is not ${article(NAMES[kind])}: Cigale ${NAMES[kind]}s are "cig_${kind}_" followed by 43 characters`);
}

async function refuse(env: Env, kind: CredentialKind, client: string | null, now: number): Promise<never> {
  await countFailure(env, client, now);
  throw new AuthError("unauthenticated", "INVALID_CREDENTIALS", `unknown or revoked ${NAMES[kind]}`);
}

/** The scope of an ingest token, or a 401/403/429 that says what is wrong with it. */
export async function verifyIngestToken(env: Env, presented: Presented, now: number): Promise<Scope> {
  return verify(
    env,
    "ingest",
    presented,
    ingestCache,
    async (hash) => {
      const found = await findActiveIngestTokenByHash(env.DB, hash);
      if (!found || !sameHash(found.hash, hash)) return null;
      return { tokenId: found.id, territory: found.territory, commune: found.commune };
    },
    now,
  );
}

export async function verifyAdminKey(env: Env, presented: Presented, now: number): Promise<AdminKey> {
  return verify(
    env,
    "admin",
    presented,
    adminCache,
    async (hash) => {
      const found = await findActiveAdminKeyByHash(env.DB, hash);
      if (!found || !sameHash(found.hash, hash)) return null;
      const { hash: _stored, ...record } = found;
      return record;
    },
    now,
  );
}

export async function verifyReadKey(env: Env, presented: Presented, now: number): Promise<ApiKey> {
  return verify(
    env,
    "read",
    presented,
    readCache,
    async (hash) => {
      const found = await findActiveApiKeyByHash(env.DB, hash);
      if (!found || !sameHash(found.hash, hash)) return null;
      const { hash: _stored, ...record } = found;
      return record;
    },
    now,
  );
}
