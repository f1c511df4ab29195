import { codec, isProfileId, readingsOf } from "../../../../codecs/src/worker.ts";
import type { ReadingValue } from "./values.ts";

/** A value decoded from a frame, before it is mapped to storage. */
export interface DecodedReading {
  time: number;
  key: string;
  value: ReadingValue;
}

export type DecodeOutcome =
  | { ok: true; readings: DecodedReading[]; warnings: string[] }
  | { ok: false; code: string; message: string };

/**
 * A payload decoder for one kind of device: own profile or commercial codec. It never throws on
 * bad bytes; it says what went wrong.
 */
export interface Decoder {
  decode(fPort: number, bytes: Uint8Array, time: number): DecodeOutcome;
}

/** How a registered device is decoded: its own profile, or a commercial codec id. */
export interface DecoderRef {
  profile: string | null;
  codec: string | null;
}

/** Own Cigale profiles: the shared WASM codec, readings flattened by the codecs' readingsOf. */
function profileDecoder(profileId: string): Decoder | null {
  if (!isProfileId(profileId)) return null;
  return {
    decode(fPort, bytes, time) {
      const result = codec.decodeUplink(profileId, fPort, bytes, { recvTime: new Date(time) });
      if (!result.data) {
        return { ok: false, code: result.issue?.code ?? "DECODE_FAILED", message: result.issue?.message ?? result.errors.join("; ") };
      }
      return { ok: true, readings: readingsOf(result.data, time), warnings: result.warnings };
    },
  };
}

/**
 * Commercial-sensor decoders by codec id ("elsys/ers", "milesight/em300-th"). The vendor
 * decoders (codecs/vendors/, issue 4) plug in here, one entry per codec id; until then a device
 * registered with a codec id keeps its raw uplinks and records "no decoder for codec X yet".
 */
const VENDOR_DECODERS: ReadonlyMap<string, Decoder> = new Map();

export type DecoderLookup = { decoder: Decoder } | { missing: { code: string; message: string } };

export function decoderFor(ref: DecoderRef): DecoderLookup {
  if (ref.profile !== null) {
    const decoder = profileDecoder(ref.profile);
    if (decoder) return { decoder };
    return { missing: { code: "UNKNOWN_PROFILE", message: `profile ${ref.profile} is unknown to this codec build: fix the device's profile, then re-decode` } };
  }
  if (ref.codec !== null) {
    const decoder = VENDOR_DECODERS.get(ref.codec);
    if (decoder) return { decoder };
    return { missing: { code: "NO_DECODER", message: `no decoder for codec ${ref.codec} yet: the raw uplink is kept and can be re-decoded once it exists` } };
  }
  return { missing: { code: "NO_DECODER", message: "device has neither a profile nor a codec" } };
}

/** Decodes with the device's decoder; a decoder that throws is reported, never propagated. */
export function decodePayload(ref: DecoderRef, fPort: number, bytes: Uint8Array, time: number): DecodeOutcome {
  const lookup = decoderFor(ref);
  if ("missing" in lookup) return { ok: false, ...lookup.missing };
  try {
    return lookup.decoder.decode(fPort, bytes, time);
  } catch (error) {
    return { ok: false, code: "DECODER_CRASHED", message: `decoder failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Whether a codec id is known (registry validation warns about, but accepts, ids not yet implemented). */
export function hasVendorDecoder(codecId: string): boolean {
  return VENDOR_DECODERS.has(codecId);
}
