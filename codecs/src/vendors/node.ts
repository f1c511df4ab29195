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
import { readBuiltWasm } from "../read-built-wasm.ts";
import type { VendorCodecs } from "./codec.ts";
import { createVendorCodecs, vendorFunctions } from "./index.ts";

export * from "./index.ts";

/** The shared instance (the engine keeps no state between calls). */
export const vendorCodecs: VendorCodecs = createVendorCodecs(readBuiltWasm(new URL("../../build/vendors.wasm", import.meta.url)));

export const { decodeVendorUplink, encodeVendorDownlink, decodeVendorDownlink } = vendorFunctions(vendorCodecs);
