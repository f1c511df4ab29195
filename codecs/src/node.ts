/** Node.js entry point: the codec over build/codecs.wasm, ready to use. */
import { Codec } from "./codec.ts";
import { defaultLayouts } from "./default-layouts.ts";
import { instantiateEngine } from "./engine.ts";
import { readBuiltWasm } from "./read-built-wasm.ts";

export * from "./index.ts";

/** The shared codec instance (the engine keeps no state between calls). */
export const codec: Codec = new Codec(instantiateEngine(readBuiltWasm(new URL("../build/codecs.wasm", import.meta.url))), defaultLayouts());
