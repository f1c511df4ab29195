/** Cloudflare Workers entry point: codecs.wasm imported as a module (no file access, no fetch). */
import wasm from "../build/codecs.wasm";
import { Codec } from "./codec.ts";
import { defaultLayouts } from "./default-layouts.ts";
import { instantiateEngine } from "./engine.ts";

export * from "./index.ts";

/** The shared codec instance (the engine keeps no state between calls). */
export const codec: Codec = new Codec(instantiateEngine(wasm), defaultLayouts());
