/**
 * Node.js entry point: the vendor decoders over build/vendors.wasm, ready to use.
 *
 * @example
 * ```ts
 * import { decodeVendorUplink } from "@cigale/codecs/vendors/node";
 * decodeVendorUplink("example/windsensor-codec", 1, [0x00, 0x20]);
 * // { data: { direction: "N", speed: 32 }, errors: [], warnings: [], normalized: [{ wind: { speed: 16.4608, direction: 0 } }] }
 * ```
 */
import { readFileSync } from "node:fs";
import { type VendorCodecs, type VendorDecodeOptions, type VendorDecodedDownlink, type VendorDownlinkResult, type VendorUplinkResult } from "./codec.ts";
import { createVendorCodecs } from "./index.ts";

export * from "./index.ts";

function loadBuilt(): VendorCodecs {
  const url = new URL("../../build/vendors.wasm", import.meta.url);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(url));
  } catch {
    throw new Error(`vendors.wasm not found at ${url.pathname}: run \`npm run build\` first`);
  }
  return createVendorCodecs(new WebAssembly.Module(bytes));
}

/** The shared instance (the engine keeps no state between calls). */
export const vendorCodecs: VendorCodecs = loadBuilt();

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
