/**
 * What `decode` and `export-chirpstack` work on: a Cigale profile (`--profile <id>`) or a
 * commercial-sensor codec (`--codec <id>`, The Things Network's codec id).
 */
import type { DecodeResult } from "../src/data.ts";
import { VENDOR_CODECS, vendorCodec } from "../src/vendors/catalog.ts";
import type { OptionSpecs, OptionValues } from "./command.ts";
import { UsageError } from "./errors.ts";
import { profileOption, PROFILE_IDS, stringOption } from "./inputs.ts";
import { loadCodec, loadVendorCodecs } from "./runtime.ts";

export const TARGET_OPTIONS: OptionSpecs = {
  profile: { type: "string", short: "p", value: "<id>", help: `sensor profile: ${PROFILE_IDS.join(", ")}` },
  codec: { type: "string", short: "c", value: "<id>", help: "commercial-sensor codec, The Things Network's id (elsys/ers-codec, …; see `list`)" },
};

export interface Decoder {
  /** What the payload is decoded as, for messages ("profile env"). */
  readonly label: string;
  /** The fPort downlinks go on, when the target has one. */
  readonly downlinkPort?: number;
  decodeUplink(fPort: number, bytes: Uint8Array, recvTime?: Date): DecodeResult<unknown> & { normalized?: unknown };
  /** Undefined when the target has no downlink format. */
  decodeDownlink?(fPort: number, bytes: Uint8Array): DecodeResult<unknown>;
}

/** `--codec`: a known vendor codec id (undefined without --codec); --profile and --codec exclude each other. */
function codecOption(values: OptionValues): string | undefined {
  const id = stringOption(values, "codec");
  if (id === undefined) return undefined;
  if (stringOption(values, "profile") !== undefined) throw new UsageError("give either --profile or --codec, not both");
  if (!vendorCodec(id)) throw new UsageError(`unknown codec "${id}"; codecs: ${VENDOR_CODECS.map((c) => c.id).join(", ")}`);
  return id;
}

export async function decoderFor(values: OptionValues): Promise<Decoder> {
  const vendorId = codecOption(values);
  if (vendorId !== undefined) {
    const info = vendorCodec(vendorId);
    const vendors = await loadVendorCodecs();
    return {
      label: `codec ${vendorId}`,
      ...(info?.downlinkPort !== undefined ? { downlinkPort: info.downlinkPort } : {}),
      decodeUplink: (fPort, bytes) => vendors.decodeUplink(vendorId, fPort, bytes),
      ...(info?.downlink ? { decodeDownlink: (fPort: number, bytes: Uint8Array) => vendors.decodeDownlink(vendorId, fPort, bytes) } : {}),
    };
  }
  const id = profileOption(values);
  const codec = await loadCodec();
  return {
    label: `profile ${id}`,
    decodeUplink: (fPort, bytes, recvTime) => codec.decodeUplink(id, fPort, bytes, recvTime ? { recvTime } : {}),
    decodeDownlink: (fPort, bytes) => codec.decodeDownlink(id, fPort, bytes),
  };
}

export interface ScriptSource {
  /** Default file name of the exported script. */
  readonly fileName: string;
  /** Writes the TS013 script to `outFile`; returns its size in bytes. */
  write(outFile: string): Promise<number>;
}

export async function scriptFor(values: OptionValues): Promise<ScriptSource> {
  const vendorId = codecOption(values);
  if (vendorId !== undefined) {
    const { buildVendorChirpstackScript } = await import("../scripts/vendor-build.ts");
    return { fileName: `${vendorId.replace("/", "-")}.js`, write: (outFile) => buildVendorChirpstackScript(vendorId, outFile) };
  }
  const id = profileOption(values);
  const { buildChirpstackScript } = await import("../scripts/chirpstack-script.ts");
  return { fileName: `${id}.js`, write: (outFile) => buildChirpstackScript(id, outFile) };
}
