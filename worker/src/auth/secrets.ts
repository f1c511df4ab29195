/**
 * Secrets: 32 random bytes, base64url, behind a prefix that says what they are. Only their SHA-256
 * is stored: with 256 bits of entropy a fast hash is enough (no password stretching needed), and
 * it lets the database index the lookup.
 */
export const SECRET_PREFIX = { admin: "cig_admin_", ingest: "cig_ingest_", read: "cig_read_" } as const;

export type CredentialKind = keyof typeof SECRET_PREFIX;

/** 32 bytes in unpadded base64url. */
const BODY_LENGTH = 43;
const WELL_FORMED = /^cig_(admin|ingest|read)_[A-Za-z0-9_-]{43}$/;

export function newSecret(kind: CredentialKind): { secret: string; prefix: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let b64 = btoa(String.fromCharCode(...bytes));
  b64 = b64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const secret = SECRET_PREFIX[kind] + b64;
  return { secret, prefix: secret.slice(0, SECRET_PREFIX[kind].length + 6) };
}

/**
 * What a presented secret is, from its form alone (no database read): a well-formed Cigale secret
 * of one kind; `legacy`, a secret without prefix (the documented dev credentials, or a token
 * inserted by hand), looked up only in development; or `malformed`, refused outright.
 */
export type SecretForm = { form: "kind"; kind: CredentialKind } | { form: "legacy" } | { form: "malformed" };

export function secretForm(secret: string): SecretForm {
  const m = WELL_FORMED.exec(secret);
  if (m) return { form: "kind", kind: m[1] as CredentialKind };
  // A prefixed secret of the wrong length is a typo or a guess, never a legacy token.
  if (secret.startsWith("cig_") || secret.length > 2 * BODY_LENGTH) return { form: "malformed" };
  return { form: "legacy" };
}

export async function sha256(secret: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
}

/** Constant-time equality of two hashes (the stored one and the presented one). */
export function sameHash(a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  const x = a instanceof Uint8Array ? a : new Uint8Array(a);
  const y = b instanceof Uint8Array ? b : new Uint8Array(b);
  return x.byteLength === y.byteLength && crypto.subtle.timingSafeEqual(x, y);
}

/**
 * The documented local credentials (`.dev.vars`, README). Anyone can read them, so they only
 * open a Worker whose CIGALE_ENV is "development", even if they ever reached a production database.
 */
const DEV_CREDENTIALS: ReadonlySet<string> = new Set(["dev-admin-key", "dev-ingest-token", "dev-read-key"]);

export function isDevCredential(secret: string): boolean {
  return DEV_CREDENTIALS.has(secret);
}
