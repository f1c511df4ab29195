/**
 * Builds the codec artifacts from the AssemblyScript engine:
 *   build/codecs.wasm             the engine (Worker, firmware, browsers, Node)
 *   build/codecs.wasm2js.js       the same module translated to JavaScript by binaryen's wasm2js
 *   build/chirpstack/<id>.js      one self-contained TS013 script per profile (ChirpStack, The Things Stack)
 *   build/vendors.wasm, build/chirpstack/vendors/<codec id>.js   commercial-sensor decoders (vendor-build.ts)
 *
 *   node codecs/scripts/build.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PROFILES } from "../profiles/index.ts";
import { buildChirpstackScript, CHIRPSTACK_SCRIPT_LIMIT } from "./chirpstack-script.ts";
import { buildVendors } from "./vendor-build.ts";

const here = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

/** codecs.wasm must stay small enough for the firmware's flash budget and fast page loads. */
export const WASM_LIMIT = 32 * 1024;

mkdirSync(here("build/chirpstack"), { recursive: true });
execFileSync(process.execPath, [here("scripts/generate.ts")], { stdio: "inherit" });
// nontrapping-f2i is disabled because wasm2js cannot translate saturating conversions.
execFileSync(
  bin("asc"),
  [here("assembly/index.ts"), "-o", here("build/codecs.wasm"), "-O3", "--shrinkLevel", "1", "--runtime", "stub", "--noAssert", "--disable", "nontrapping-f2i"],
  { stdio: "inherit" },
);
const wasmSize = statSync(here("build/codecs.wasm")).size;
console.log(`codecs.wasm: ${wasmSize} bytes (limit ${WASM_LIMIT})`);
if (wasmSize > WASM_LIMIT) throw new Error(`codecs.wasm is ${wasmSize} bytes, over the ${WASM_LIMIT}-byte budget`);
execFileSync(bin("wasm2js"), [here("build/codecs.wasm"), "--enable-bulk-memory", "-Oz", "-o", here("build/codecs.wasm2js.js")], { stdio: "inherit" });

for (const p of PROFILES) {
  const out = here(`build/chirpstack/${p.id}.js`);
  const size = await buildChirpstackScript(p.id, out);
  console.log(`chirpstack/${p.id}.js: ${size} bytes (limit ${CHIRPSTACK_SCRIPT_LIMIT})`);
}

// Commercial-sensor decoders (codecs/vendors/): vendors.wasm, one module per family, one script per codec.
const vendors = await buildVendors();
console.log(`vendors.wasm: ${vendors.wasm} bytes${vendors.cached ? " (sources unchanged: kept)" : ""}`);
for (const [id, size] of Object.entries(vendors.scripts)) console.log(`chirpstack/vendors/${id}.js: ${size} bytes (limit ${CHIRPSTACK_SCRIPT_LIMIT})`);
