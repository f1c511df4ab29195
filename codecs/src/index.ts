/**
 * @cigale/codecs — the Cigale frame codecs for every sensor profile, driven by the one compiled
 * engine (codecs.wasm). Platform entry points load the engine for you:
 * `@cigale/codecs/node`, `@cigale/codecs/worker`; in browsers call `loadCodec(fetch(url))`.
 */
import { Codec } from "./codec.ts";
import { defaultLayouts } from "./default-layouts.ts";
import { instantiateEngine, instantiateEngineAsync } from "./engine.ts";

export { Codec, type DecodeOptions, type Frame } from "./codec.ts";
export * from "./data.ts";
export { asEngine, type EngineExports, instantiateEngine, instantiateEngineAsync } from "./engine.ts";
export { describeProfile, type ProfileDescription } from "./describe.ts";
export { EU868_DATA_RATES, EU868_MAX_PAYLOAD, timeOnAirMs } from "./lorawan.ts";
export { readingsOf, type Reading } from "./readings.ts";
export { ts013, type Ts013Codec } from "./ts013.ts";
export { defaultLayouts, TTN_KEYS } from "./default-layouts.ts";
export { Layouts } from "./layouts.ts";
export type * from "./types.generated.ts";
export { PROFILES, QUANTITIES, COMMANDS, isProfileId, profile, quantity } from "../profiles/index.ts";

/** A codec over a compiled codecs.wasm module (synchronous: Workers, Node). */
export function createCodec(module: WebAssembly.Module): Codec {
  return new Codec(instantiateEngine(module), defaultLayouts());
}

/** A codec from codecs.wasm bytes or a fetch of it (browsers compile large modules asynchronously). */
export async function loadCodec(source: BufferSource | Response | PromiseLike<Response>): Promise<Codec> {
  return new Codec(await instantiateEngineAsync(source), defaultLayouts());
}
