/**
 * The three builds of the one codec engine that tests compare: the WebAssembly module
 * (codecs/build/codecs.wasm, via codecs/src/node.ts), its wasm2js translation driven by the same
 * TypeScript runtime, and the per-profile ChirpStack scripts run in QuickJS-NG. `npm run build`
 * produces all three.
 */
import { readFileSync } from "node:fs";
import { Codec } from "../../codecs/src/codec.ts";
import { defaultLayouts } from "../../codecs/src/default-layouts.ts";
import { asEngine } from "../../codecs/src/engine.ts";

export { codec as wasmCodec } from "../../codecs/src/node.ts";

const BUILD = new URL("../../codecs/build/", import.meta.url);

/** The wasm2js ES module (no WebAssembly) behind the TypeScript runtime. */
export const wasm2jsCodec: Codec = new Codec(
  asEngine((await import(new URL("codecs.wasm2js.js", BUILD).href)) as Record<string, unknown>),
  defaultLayouts(),
);

/** Source of the self-contained ChirpStack / The Things Stack script of a profile. */
export function chirpstackScript(profile: string): string {
  return readFileSync(new URL(`chirpstack/${profile}.js`, BUILD), "utf8");
}
