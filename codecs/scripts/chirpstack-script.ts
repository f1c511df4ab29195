import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";
import { buildCatalog } from "../profiles/catalog.ts";
import { profile } from "../profiles/index.ts";
import { TTN_KEYS } from "../src/default-layouts.ts";
import type { Field } from "../profiles/schema.ts";

/** The Things Stack caps a custom payload formatter at 40 KB; ChirpStack has no cap but the same script serves both. */
export const CHIRPSTACK_SCRIPT_LIMIT = 40 * 1024;

const entry = fileURLToPath(new URL("../src/chirpstack-entry.ts", import.meta.url));

/**
 * Writes a self-contained TS013 codec script for one profile: no import, no export, no
 * WebAssembly — the wasm2js engine and the runtime in one scope, exposing decodeUplink,
 * encodeDownlink, decodeDownlink and normalizeUplink as top-level functions.
 * Returns the script's size in bytes; throws if it exceeds the 40 KB limit.
 */
export async function buildChirpstackScript(profileId: string, outFile: string): Promise<number> {
  const p = profile(profileId);
  const header = `// Cigale ${p.id} codec (${p.title}) — generated from codecs.wasm by wasm2js; do not edit.`;
  return writeTs013Script({ entryPoints: [entry], define: { CIGALE_SCRIPT: JSON.stringify(scriptCatalog(p.code, p.id)) } }, [header], outFile);
}

/**
 * Bundles a TS013 entry module (one that exports `api`) into a plain script for ChirpStack and
 * The Things Stack — no import, no export, no WebAssembly — with the four TS013 functions at top
 * level, writes it and returns its size; throws when it exceeds the 40 KB limit.
 */
export async function writeTs013Script(
  source: Pick<BuildOptions, "entryPoints" | "stdin" | "define">,
  header: readonly string[],
  outFile: string,
): Promise<number> {
  const result = await build({
    ...source,
    bundle: true,
    write: false,
    format: "iife",
    globalName: "cigaleCodec",
    platform: "neutral",
    target: "es2020",
    minify: true,
    legalComments: "none",
  });
  const body = result.outputFiles[0]?.text ?? "";
  const script = `${header.join("\n")}
// TS013 payload codec for ChirpStack v4 and The Things Stack: decodeUplink, encodeDownlink, decodeDownlink, normalizeUplink.
${body}
function decodeUplink(input) { return cigaleCodec.api.decodeUplink(input); }
function encodeDownlink(input) { return cigaleCodec.api.encodeDownlink(input); }
function decodeDownlink(input) { return cigaleCodec.api.decodeDownlink(input); }
function normalizeUplink(input) { return cigaleCodec.api.normalizeUplink(input); }
`;
  const size = Buffer.byteLength(script);
  if (size > CHIRPSTACK_SCRIPT_LIMIT) {
    throw new Error(`${outFile}: ${size} bytes, over the ${CHIRPSTACK_SCRIPT_LIMIT}-byte limit of The Things Stack`);
  }
  writeFileSync(outFile, script);
  return size;
}

/** The catalog trimmed to one profile: other profiles' layouts become gaps, documentation goes. */
function scriptCatalog(code: number, id: string) {
  const full = buildCatalog();
  const strip = (f: Field) => {
    const { basis: _basis, ...rest } = f as Field & { basis?: string };
    return rest;
  };
  return {
    profile: { id, code },
    layouts: full.layouts.map((l) => (l.profile === 0 || l.profile === code ? { ...l, fields: l.fields.map(strip) } : null)),
    refTargets: (full.refTargets.get(code) ?? []).map(strip),
    ttnKeys: [...TTN_KEYS],
  };
}
