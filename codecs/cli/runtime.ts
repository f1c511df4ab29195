/** Loads the compiled codec lazily, so `--help`, `list` and `describe` work before `npm run build`. */
import type { Codec } from "../src/codec.ts";
import type { VendorCodecs } from "../src/vendors/codec.ts";
import { ToolError } from "./errors.ts";

let loaded: Promise<Codec> | undefined;

export function loadCodec(): Promise<Codec> {
  loaded ??= import("../src/node.ts").then(
    (m) => m.codec,
    (e: unknown) => {
      throw new ToolError(`cannot load the codec engine: ${(e as Error).message}`);
    },
  );
  return loaded;
}

let vendorsLoaded: Promise<VendorCodecs> | undefined;

/** The commercial-sensor decoders (build/vendors.wasm), loaded on first use. */
export function loadVendorCodecs(): Promise<VendorCodecs> {
  vendorsLoaded ??= import("../src/vendors/node.ts").then(
    (m) => m.vendorCodecs,
    (e: unknown) => {
      throw new ToolError(`cannot load the vendor decoders: ${(e as Error).message}`);
    },
  );
  return vendorsLoaded;
}
