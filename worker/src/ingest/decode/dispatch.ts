import { vendorCodec, vendorCodecs, vendorReadings } from "@cigale/codecs/vendors/worker";
import { codec, isProfileId, readingsOf } from "@cigale/codecs/worker";
import type { ReadingValue } from "./values.ts";

/** A value decoded from a frame, before it is mapped to storage. */
export interface DecodedReading {
  time: number;
  key: string;
  value: ReadingValue;
}

export type DecodeOutcome =
  | { ok: true; readings: DecodedReading[]; warnings: string[]; sampleInterval?: number | null }
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
      // A multi-sample frame's samples are `interval` apart: a resent one is the same sample within half of it.
      const interval = result.data.message === "measurement" && result.data.samples.length > 1 ? (result.data.interval ?? null) : null;
      return { ok: true, readings: readingsOf(result.data, time), warnings: result.warnings, sampleInterval: interval === null ? null : interval * 1000 };
    },
  };
}

/**
 * Commercial sensors: the vendor decoders of codecs/vendors (vendors.wasm), their output mapped
 * to Cigale quantities by the codecs' own normalizers. A codec id the registry accepts but the
 * codecs do not know yet keeps its raw uplinks and records "no decoder for codec X yet".
 */
function vendorDecoder(codecId: string): Decoder | null {
  if (!vendorCodec(codecId)) return null;
  return {
    decode(fPort, bytes, time) {
      const result = vendorCodecs.decodeUplink(codecId, fPort, bytes);
      if (result.data === undefined) {
        return { ok: false, code: result.issue?.code ?? "DECODE_FAILED", message: result.issue?.message ?? result.errors.join("; ") };
      }
      return { ok: true, readings: vendorReadings(result.normalized, time), warnings: [...result.errors, ...result.warnings] };
    },
  };
}

export type DecoderLookup = { decoder: Decoder } | { missing: { code: string; message: string } };

export function decoderFor(ref: DecoderRef): DecoderLookup {
  if (ref.profile !== null) {
    const decoder = profileDecoder(ref.profile);
    if (decoder) return { decoder };
    return { missing: { code: "UNKNOWN_PROFILE", message: `profile ${ref.profile} is unknown to this codec build: fix the device's profile, then re-decode` } };
  }
  if (ref.codec !== null) {
    const decoder = vendorDecoder(ref.codec);
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
