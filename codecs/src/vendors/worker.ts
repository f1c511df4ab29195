/** Cloudflare Workers entry point: vendors.wasm imported as a module (no file access, no fetch). */
import wasm from "../../build/vendors.wasm";
import type { VendorCodecs } from "./codec.ts";
import { createVendorCodecs, vendorFunctions } from "./index.ts";

export * from "./index.ts";

/** The shared instance (the engine keeps no state between calls). */
export const vendorCodecs: VendorCodecs = createVendorCodecs(wasm);

export const { decodeVendorUplink, encodeVendorDownlink, decodeVendorDownlink } = vendorFunctions(vendorCodecs);
