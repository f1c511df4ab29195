/**
 * The commercial-sensor vectors (vectors/*.json, with their provenance) and comparison helpers
 * shared by the vendor suites: the WASM path, the ChirpStack scripts in QuickJS and the fuzzers.
 */
import { readFileSync } from "node:fs";
import { VendorCodecs } from "../../../codecs/src/vendors/codec.ts";
import { asVendorEngine, type VendorEngineExports } from "../../../codecs/src/vendors/engine.ts";

/** A fresh instance of build/vendors.wasm, with its raw exports (to watch its memory). */
export function freshVendorCodecs(): { codecs: VendorCodecs; engine: VendorEngineExports } {
  const bytes = readFileSync(new URL("../../../codecs/build/vendors.wasm", import.meta.url));
  const engine = asVendorEngine(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as Record<string, unknown>);
  return { codecs: new VendorCodecs(engine), engine };
}

export interface UplinkVector {
  vendor: string;
  device: string;
  codecFile: string;
  codecCommit: string;
  decoderFile: string;
  description: string;
  fPort: number;
  bytesHex: string;
  expected?: Record<string, unknown>;
  normalized: Array<Record<string, unknown>> | null;
  expectedErrors?: string[];
  expectedWarnings?: string[];
  hardwareVersions?: string[];
  exampleStatus: string;
  note?: string;
}

export type DownlinkVector =
  | { kind: "encodeDownlink"; codecFile: string; description: string; input: { data: unknown }; expectedFPort?: number; expectedBytesHex?: string; expectedErrors?: string[] }
  | { kind: "decodeDownlink"; codecFile: string; description: string; fPort: number; bytesHex: string; expected: Record<string, unknown> };

const load = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), "utf8"));

/** The vector set of vectors/ (each vector names its source file and commit). */
export const UPLINKS: UplinkVector[] = load("commercial-uplinks.json").vectors;
export const DOWNLINKS: DownlinkVector[] = load("commercial-downlinks.json").vectors;
/** More published examples of the same devices (vectors/published-examples.json). */
const published = load("published-examples.json");
export const PUBLISHED_UPLINKS: UplinkVector[] = published.uplinks;
export const PUBLISHED_DOWNLINKS: DownlinkVector[] = published.downlinks;

/** `vendor/elsys/ers-codec.yaml` → `elsys/ers-codec`. */
export function codecIdOf(codecFile: string): string {
  return codecFile.replace(/^vendor\//, "").replace(/\.yaml$/, "");
}

export function bytesOf(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return out;
}

export const hexOf = (bytes: ArrayLike<number>): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Differences between `actual` and `expected`: numbers within `tolerance`, key order ignored,
 * everything else strictly equal. Empty when they match.
 */
export function differences(actual: unknown, expected: unknown, tolerance = 1e-9, path = "$"): string[] {
  if (typeof expected === "number" && typeof actual === "number") {
    return Math.abs(actual - expected) <= tolerance || (Number.isNaN(actual) && Number.isNaN(expected)) ? [] : [`${path}: ${actual} ≠ ${expected}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: ${JSON.stringify(actual)} is not an array`];
    if (actual.length !== expected.length) return [`${path}: ${actual.length} items ≠ ${expected.length}`];
    return expected.flatMap((e, i) => differences(actual[i], e, tolerance, `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return [`${path}: ${JSON.stringify(actual)} is not an object`];
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    return [...keys].sort().flatMap((k) =>
      !(k in e) ? [`${path}.${k}: unexpected ${JSON.stringify(a[k])}`] : !(k in a) ? [`${path}.${k}: missing`] : differences(a[k], e[k], tolerance, `${path}.${k}`),
    );
  }
  return Object.is(actual, expected) ? [] : [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
}

/** Flattens measurements (one or several) into one `dotted.key → value` map. */
export function flatMeasurements(measurements: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v !== null && typeof v === "object" && !Array.isArray(v)) visit(v as Record<string, unknown>, key);
      else out[key] = v;
    }
  };
  for (const m of measurements) visit(m, "");
  return out;
}

