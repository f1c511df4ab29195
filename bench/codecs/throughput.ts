/** Decode and encode throughput of the WASM path, the wasm2js path and the hand-written baseline. */
import type { ProfileId } from "../../codecs/profiles/index.ts";
import type { Codec } from "../../codecs/src/codec.ts";
import type { DecodeResult } from "../../codecs/src/data.ts";
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

type Decode = (profile: ProfileId, fPort: number, bytes: Uint8Array) => DecodeResult<unknown>;

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

export function decodeThroughput(wasm: Codec, wasm2js: Codec, loads: readonly Workload[], options?: TimingOptions): ThroughputRow[] {
  const baseline = new BaselineDecoder();
  const paths: Record<"wasm" | "baseline" | "wasm2js", Decode> = {
    wasm: (p, port, bytes) => wasm.decodeUplink(p, port, bytes),
    baseline: (p, port, bytes) => baseline.decodeUplink(p, port, bytes),
    wasm2js: (p, port, bytes) => wasm2js.decodeUplink(p, port, bytes),
  };
  return loads.map((load) => {
    const run = (decode: Decode) => {
      const frames = load.frames;
      const n = frames.length;
      return measure((i) => {
        const f = frames[i % n] as Workload["frames"][number];
        return decode(f.profile, f.fPort, f.bytes);
      }, options);
    };
    // Interleave the paths so a slow phase of the machine does not favour one of them.
    const rates = { wasm: [] as Rate[], baseline: [] as Rate[], wasm2js: [] as Rate[] };
    for (let pass = 0; pass < 2; pass++) {
      for (const name of ["wasm", "baseline", "wasm2js"] as const) rates[name].push(run(paths[name]));
    }
    const best = (list: Rate[]) => list.reduce((a, b) => (b.perSec > a.perSec ? b : a));
    const w = best(rates.wasm);
    const b = best(rates.baseline);
    const j = best(rates.wasm2js);
    return { workload: load.name, wasm: w, baseline: b, wasm2js: j, wasmVsBaseline: w.perSec / b.perSec, wasm2jsVsBaseline: j.perSec / b.perSec };
  });
}

export function encodeThroughput(wasm: Codec, wasm2js: Codec, loads: readonly Workload[], options?: TimingOptions): EncodeRow[] {
  const baseline = new BaselineEncoder();
  type Encode = (profile: ProfileId, input: unknown) => unknown;
  const paths: Record<"wasm" | "baseline" | "wasm2js", Encode> = {
    wasm: (p, input) => wasm.encodeUplink(p, input as never),
    baseline: (p, input) => baseline.encodeUplink(p, input as Record<string, unknown>),
    wasm2js: (p, input) => wasm2js.encodeUplink(p, input as never),
  };
  return loads.map((load) => {
    const run = (encode: Encode) => {
      const frames = load.frames;
      const n = frames.length;
      return measure((i) => {
        const f = frames[i % n] as Workload["frames"][number];
        return encode(f.profile, f.input);
      }, options);
    };
    const w = run(paths.wasm);
    const b = run(paths.baseline);
    const j = run(paths.wasm2js);
    return { workload: load.name, wasm: w, baseline: b, wasm2js: j, wasmVsBaseline: w.perSec / b.perSec, wasm2jsVsBaseline: j.perSec / b.perSec };
  });
}
