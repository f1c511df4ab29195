/** Wire formats shared by the ChirpStack and The Things Stack parsers. */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * RFC 3339 timestamp → epoch ms. ChirpStack writes nanoseconds and `+00:00`, The Things Stack
 * nanoseconds and `Z`; digits past the millisecond are dropped. Anything else is refused rather
 * than guessed (Date.parse would read "March 7").
 */
export function parseTimestamp(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const fraction = m[7] ? m[7].slice(0, 4).padEnd(4, "0") : "";
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${fraction}${m[8]!.toUpperCase()}`);
  return Number.isNaN(ms) ? null : ms;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Canonical (padded, standard alphabet) base64 of a proto3-JSON bytes field, or null if it is
 * not base64. proto3 JSON allows the standard and the URL-safe alphabet, padded or not.
 */
export function canonicalBase64(text: string): string | null {
  let s = text;
  if (!BASE64.test(s)) {
    if (!BASE64URL.test(s) || s.length % 4 === 1) return null;
    s = s.replaceAll("-", "+").replaceAll("_", "/");
  }
  const rest = s.replace(/=+$/, "");
  if (rest.length % 4 === 1) return null;
  return rest + "=".repeat((4 - (rest.length % 4)) % 4);
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** A UUID (ChirpStack deduplicationId) → 32 hex digits, or null if it is not one. */
export function uuidToHex(uuid: string): string | null {
  const hex = uuid.replaceAll("-", "").toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) && /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(uuid) ? hex : null;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID (26 Crockford base32 characters, 128 bits) → 32 hex digits, or null. */
export function ulidToHex(ulid: string): string | null {
  if (!/^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/.test(ulid)) return null;
  let value = 0n;
  for (const ch of ulid.toUpperCase()) value = (value << 5n) | BigInt(CROCKFORD.indexOf(ch));
  return value.toString(16).padStart(32, "0");
}
