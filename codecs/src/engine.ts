/**
 * The contract between the TypeScript runtime and the compiled engine. Both the WebAssembly
 * instance and the wasm2js script (ChirpStack, The Things Stack) expose these exports, so one
 * runtime drives either.
 */
export interface EngineExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  decode(profile: number, port: number, length: number, downlink: number): number;
  encode(profile: number, kind: number, sub: number, count: number, interval: number, command: number, age: number): number;
  fitSamples(profile: number, count: number, interval: number, maxBytes: number, age: number): number;
  frameInPtr(): number;
  frameOutPtr(): number;
  valuesPtr(): number;
  resultLayout(): number;
  resultVersion(): number;
  resultCount(): number;
  resultInterval(): number;
  /** Age in seconds of a delayed measurement's newest sample, −1 for a plain frame. */
  resultAge(): number;
  resultCommand(): number;
  resultWarnings(): number;
  resultTrailingBytes(): number;
  errorField(): number;
  errorSample(): number;
  errorDetail(): number;
}

const EXPORT_NAMES = [
  "decode", "encode", "fitSamples", "frameInPtr", "frameOutPtr", "valuesPtr", "resultLayout", "resultVersion",
  "resultCount", "resultInterval", "resultAge", "resultCommand", "resultWarnings", "resultTrailingBytes", "errorField",
  "errorSample", "errorDetail",
] as const;

/** Checks that an instance really is the Cigale engine before trusting its exports. */
export function asEngine(exports: Record<string, unknown>): EngineExports {
  const missing = EXPORT_NAMES.filter((name) => typeof exports[name] !== "function");
  const memory = exports["memory"] as { buffer?: unknown } | undefined;
  if (missing.length > 0 || !memory || !(memory.buffer instanceof ArrayBuffer)) {
    throw new Error(`not a Cigale codec engine: missing ${missing.length ? missing.join(", ") : "memory"}; rebuild with \`npm run build\``);
  }
  return exports as unknown as EngineExports;
}

/** Instantiates codecs.wasm synchronously from a compiled module (Workers, Node). */
export function instantiateEngine(module: WebAssembly.Module): EngineExports {
  return asEngine(new WebAssembly.Instance(module, {}).exports as Record<string, unknown>);
}

/** Instantiates codecs.wasm from its bytes or a fetch response (browsers compile asynchronously). */
export async function instantiateEngineAsync(source: BufferSource | Response | PromiseLike<Response>): Promise<EngineExports> {
  const resolved = await source;
  // The bytes overload, typed here because @cloudflare/workers-types (the worker's typecheck, which
  // reaches this file through codecs/src/worker.ts) only declares instantiate(module).
  const instantiateBytes = WebAssembly.instantiate as unknown as (bytes: BufferSource, imports: object) => Promise<{ instance: WebAssembly.Instance }>;
  let instance: WebAssembly.Instance;
  if (resolved instanceof Response) {
    const bytes = await resolved.arrayBuffer();
    instance = (await instantiateBytes(bytes, {})).instance;
  } else {
    instance = (await instantiateBytes(resolved, {})).instance;
  }
  return asEngine(instance.exports as Record<string, unknown>);
}
