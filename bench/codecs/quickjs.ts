/**
 * Time per call of the ChirpStack codec scripts in QuickJS-NG (the engine ChirpStack v4 embeds,
 * here through quickjs-emscripten), called as ChirpStack calls them: a fresh runtime and context
 * per call, the script wrapped as an ES module with `import { Buffer } from "buffer"` before it and
 * `export default decodeUplink(chirpstack_input)` after it, the input built as ChirpStack passes it
 * (bytes as a number array, recvTime as a Date), interrupted after ChirpStack's 100 ms limit.
 */
import { readFileSync } from "node:fs";
import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
  shouldInterruptAfterDeadline,
} from "quickjs-emscripten";
import { PROFILES, type ProfileId } from "../../codecs/profiles/index.ts";
import type { Codec } from "../../codecs/src/codec.ts";
import { BUILD } from "./engines.ts";
import { REFERENCE_READINGS } from "./references.ts";
import { medianMs } from "./timing.ts";

/** ChirpStack's default `codec.js.max_execution_time`. */
export const CHIRPSTACK_LIMIT_MS = 100;

export interface QuickJsRow {
  profile: ProfileId;
  /** Median milliseconds per decodeUplink call, fresh runtime and context included. */
  msPerCall: number;
  /** msPerCall / ChirpStack's 100 ms limit. */
  shareOfLimit: number;
}

export async function quickjsTimes(codec: Codec, runs = 15): Promise<{ engine: string; emptyMs: number; rows: QuickJsRow[] }> {
  const quickjs = await newQuickJSWASMModuleFromVariant(import("@jitl/quickjs-ng-wasmfile-release-sync"));
  const recvTime = Date.UTC(2025, 5, 1, 12);
  // A fresh runtime and context with a trivial script: the floor under every call.
  const emptyMs = medianMs(() => callOnce(quickjs, "function decodeUplink(input) { return { data: {} }; }", "{}"), runs);
  const rows = PROFILES.map((p) => {
    const script = readFileSync(new URL(`chirpstack/${p.id}.js`, BUILD), "utf8");
    const frame = codec.encodeUplink(p.id, REFERENCE_READINGS[p.id] as never);
    const input = `{ bytes: ${JSON.stringify([...frame.bytes])}, fPort: ${frame.fPort}, recvTime: new Date(${recvTime}), variables: {} }`;
    const check = callOnce(quickjs, script, input) as { data?: unknown; errors?: string[] };
    if (!check.data || (check.errors ?? []).length > 0) throw new Error(`chirpstack/${p.id}.js did not decode its reference frame: ${JSON.stringify(check)}`);
    const msPerCall = medianMs(() => callOnce(quickjs, script, input), runs);
    return { profile: p.id, msPerCall, shareOfLimit: msPerCall / CHIRPSTACK_LIMIT_MS };
  });
  return { engine: "QuickJS-NG (quickjs-emscripten, @jitl/quickjs-ng-wasmfile-release-sync)", emptyMs, rows };
}

/** One ChirpStack-style call: new runtime, new context, module evaluation, result read back. */
function callOnce(quickjs: QuickJSWASMModule, script: string, inputLiteral: string): unknown {
  const runtime = quickjs.newRuntime();
  try {
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + CHIRPSTACK_LIMIT_MS));
    runtime.setModuleLoader((name) => (name === "buffer" ? "export class Buffer {}\n" : { error: new Error(`module ${name} not found`) }));
    const ctx = runtime.newContext();
    try {
      ctx.unwrapResult(ctx.evalCode(`globalThis.chirpstack_input = ${inputLiteral};`, "input", { type: "global" })).dispose();
      const source = `import { Buffer } from "buffer";\n${script}\nexport default decodeUplink(chirpstack_input);\n`;
      return defaultExport(ctx, ctx.unwrapResult(ctx.evalCode(source, "main", { type: "module" })));
    } finally {
      ctx.dispose();
    }
  } finally {
    runtime.dispose();
  }
}

function defaultExport(ctx: QuickJSContext, evaluated: QuickJSHandle): unknown {
  const state = ctx.getPromiseState(evaluated);
  let namespace = evaluated;
  if (state.type !== "fulfilled") {
    evaluated.dispose();
    throw new Error(`module evaluation ${state.type === "pending" ? "did not finish" : `failed: ${JSON.stringify(ctx.dump(state.error))}`}`);
  }
  if (!state.notAPromise) {
    evaluated.dispose();
    namespace = state.value;
  }
  const value = ctx.getProp(namespace, "default");
  namespace.dispose();
  try {
    return ctx.dump(value);
  } finally {
    value.dispose();
  }
}
