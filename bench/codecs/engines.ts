/** The codec over each engine build: the WebAssembly module and its wasm2js translation. */
import { pathToFileURL } from "node:url";
import { Codec } from "../../codecs/src/codec.ts";
import { defaultLayouts } from "../../codecs/src/default-layouts.ts";
import { asEngine } from "../../codecs/src/engine.ts";

export const BUILD = new URL("../../codecs/build/", import.meta.url);

export async function wasmCodec(): Promise<Codec> {
  return (await import("../../codecs/src/node.ts")).codec;
}

/** codecs.wasm2js.js as an ES module (what the ChirpStack scripts embed), driven by the same runtime. */
export async function wasm2jsCodec(): Promise<Codec> {
  const mod = (await import(pathToFileURL(new URL("codecs.wasm2js.js", BUILD).pathname).href)) as Record<string, unknown>;
  return new Codec(asEngine(mod), defaultLayouts());
}
