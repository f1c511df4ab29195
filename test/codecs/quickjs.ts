/**
 * Runs a ChirpStack codec script (codecs/build/chirpstack/<profile>.js) the way ChirpStack v4 does
 * (chirpstack/src/codec/js/mod.rs in the chirpstack/chirpstack repository, at commit d77207cd):
 * QuickJS-NG (the quickjs-emscripten build of it: no WebAssembly, like the rquickjs one), a fresh
 * runtime and context per call, the input object set as the global `chirpstack_input`, and the
 * script wrapped as an ES module — `import { Buffer } from "buffer"` before it,
 * `export default decodeUplink(chirpstack_input);` after it — whose default export is the result.
 * Each call is interrupted after 100 ms, ChirpStack's default `codec.js.max_execution_time`;
 * measured here in CPU time of this process rather than wall time, so that other test workers
 * competing for the machine's cores cannot interrupt a call that is within budget. ChirpStack's
 * QuickJS-NG is compiled ahead of time; ours is WebAssembly that V8 compiles while it first runs,
 * so each script is run a few times untimed before its first timed call.
 *
 * Only `buffer` is importable. ChirpStack's is the vendored feross/buffer module; ours is a
 * stand-in exporting an empty `Buffer` class, which is equivalent for scripts that never use it
 * (quickjs.test.ts checks ours do not).
 */
import { newQuickJSWASMModuleFromVariant, type QuickJSContext, type QuickJSHandle } from "quickjs-emscripten";

const QUICKJS = await newQuickJSWASMModuleFromVariant(import("@jitl/quickjs-ng-wasmfile-release-sync"));

/** ChirpStack's default `codec.js.max_execution_time`. */
export const MAX_EXECUTION_MS = 100;

/** `decodeUplink` input as ChirpStack builds it: bytes as a number array, recvTime as a Date. */
export interface ChirpStackUplinkInput {
  bytes: number[];
  fPort: number;
  recvTime: Date;
  variables: Record<string, string>;
}

/** `encodeDownlink` input as ChirpStack builds it: no fPort. */
export interface ChirpStackDownlinkInput {
  data: unknown;
  variables: Record<string, string>;
}

/** TS013 `decodeDownlink` input (The Things Stack calls it; ChirpStack does not). */
export interface Ts013DownlinkInput {
  bytes: number[];
  fPort: number;
}

/** What one call produced: the function's return value, or what was thrown. */
export type ScriptOutcome = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** CPU milliseconds the last call took (runtime creation, module evaluation, the call itself). */
export let lastCallCpuMs = 0;

export type EntryPoint = "decodeUplink" | "encodeDownlink" | "decodeDownlink";

/** Calls `entry(input)` of `script` (an EntryPoint, or a probe function the test appended) in a fresh QuickJS-NG runtime, as ChirpStack does. */
export function runChirpStackScript(script: string, entry: EntryPoint | (string & {}), input: ChirpStackUplinkInput | ChirpStackDownlinkInput | Ts013DownlinkInput): ScriptOutcome {
  if (!warmed.has(script)) {
    warmed.add(script);
    for (let i = 0; i < WARM_UP_RUNS; i++) run(script, entry, input, () => false);
  }
  const started = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  try {
    return run(script, entry, input, () => cpuMs() > MAX_EXECUTION_MS);
  } finally {
    lastCallCpuMs = cpuMs();
  }
}

const warmed = new Set<string>();
const WARM_UP_RUNS = 3;

function run(script: string, entry: string, input: ChirpStackUplinkInput | ChirpStackDownlinkInput | Ts013DownlinkInput, interrupt: () => boolean): ScriptOutcome {
  const runtime = QUICKJS.newRuntime();
  try {
    runtime.setInterruptHandler(interrupt);
    runtime.setModuleLoader((name) => (name === "buffer" ? "export class Buffer {}\n" : { error: new Error(`module ${name} not found`) }));
    const ctx = runtime.newContext();
    try {
      setInput(ctx, input);
      // ChirpStack's wrapping, whitespace included (format! in codec/js/mod.rs).
      const source = `\n        import { Buffer } from "buffer";\n\n        ${script}\n\n        export default ${entry}(chirpstack_input);\n        `;
      const result = ctx.evalCode(source, "main", { type: "module" });
      if (result.error) return failure(ctx, result.error);
      return moduleDefault(ctx, result.value);
    } finally {
      ctx.dispose();
    }
  } finally {
    runtime.dispose();
  }
}

function setInput(ctx: QuickJSContext, input: ChirpStackUplinkInput | ChirpStackDownlinkInput | Ts013DownlinkInput): void {
  // Built inside the VM from literals: plain arrays, numbers and objects, and a real Date.
  const parts: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    parts.push(`${JSON.stringify(key)}: ${value instanceof Date ? `new Date(${value.getTime()})` : JSON.stringify(value)}`);
  }
  const built = ctx.evalCode(`({${parts.join(", ")}})`, "input", { type: "global" });
  if (built.error) {
    const message = JSON.stringify(ctx.dump(built.error));
    built.error.dispose();
    throw new Error(`could not build the input: ${message}`);
  }
  ctx.setProp(ctx.global, "chirpstack_input", built.value);
  built.value.dispose();
}

function moduleDefault(ctx: QuickJSContext, evaluated: QuickJSHandle): ScriptOutcome {
  let namespace = evaluated;
  const state = ctx.getPromiseState(evaluated);
  if (state.type === "pending") {
    evaluated.dispose();
    return { ok: false, error: "module evaluation did not finish" };
  }
  if (state.type === "rejected") {
    evaluated.dispose();
    return failure(ctx, state.error);
  }
  if (!state.notAPromise) {
    evaluated.dispose();
    namespace = state.value;
  }
  try {
    const value = ctx.getProp(namespace, "default");
    try {
      return { ok: true, value: ctx.dump(value) as Record<string, unknown> };
    } finally {
      value.dispose();
    }
  } finally {
    namespace.dispose();
  }
}

function failure(ctx: QuickJSContext, error: QuickJSHandle): ScriptOutcome {
  const dumped = ctx.dump(error) as { name?: string; message?: string } | string;
  error.dispose();
  return { ok: false, error: typeof dumped === "string" ? dumped : `${dumped.name ?? "Error"}: ${dumped.message ?? JSON.stringify(dumped)}` };
}
