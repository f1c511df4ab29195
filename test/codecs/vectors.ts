/**
 * The golden vectors of the Cigale frame format: `test/codecs/vectors/<profile>.json`, one file per
 * profile, hex ↔ JSON. They are data, checked in; the WASM codec, its wasm2js translation, the
 * ChirpStack scripts and the bench baseline all answer to them (see conformance.ts).
 *
 * A file holds four lists:
 * - `uplinks`: `{name, fPort, hex, data, warnings?, encode?}`. Decoding `hex` on `fPort` gives
 *   `data`; encoding `data` gives `hex` back, unless `encode` is `false` (a frame the encoder would
 *   not write, such as one with a trailing byte).
 * - `downlinks`: `{name, hex, data}` config commands on fPort 10, both directions.
 * - `decodeErrors`: `{name, direction?, fPort, hex, code, field?}` frames that must not decode;
 *   `code` is the CodecIssue code (codecs/src/messages.ts), `direction` "downlink" for commands.
 * - `encodeErrors`: `{name, direction?, input, code, field?}` inputs the encoder must refuse.
 *
 * `data` is exactly what `Codec.decodeUplink` returns in `data` without a receive time (no `time`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { PROFILES } from "../../codecs/profiles/index.ts";

export interface UplinkVector {
  name: string;
  fPort: number;
  hex: string;
  data: Record<string, unknown>;
  warnings?: string[];
  /** false: decode-only (the encoder writes this data differently). */
  encode?: false;
}

export interface DownlinkVector {
  name: string;
  hex: string;
  data: Record<string, unknown>;
}

export interface DecodeErrorVector {
  name: string;
  direction?: "downlink";
  fPort: number;
  hex: string;
  code: string;
  field?: string;
}

export interface EncodeErrorVector {
  name: string;
  direction?: "downlink";
  input: Record<string, unknown>;
  code: string;
  field?: string;
}

export interface ProfileVectors {
  profile: string;
  uplinks: UplinkVector[];
  downlinks: DownlinkVector[];
  decodeErrors: DecodeErrorVector[];
  encodeErrors: EncodeErrorVector[];
}

/** Downlink config commands and their acks travel on this fPort. */
export const CONFIG_PORT = 10;

const DIR = new URL("./vectors/", import.meta.url);

let cache: ProfileVectors[] | undefined;

/** Every profile's vectors, in profile code order; throws on a malformed or missing file. */
export function loadVectors(): ProfileVectors[] {
  cache ??= PROFILES.map((p) => readProfile(p.id));
  return cache;
}

/** The vectors of one profile. */
export function vectorsOf(profile: string): ProfileVectors {
  const found = loadVectors().find((v) => v.profile === profile);
  if (!found) throw new Error(`no golden vectors for profile ${profile}`);
  return found;
}

/** The uplink vector named `name` of `profile` (derivations and docs point at vectors by name). */
export function uplinkVector(profile: string, name: string): UplinkVector {
  const v = vectorsOf(profile).uplinks.find((u) => u.name === name);
  if (!v) throw new Error(`${profile}: no uplink vector named "${name}"`);
  return v;
}

export function downlinkVector(profile: string, name: string): DownlinkVector {
  const v = vectorsOf(profile).downlinks.find((u) => u.name === name);
  if (!v) throw new Error(`${profile}: no downlink vector named "${name}"`);
  return v;
}

/** Bytes of a hex string; spaces are allowed between bytes. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`not a hex byte string: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lowercase hex of bytes, no separators. */
export function toHex(bytes: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] as number).toString(16).padStart(2, "0");
  return s;
}

function readProfile(id: string): ProfileVectors {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));
  const file = `${id}.json`;
  if (!files.includes(file)) throw new Error(`test/codecs/vectors/${file} is missing: every profile needs golden vectors`);
  const v = JSON.parse(readFileSync(new URL(file, DIR), "utf8")) as ProfileVectors;
  if (v.profile !== id) throw new Error(`${file} declares profile ${v.profile}`);
  const names = [...v.uplinks, ...v.downlinks, ...v.decodeErrors, ...v.encodeErrors].map((x) => x.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`${file}: two vectors named "${dup}"`);
  for (const x of [...v.uplinks, ...v.downlinks, ...v.decodeErrors]) fromHex(x.hex);
  return v;
}
