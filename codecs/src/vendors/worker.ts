/** Cloudflare Workers entry point: vendors.wasm imported as a module (no file access, no fetch). */
import wasm from "../../build/vendors.wasm";
import type { VendorCodecs, VendorDecodeOptions, VendorDecodedDownlink, VendorDownlinkResult, VendorUplinkResult } from "./codec.ts";
import { createVendorCodecs } from "./index.ts";

export * from "./index.ts";

/** The shared instance (the engine keeps no state between calls). */
export const vendorCodecs: VendorCodecs = createVendorCodecs(wasm);

/** Decodes an uplink of a commercial sensor: vendor-shaped `data`, and `normalized` measurements. */
export function decodeVendorUplink(codecId: string, fPort: number, bytes: ArrayLike<number>, options?: VendorDecodeOptions): VendorUplinkResult {
  return vendorCodecs.decodeUplink(codecId, fPort, bytes, options);
}

/** Encodes a downlink from the vendor's JSON shape (Decentlab, Netvox, wind sensor). */
export function encodeVendorDownlink(codecId: string, data: unknown): VendorDownlinkResult {
  return vendorCodecs.encodeDownlink(codecId, data);
}

/** Decodes a downlink back to the vendor's JSON shape (the inverse of encodeVendorDownlink). */
export function decodeVendorDownlink(codecId: string, fPort: number, bytes: ArrayLike<number>): VendorDecodedDownlink {
  return vendorCodecs.decodeDownlink(codecId, fPort, bytes);
}
