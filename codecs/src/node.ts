/** Node.js entry point: the codec over build/codecs.wasm, ready to use. */
import { readFileSync } from "node:fs";
import { Codec } from "./codec.ts";
import { defaultLayouts } from "./default-layouts.ts";
import { instantiateEngine } from "./engine.ts";

export * from "./index.ts";

function loadBuilt(): Codec {
  const url = new URL("../build/codecs.wasm", import.meta.url);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(url));
  } catch {
    throw new Error(`codecs.wasm not found at ${url.pathname}: run \`npm run build\` first`);
  }
  return new Codec(instantiateEngine(new WebAssembly.Module(bytes)), defaultLayouts());
}

/** The shared codec instance (the engine keeps no state between calls). */
export const codec: Codec = loadBuilt();
