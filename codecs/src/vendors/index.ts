/**
 * Commercial-sensor decoders (Elsys, Milesight, Decentlab, Netvox, Bosch, IMBuildings, Adeunis,
 * Sensative, Dragino, TTN's reference wind sensor) in the same codec core as Cigale's own profiles:
 * AssemblyScript compiled to vendors.wasm, vendor-shaped output, Cigale-normalized measurements.
 * Platform entry points load the engine: `@cigale/codecs/vendors/node`, `…/vendors/worker`;
 * in browsers call `loadVendorCodecs(fetch(url))`.
 */
import { VendorCodecs, type VendorDecodedDownlink, type VendorDecodeOptions, type VendorDownlinkResult, type VendorUplinkResult } from "./codec.ts";
import { asVendorEngine } from "./engine.ts";

export { VENDOR_CODECS, VENDOR_FAMILIES, listVendorCodecs, vendorCodec, type VendorCodecInfo, type VendorFamily } from "./catalog.ts";
export {
  VendorCodecs,
  vendorReadings,
  type VendorDecodeOptions,
  type VendorDecodedDownlink,
  type VendorDownlinkResult,
  type VendorUplinkResult,
} from "./codec.ts";
export { asVendorEngine, VendorMachine, type VendorEngineExports, type VendorIssue, type VendorIssueCode } from "./engine.ts";
export { NORMALIZERS, type NormalizeContext, type Normalizer, type VendorMeasurement } from "./normalize.ts";
export { ttnOnly, vendorTs013, type VendorTs013 } from "./ts013.ts";

/** The three TS013-style functions of the issue's API, bound to one engine instance. */
export function vendorFunctions(codecs: VendorCodecs) {
  return {
    /** Decodes an uplink of a commercial sensor: vendor-shaped `data`, and `normalized` measurements. */
    decodeVendorUplink(codecId: string, fPort: number, bytes: ArrayLike<number>, options?: VendorDecodeOptions): VendorUplinkResult {
      return codecs.decodeUplink(codecId, fPort, bytes, options);
    },
    /** Encodes a downlink from the vendor's JSON shape (Decentlab, Netvox, wind sensor). */
    encodeVendorDownlink(codecId: string, data: unknown): VendorDownlinkResult {
      return codecs.encodeDownlink(codecId, data);
    },
    /** Decodes a downlink back to the vendor's JSON shape (the inverse of encodeVendorDownlink). */
    decodeVendorDownlink(codecId: string, fPort: number, bytes: ArrayLike<number>): VendorDecodedDownlink {
      return codecs.decodeDownlink(codecId, fPort, bytes);
    },
  };
}

/** Vendor codecs over a compiled vendors.wasm module (synchronous: Workers, Node). */
export function createVendorCodecs(module: WebAssembly.Module): VendorCodecs {
  return new VendorCodecs(asVendorEngine(new WebAssembly.Instance(module, {}).exports as Record<string, unknown>));
}

/** Vendor codecs from vendors.wasm bytes or a fetch of it. */
export async function loadVendorCodecs(source: BufferSource | Response | PromiseLike<Response>): Promise<VendorCodecs> {
  const resolved = await source;
  const bytes = resolved instanceof Response ? await resolved.arrayBuffer() : resolved;
  // The bytes overload, typed here because @cloudflare/workers-types (the worker's typecheck, which
  // reaches this file through vendors/worker.ts) only declares instantiate(module).
  const instantiateBytes = WebAssembly.instantiate as unknown as (bytes: BufferSource, imports: object) => Promise<{ instance: WebAssembly.Instance }>;
  const { instance } = await instantiateBytes(bytes, {});
  return new VendorCodecs(asVendorEngine(instance.exports as Record<string, unknown>));
}
