/** Decode and encode throughput of the WASM path, the wasm2js path and the hand-written baseline. */
import type { ProfileId } from "../../codecs/profiles/index.ts";
import type { Codec } from "../../codecs/src/codec.ts";
import { BaselineDecoder } from "./baseline-decoder.ts";
import { BaselineEncoder } from "./baseline-encoder.ts";
import { REFERENCE_READINGS, SERIES } from "./references.ts";
import { measure, type Rate, type TimingOptions } from "./timing.ts";

export interface Workload {
  name: string;
  frames: ReadonlyArray<{ profile: ProfileId; fPort: number; bytes: Uint8Array; input: unknown }>;
}

export interface ThroughputRow {
  workload: string;
  /** Frames decoded per second. */
  wasm: Rate;
  baseline: Rate;
  wasm2js: Rate;
  /** wasm / baseline: ≥ 1 means the WASM path is at least as fast. */
  wasmVsBaseline: number;
  wasm2jsVsBaseline: number;
}

export interface EncodeRow {
  workload: string;
  /** Frames encoded per second, input validation included. */
  wasm: Rate;
  baseline: Rate;
  wasm2js: Rate;
  wasmVsBaseline: number;
  wasm2jsVsBaseline: number;
}

/** Frames the Worker decodes all day: single readings of every profile, buffered series, a status report. */
export function workloads(codec: Codec): Workload[] {
  const frame = (profile: ProfileId, input: unknown) => {
    const f = codec.encodeUplink(profile, input as never);
    return { profile, fPort: f.fPort, bytes: f.bytes, input };
  };
  const singles = (Object.keys(REFERENCE_READINGS) as ProfileId[]).map((id) => frame(id, REFERENCE_READINGS[id]));
  const series = SERIES.map((s) => frame(s.profile, { message: "measurement", samples: s.samples, interval: s.interval }));
  const status = frame("env", { message: "status", device: { firmware: "1.4.2", uptime: 86400 * 12, resetCause: "powerOn", lastError: 0, interval: 600 }, battery: 3.58 });
  return [
    { name: "env reading (1 sample)", frames: [singles[0] as Workload["frames"][number]] },
    ...series.map((f, i) => ({ name: (SERIES[i] as (typeof SERIES)[number]).name, frames: [f] })),
    { name: "mix: every profile + series + status", frames: [...singles, ...series, status] },
  ];
}

type Frame = Workload["frames"][number];
type Paths = Record<"wasm" | "baseline" | "wasm2js", (f: Frame) => unknown>;

/**
 * Times each path on the workload's frames. Two passes, the second in reverse order, and each
 * path keeps its better median, so neither a busy phase of the machine nor going first (a
 * monomorphic call site in `measure`) favours one.
 */
function race(paths: Paths, frames: readonly Frame[], options?: TimingOptions): Record<keyof Paths, Rate> {
  const names = Object.keys(paths) as Array<keyof Paths>;
  const best = {} as Record<keyof Paths, Rate>;
  for (const order of [names, [...names].reverse()]) {
    for (const name of order) {
      const run = paths[name];
      const rate = measure((i) => run(frames[i % frames.length] as Frame), options);
      if (!best[name] || rate.perSec > best[name].perSec) best[name] = rate;
    }
  }
  return best;
}

export function decodeThroughput(wasm: Codec, wasm2js: Codec, loads: readonly Workload[], options?: TimingOptions): ThroughputRow[] {
  const baseline = new BaselineDecoder();
  const paths: Paths = {
    wasm: (f) => wasm.decodeUplink(f.profile, f.fPort, f.bytes),
    baseline: (f) => baseline.decodeUplink(f.profile, f.fPort, f.bytes),
    wasm2js: (f) => wasm2js.decodeUplink(f.profile, f.fPort, f.bytes),
  };
  return loads.map((load) => {
    const r = race(paths, load.frames, options);
    return { workload: load.name, ...r, wasmVsBaseline: r.wasm.perSec / r.baseline.perSec, wasm2jsVsBaseline: r.wasm2js.perSec / r.baseline.perSec };
  });
}

export function encodeThroughput(wasm: Codec, wasm2js: Codec, loads: readonly Workload[], options?: TimingOptions): EncodeRow[] {
  const baseline = new BaselineEncoder();
  const paths: Paths = {
    wasm: (f) => wasm.encodeUplink(f.profile, f.input as never),
    baseline: (f) => baseline.encodeUplink(f.profile, f.input as Record<string, unknown>),
    wasm2js: (f) => wasm2js.encodeUplink(f.profile, f.input as never),
  };
  return loads.map((load) => {
    const r = race(paths, load.frames, options);
    return { workload: load.name, ...r, wasmVsBaseline: r.wasm.perSec / r.baseline.perSec, wasm2jsVsBaseline: r.wasm2js.perSec / r.baseline.perSec };
  });
}
