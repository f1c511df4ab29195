/**
 * npm run bench:codecs — every figure of the codec benchmark, each beside a baseline measured in
 * the same run, with the floors of issue 2 checked (exit code 1 when one is missed). Figures are
 * printed as tables and written to bench/results/codecs.json.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatTable } from "../../codecs/cli/table.ts";
import { artifactSizes } from "./artifacts.ts";
import { wasm2jsCodec, wasmCodec } from "./engines.ts";
import { quickjsTimes } from "./quickjs.ts";
import { BW, measureSizes, SF } from "./sizes.ts";
import { decodeThroughput, encodeThroughput, workloads } from "./throughput.ts";
import type { TimingOptions } from "./timing.ts";

/** Rows `bench/codecs/vendors.ts` returns when the vendor codecs are there. */
interface VendorRow {
  codec: string;
  wasmPerSec: number;
  baselinePerSec: number;
  ratio: number;
}

interface Floor {
  name: string;
  value: string;
  ok: boolean;
}

const TIMING: TimingOptions = { warmupMs: 200, roundMs: 100, rounds: 7 };
const started = process.hrtime.bigint();
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
const times = (r: number) => `${r.toFixed(2)}×`;
const ms = (n: number) => n.toFixed(1);
const floors: Floor[] = [];
const section = (title: string, body: string) => console.log(`\n${title}\n${body}`);

const wasm = await wasmCodec();
const wasm2js = await wasm2jsCodec();
console.log(`Cigale codec benchmark — Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}, ${new Date().toISOString()}`);
console.log("Every figure beside its baseline measured in this run; ratio = Cigale ÷ baseline.");

// 1. Bytes per uplink.
const sizes = measureSizes(wasm);
section(
  `1. Bytes per uplink: Cigale vs CayenneLPP (baseline) and the information bound; LoRa time on air at SF${SF}/${BW} kHz (EU868 DR0)`,
  formatTable(
    ["Reading", "Cigale B", "LPP B", "Cigale/LPP", "Bound B", "Cigale−bound", "Cigale ToA ms", "LPP ToA ms", "ToA ratio"],
    sizes.map((r) => [
      r.name,
      String(r.cigaleBytes),
      r.lppFrames > 1 ? `${r.lppBytes} in ${r.lppFrames} frames` : String(r.lppBytes),
      pct(r.ratioToLpp),
      String(r.boundBytes),
      `${r.overBound >= 0 ? "+" : ""}${r.overBound}`,
      ms(r.cigaleToaMs),
      ms(r.lppToaMs),
      times(r.cigaleToaMs / r.lppToaMs),
    ]),
  ) +
    "\nLPP: one channel per quantity, nearest standard type (bench/codecs/lpp-mapping.ts); one LPP frame per sample." +
    "\nBound: Σ ⌈log2(range/resolution + 1)⌉ bits of the quantities a reading carries, per sample (a series below it gains from delta encoding).",
);
const env = sizes.find((r) => r.profile === "env" && r.samples === 1);
if (env) {
  floors.push({ name: "env reading ≤ 40 % of its CayenneLPP size", value: `${env.cigaleBytes} / ${env.lppBytes} B = ${pct(env.ratioToLpp)}`, ok: env.cigaleBytes <= 0.4 * env.lppBytes });
  floors.push({ name: "env reading within 2 bytes of the information bound", value: `${env.cigaleBytes} − ${env.boundBytes} = ${env.overBound} B`, ok: env.overBound <= 2 });
}

// 2. Decode throughput.
const loads = workloads(wasm);
const decode = decodeThroughput(wasm, wasm2js, loads, TIMING);
section(
  "2. Decode throughput, decodes per second including the result object (median of 7 rounds); baseline: hand-written TypeScript decoder",
  formatTable(
    ["Workload", "WASM", "Baseline TS", "wasm2js", "WASM/baseline", "wasm2js/baseline"],
    decode.map((r) => [r.workload, int(r.wasm.perSec), int(r.baseline.perSec), int(r.wasm2js.perSec), times(r.wasmVsBaseline), times(r.wasm2jsVsBaseline)]),
  ),
);
const slowest = decode.reduce((a, b) => (b.wasmVsBaseline < a.wasmVsBaseline ? b : a));
floors.push({ name: "WASM decode path not slower than the baseline (every workload)", value: `lowest ratio ${times(slowest.wasmVsBaseline)} (${slowest.workload})`, ok: slowest.wasmVsBaseline >= 1 });

