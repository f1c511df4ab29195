/**
 * Builds the commercial-sensor decoders from codecs/vendors/ (AssemblyScript):
 *   build/vendors.wasm                          every family (Worker, Node, browsers)
 *   build/vendors/<family>.wasm, .wasm2js.js    one family each, translated by binaryen's wasm2js
 *   build/chirpstack/vendors/<codec id>.js      one self-contained TS013 script per codec
 *
 * The family modules come from the same sources: `--use FAMILY=n` folds every other family away.
 */
import { execFile } from "node:child_process";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { QUANTITIES } from "../profiles/quantities.ts";
import { VENDOR_CODECS, VENDOR_FAMILIES, vendorCodec } from "../src/vendors/catalog.ts";
import { CHIRPSTACK_SCRIPT_LIMIT, writeTs013Script } from "./chirpstack-script.ts";

const here = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

/** vendors.wasm is loaded by the Worker next to codecs.wasm: a guard against runaway growth. */
export const VENDOR_WASM_LIMIT = 64 * 1024;

const ASC_FLAGS = ["-O3", "--shrinkLevel", "1", "--runtime", "stub", "--noAssert", "--disable", "nontrapping-f2i"];

const run = promisify(execFile);

/** Compiles one module; `pack` merges its data segments (for wasm2js, see packDataSegments). */
async function compile(family: number, out: string, pack: boolean): Promise<void> {
  await run(bin("asc"), [here("vendors/index.ts"), "-o", out, "--use", `FAMILY=${family}`, ...ASC_FLAGS]);
  if (pack) writeFileSync(out, packDataSegments(readFileSync(out)));
}

/** Runs `jobs` with at most `limit` at a time. */
async function pool(jobs: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}

/** Compiles vendors.wasm and each family's module with its wasm2js translation; returns their sizes. */
export async function buildVendorEngines(): Promise<{ wasm: number; families: Record<string, number> }> {
  mkdirSync(here("build/vendors"), { recursive: true });
  const all = here("build/vendors.wasm");
  const families: Record<string, number> = {};
  const jobs = [
    () => compile(0, all, false),
    ...Object.entries(VENDOR_FAMILIES).map(([name, number]) => async () => {
      const out = here(`build/vendors/${name}.wasm`);
      await compile(number, out, true);
      await run(bin("wasm2js"), [out, "--enable-bulk-memory", "-Oz", "-o", here(`build/vendors/${name}.wasm2js.js`)]);
      families[name] = readFileSync(out).length;
    }),
  ];
  await pool(jobs, Math.max(1, availableParallelism()));
  const wasm = readFileSync(all).length;
  if (wasm > VENDOR_WASM_LIMIT) throw new Error(`vendors.wasm is ${wasm} bytes, over the ${VENDOR_WASM_LIMIT}-byte budget`);
  return { wasm, families };
}

/** Keys The Things Network's normalized payload schema accepts (The Things Stack rejects others). */
const TTN_KEYS = QUANTITIES.filter((q) => q.origin === "ttn").map((q) => q.key);

/**
 * Writes the self-contained TS013 script of one vendor codec (ChirpStack v4, The Things Stack):
 * its family's wasm2js engine, the runtime and its normalizer in one scope, no import, export or
 * WebAssembly; decodeUplink, encodeDownlink, decodeDownlink and normalizeUplink at top level.
 * Needs the family's engine (buildVendorEngines). Returns the size; throws over 40 KB.
 */
export async function buildVendorChirpstackScript(codecId: string, outFile: string): Promise<number> {
  const info = vendorCodec(codecId);
  if (!info) throw new Error(`unknown vendor codec "${codecId}"`);
  const src = (p: string) => JSON.stringify(here(p));
  const entry = `
import * as engine from ${src(`build/vendors/${info.family}.wasm2js.js`)};
import { asVendorEngine, VendorMachine } from ${src("src/vendors/engine.ts")};
import { vendorTs013 } from ${src("src/vendors/ts013.ts")};
import { ${info.family} as normalize } from ${src("src/vendors/normalize.ts")};
export const api = vendorTs013(new VendorMachine(asVendorEngine(engine)), ${info.code}, normalize, new Set(${JSON.stringify(TTN_KEYS)}));
`;
  mkdirSync(dirname(outFile), { recursive: true });
  return writeTs013Script(
    { stdin: { contents: entry, resolveDir: here("src/vendors"), sourcefile: `${info.id}.entry.ts`, loader: "ts" } },
    [
      `// Cigale codec for ${info.vendor} ${info.devices.join(" / ")} (${info.id}) — generated from codecs/vendors by AssemblyScript and wasm2js; do not edit.`,
      `// Decodes like ${info.decoderFile} of The Things Network device repository (same output shape); written from its payload layout.`,
    ],
    outFile,
  );
}

/** Where `npm run build` writes a codec's script. */
export function vendorScriptPath(codecId: string): string {
  return here(`build/chirpstack/vendors/${codecId}.js`);
}

/**
 * Everything: engines, then one script per codec. Returns the sizes for the build log. Skipped
 * when nothing it reads changed since the last build (a hash of the inputs is kept beside the
 * outputs); CIGALE_REBUILD=1 forces it.
 */
