/**
 * Commercial-sensor decode throughput: decodes per second of each vendor codec through the WASM
 * path (vendors.wasm driven by the TS runtime, TS013 result object built) against a plain
 * TypeScript decoder of the same layout (vendor-baselines.ts), measured in the same run on the
 * same published frame. bench/codecs/run.ts calls runVendorBench(); run it alone with
 *
 *   node bench/codecs/vendors.ts
 */
import { readFileSync } from "node:fs";
import { QUANTITIES } from "../../codecs/profiles/quantities.ts";
import { VENDOR_CODECS } from "../../codecs/src/vendors/catalog.ts";
import { vendorCodecs } from "../../codecs/src/vendors/node.ts";
import { measure, type TimingOptions } from "./timing.ts";
import { VENDOR_BASELINES } from "./vendor-baselines.ts";

export interface VendorBenchRow {
  codec: string;
  wasmPerSec: number;
  baselinePerSec: number;
  /** wasmPerSec / baselinePerSec. */
  ratio: number;
}

interface Frame {
  codecFile: string;
  fPort: number;
  bytesHex: string;
  expectedErrors?: string[];
}

/** One published frame per codec (the first that decodes), from the checked-in vectors. */
function frames(): Map<string, { fPort: number; bytes: number[] }> {
  const read = (name: string) => JSON.parse(readFileSync(new URL(`../../test/codecs/vendors/vectors/${name}`, import.meta.url), "utf8"));
  const all: Frame[] = [...read("commercial-uplinks.json").vectors, ...read("published-examples.json").uplinks];
  const out = new Map<string, { fPort: number; bytes: number[] }>();
  for (const v of all) {
    const id = v.codecFile.replace(/^vendor\//, "").replace(/\.yaml$/, "");
    if (out.has(id) || v.expectedErrors?.length) continue;
    out.set(id, { fPort: v.fPort, bytes: Array.from(Buffer.from(v.bytesHex, "hex")) });
  }
  return out;
}

export async function runVendorBench(options: TimingOptions = { warmupMs: 100, roundMs: 40, rounds: 5 }): Promise<VendorBenchRow[]> {
  const ttnKeys = new Set<string>(QUANTITIES.filter((q) => q.origin === "ttn").map((q) => q.key));
  const byCodec = frames();
  const rows: VendorBenchRow[] = [];
  for (const c of VENDOR_CODECS) {
    const frame = byCodec.get(c.id);
    const baseline = VENDOR_BASELINES[c.id];
    if (!frame || !baseline) throw new Error(`no benchmark frame or baseline for ${c.id}`);
    const api = vendorCodecs.ts013(c.id, ttnKeys);
    const input = { bytes: frame.bytes, fPort: frame.fPort };
    // Like with like: both produce the same object for this frame.
    const a = JSON.stringify(api.decodeUplink(input));
    const b = JSON.stringify(baseline(frame.fPort, frame.bytes));
    if (a !== b) throw new Error(`${c.id}: the baseline disagrees with the WASM path\n  wasm     ${a}\n  baseline ${b}`);
    const wasm = measure(() => api.decodeUplink(input), options);
    const base = measure(() => baseline(frame.fPort, frame.bytes), options);
    rows.push({ codec: c.id, wasmPerSec: Math.round(wasm.perSec), baselinePerSec: Math.round(base.perSec), ratio: wasm.perSec / base.perSec });
  }
  return rows;
}

/** The rows as a text table, with the geometric mean of the ratios. */
export function formatVendorBench(rows: readonly VendorBenchRow[]): string {
  const width = Math.max(...rows.map((r) => r.codec.length));
  const n = (x: number) => x.toLocaleString("en-US").padStart(12);
  const lines = rows.map((r) => `${r.codec.padEnd(width)}  ${n(r.wasmPerSec)}  ${n(r.baselinePerSec)}  ${r.ratio.toFixed(2).padStart(6)}`);
  const geomean = Math.exp(rows.reduce((s, r) => s + Math.log(r.ratio), 0) / rows.length);
  return [
    `${"codec".padEnd(width)}  ${"wasm/s".padStart(12)}  ${"baseline/s".padStart(12)}  ${"ratio".padStart(6)}`,
    ...lines,
    `${"geometric mean".padEnd(width)}  ${"".padStart(12)}  ${"".padStart(12)}  ${geomean.toFixed(2).padStart(6)}`,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runVendorBench();
  console.log("Commercial decoders: decodes per second, WASM path vs plain TypeScript baseline (same frame, same result)\n");
  console.log(formatVendorBench(rows));
}