// 3. Encode throughput.
const encode = encodeThroughput(wasm, wasm2js, loads, TIMING);
section(
  "3. Encode throughput, encodes per second including input validation (median of 7 rounds); baseline: hand-written TypeScript encoder",
  formatTable(
    ["Workload", "WASM", "Baseline TS", "wasm2js", "WASM/baseline", "wasm2js/baseline"],
    encode.map((r) => [r.workload, int(r.wasm.perSec), int(r.baseline.perSec), int(r.wasm2js.perSec), times(r.wasmVsBaseline), times(r.wasm2jsVsBaseline)]),
  ),
);

// 4. ChirpStack scripts in QuickJS.
const quickjs = await quickjsTimes(wasm);
section(
  `4. ChirpStack scripts: ms per decodeUplink call in ${quickjs.engine}, fresh runtime and context per call as ChirpStack does; baseline: ChirpStack's 100 ms limit`,
  formatTable(["Script", "ms per call", "Limit ms", "Share of limit"], quickjs.rows.map((r) => [`chirpstack/${r.profile}.js`, r.msPerCall.toFixed(2), "100", pct(r.shareOfLimit)])) +
    `\nA fresh runtime and context with an empty script takes ${quickjs.emptyMs.toFixed(2)} ms of each call.`,
);
const slowestScript = quickjs.rows.reduce((a, b) => (b.msPerCall > a.msPerCall ? b : a));
floors.push({ name: "every ChirpStack script call within ChirpStack's 100 ms", value: `slowest ${slowestScript.msPerCall.toFixed(2)} ms (${slowestScript.profile})`, ok: slowestScript.msPerCall < 100 });

// 5. Artifact sizes.
const artifacts = artifactSizes();
section(
  "5. Artifact sizes; baseline: the limit (codecs.wasm 32 KB budget; The Things Stack accepts 40 KB scripts)",
  formatTable(["Artifact", "Bytes", "Limit", "Share of limit"], artifacts.map((a) => [a.artifact, int(a.bytes), int(a.limit), pct(a.share)])),
);
for (const a of artifacts) if (a.bytes > a.limit) floors.push({ name: `${a.artifact} within its limit`, value: `${a.bytes} > ${a.limit}`, ok: false });
floors.push({ name: "codecs.wasm ≤ 32 KB and every script ≤ 40 KB", value: `largest share ${pct(Math.max(...artifacts.map((a) => a.share)))}`, ok: artifacts.every((a) => a.bytes <= a.limit) });

// 6. Vendor codecs, when the vendor bench exists.
let vendors: VendorRow[] | undefined;
const vendorBench = new URL("./vendors.ts", import.meta.url);
if (existsSync(vendorBench)) {
  const mod = (await import(pathToFileURL(fileURLToPath(vendorBench)).href)) as { runVendorBench?: () => VendorRow[] | Promise<VendorRow[]> };
  if (typeof mod.runVendorBench === "function") {
    vendors = await mod.runVendorBench();
    section(
      "6. Vendor codecs (bench/codecs/vendors.ts): decodes per second, WASM path vs that bench's baseline",
      formatTable(["Codec", "WASM", "Baseline", "WASM/baseline"], vendors.map((v) => [v.codec, int(v.wasmPerSec), int(v.baselinePerSec), times(v.ratio)])),
    );
  }
}

// Floors and the JSON record.
section("Floors (issue 2)", floors.map((f) => `${f.ok ? "✓" : "✗ FAILED"}  ${f.name}: ${f.value}`).join("\n"));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const results = new URL("../results/", import.meta.url);
mkdirSync(results, { recursive: true });
const file = new URL("codecs.json", results);
writeFileSync(
  file,
  `${JSON.stringify(
    { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, seconds, sizes, decode, encode, quickjs, artifacts, vendors, floors },
    null,
    2,
  )}\n`,
);
console.log(`\n${seconds.toFixed(0)} s · figures in ${fileURLToPath(file)}`);
if (floors.some((f) => !f.ok)) process.exitCode = 1;
