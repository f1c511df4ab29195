/**
 * Commercial-sensor decoders (Elsys, Milesight, Decentlab, Netvox, Bosch, IMBuildings, Adeunis,
 * Sensative, Dragino, TTN's reference wind sensor) in the same codec core as Cigale's own profiles:
 * AssemblyScript compiled to vendors.wasm, vendor-shaped output, Cigale-normalized measurements.
 * Platform entry points load the engine: `@cigale/codecs/vendors/node`, `…/vendors/worker`;
 * in browsers call `loadVendorCodecs(fetch(url))`.
 */
import { VendorCodecs } from "./codec.ts";
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