export async function buildVendors(): Promise<{ wasm: number; families: Record<string, number>; scripts: Record<string, number>; cached: boolean }> {
  const stampFile = here("build/vendors/inputs.sha256");
  const outputs = [here("build/vendors.wasm"), ...Object.keys(VENDOR_FAMILIES).map((f) => here(`build/vendors/${f}.wasm2js.js`)), ...VENDOR_CODECS.map((c) => vendorScriptPath(c.id))];
  const stamp = inputsHash();
  const sizeOf = (f: string) => statSync(f).size;
  if (!process.env["CIGALE_REBUILD"] && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && outputs.every((f) => existsSync(f))) {
    const families = Object.fromEntries(Object.keys(VENDOR_FAMILIES).map((f) => [f, sizeOf(here(`build/vendors/${f}.wasm`))]));
    const scripts = Object.fromEntries(VENDOR_CODECS.map((c) => [c.id, sizeOf(vendorScriptPath(c.id))]));
    return { wasm: sizeOf(here("build/vendors.wasm")), families, scripts, cached: true };
  }
  const engines = await buildVendorEngines();
  const scripts: Record<string, number> = {};
  for (const c of VENDOR_CODECS) scripts[c.id] = await buildVendorChirpstackScript(c.id, vendorScriptPath(c.id));
  writeFileSync(stampFile, stamp);
  return { ...engines, scripts, cached: false };
}

/** Hash of every file the vendor build reads: decoder sources, runtime, build scripts, tool versions. */
function inputsHash(): string {
  const hash = createHash("sha256");
  const files = [
    ...readdirSync(here("vendors")).filter((f) => f.endsWith(".ts")).map((f) => `vendors/${f}`),
    ...readdirSync(here("src/vendors")).filter((f) => f.endsWith(".ts")).map((f) => `src/vendors/${f}`),
    "scripts/vendor-build.ts",
    "scripts/chirpstack-script.ts",
    "profiles/quantities.ts",
    "../package-lock.json",
  ].sort();
  for (const f of files) {
    hash.update(f);
    hash.update(readFileSync(here(f)));
  }
  return hash.digest("hex");
}


// ————— data segment packing —————

/**
 * Merges the module's active data segments that lie close together into one. AssemblyScript
 * emits one segment per static string; wasm2js turns each into its own base64 call, which
 * roughly doubles a script's size. Zero-filled gaps up to `maxGap` bytes are written out; the
 * memory image is unchanged. Modules with other segment kinds are returned as they are.
 */
export function packDataSegments(wasm: Uint8Array, maxGap = 64): Uint8Array {
  const sections = readSections(wasm);
  if (!sections) return wasm;
  const data = sections.find((s) => s.id === 11);
  if (!data) return wasm;
  const segments = readDataSegments(data.body);
  if (!segments) return wasm;
  segments.sort((a, b) => a.offset - b.offset);
  const merged: Array<{ offset: number; bytes: number[] }> = [];
  for (const s of segments) {
    const last = merged[merged.length - 1];
    const lastEnd = last ? last.offset + last.bytes.length : 0;
    if (last && s.offset >= lastEnd && s.offset - lastEnd <= maxGap) {
      for (let i = lastEnd; i < s.offset; i++) last.bytes.push(0);
      for (const b of s.bytes) last.bytes.push(b);
    } else {
      merged.push({ offset: s.offset, bytes: Array.from(s.bytes) });
    }
  }
  const body: number[] = [...uleb(merged.length)];
  for (const m of merged) body.push(0, 0x41, ...sleb(m.offset), 0x0b, ...uleb(m.bytes.length), ...m.bytes);
  const out: number[] = Array.from(wasm.subarray(0, 8));
  for (const s of sections) {
    const content = s.id === 11 ? body : s.id === 12 ? uleb(merged.length) : Array.from(s.body);
    out.push(s.id, ...uleb(content.length), ...content);
  }
  return Uint8Array.from(out);
}

function readSections(wasm: Uint8Array): Array<{ id: number; body: Uint8Array }> | undefined {
  const sections: Array<{ id: number; body: Uint8Array }> = [];
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos++] as number;
    const [size, next] = readUleb(wasm, pos);
    pos = next;
    if (pos + size > wasm.length) return undefined;
    sections.push({ id, body: wasm.subarray(pos, pos + size) });
    pos += size;
  }
  return sections;
}

function readDataSegments(body: Uint8Array): Array<{ offset: number; bytes: Uint8Array }> | undefined {
  let [count, pos] = readUleb(body, 0);
  const segments: Array<{ offset: number; bytes: Uint8Array }> = [];
  while (count-- > 0) {
    const [flags, p1] = readUleb(body, pos);
    if (flags !== 0 || body[p1] !== 0x41) return undefined; // only active segments at i32.const offsets
    const [offset, p2] = readSleb(body, p1 + 1);
    if (body[p2] !== 0x0b) return undefined;
    const [size, p3] = readUleb(body, p2 + 1);
    segments.push({ offset, bytes: body.subarray(p3, p3 + size) });
    pos = p3 + size;
  }
  return segments;
}

function readUleb(b: Uint8Array, at: number): [number, number] {
  let result = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    const byte = b[pos++] as number;
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [result, pos];
  }
}

function readSleb(b: Uint8Array, at: number): [number, number] {
  let result = 0;
  let shift = 0;
  let pos = at;
  let byte: number;
  do {
    byte = b[pos++] as number;
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && byte & 0x40) result |= -1 << shift;
  return [result, pos];
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

// Run directly: node codecs/scripts/vendor-build.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await buildVendors();
  console.log(`vendors.wasm: ${sizes.wasm} bytes (limit ${VENDOR_WASM_LIMIT})`);
  for (const [id, size] of Object.entries(sizes.scripts)) console.log(`chirpstack/vendors/${id}.js: ${size} bytes (limit ${CHIRPSTACK_SCRIPT_LIMIT})`);
}
