/**
 * Builds firmware/build/firmware.wasm: the sensor application (firmware/assembly) compiled with
 * the codecs' AssemblyScript engine, stub runtime (no allocator, no GC), one page of memory.
 * Fails when the module is over its budgets: 16 KB and one 64 KiB page of linear memory.
 *
 *   node firmware/scripts/build.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OUT, renderProfiles } from "./generate.ts";

const here = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const asc = fileURLToPath(new URL("../../node_modules/.bin/asc", import.meta.url));

export const WASM_LIMIT = 16 * 1024;
export const FIRMWARE_WASM = here("build/firmware.wasm");

const tables = renderProfiles();
let current = "";
try {
  current = readFileSync(OUT, "utf8");
} catch {
  // first build
}
if (current !== tables) writeFileSync(OUT, tables);

mkdirSync(here("build"), { recursive: true });
execFileSync(
  asc,
  [here("assembly/index.ts"), "-o", FIRMWARE_WASM, "-O3", "--shrinkLevel", "2", "--runtime", "stub", "--noAssert", "--initialMemory", "1", "--maximumMemory", "1"],
  { stdio: "inherit" },
);
const bytes = readFileSync(FIRMWARE_WASM);
const module = new WebAssembly.Module(bytes);
const memory = WebAssembly.Module.exports(module).find((e) => e.kind === "memory");
console.log(`firmware.wasm: ${bytes.length} bytes (limit ${WASM_LIMIT}), memory ${memory ? "exported" : "missing"}, 1 page`);
if (bytes.length > WASM_LIMIT) throw new Error(`firmware.wasm is ${bytes.length} bytes, over its ${WASM_LIMIT}-byte budget`);
