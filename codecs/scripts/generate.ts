/**
 * Derives everything that depends on the sensor profiles: the WASM engine's tables, the
 * TypeScript reading types and the quantity reference. `--check` fails when a committed file is
 * stale, so CI catches a profile edited without regenerating.
 *
 *   node codecs/scripts/generate.ts [--check]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildCatalog } from "../profiles/catalog.ts";
import { renderQuantityDocs } from "./render-docs.ts";
import { renderTables } from "./render-tables.ts";
import { renderTypes } from "./render-types.ts";

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

const outputs: Array<[string, string]> = [
  ["codecs/assembly/tables.generated.ts", renderTables(buildCatalog())],
  ["codecs/src/types.generated.ts", renderTypes()],
  ["docs/quantities.md", renderQuantityDocs()],
];

const check = process.argv.includes("--check");
let stale = 0;
for (const [path, text] of outputs) {
  let current = "";
  try {
    current = readFileSync(root(path), "utf8");
  } catch {
    // missing: stale
  }
  if (current === text) continue;
  if (check) {
    console.error(`stale: ${path} — run \`npm run generate\` and commit the result`);
    stale++;
  } else {
    writeFileSync(root(path), text);
    console.log(`wrote ${path}`);
  }
}
if (stale) process.exit(1);
