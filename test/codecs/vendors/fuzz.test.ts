/**
 * Fuzzing: for every vendor decoder, 100,000 random and mutated payloads on assorted fPorts.
 * Each call must return (never throw, never trap) either data or a non-empty error list with a
 * stable issue code; data must be plain JSON (finite numbers) and the normalized measurements too.
 * Downlink decoders get the same treatment, and encoders get random inputs. Seeded: reproducible.
 */
import { describe, expect, it } from "vitest";
import { QUANTITIES } from "../../../codecs/profiles/quantities.ts";
import { VENDOR_CODECS } from "../../../codecs/src/vendors/catalog.ts";
import { bytesOf, codecIdOf, DOWNLINKS, flatMeasurements, freshVendorCodecs, PUBLISHED_DOWNLINKS, PUBLISHED_UPLINKS, UPLINKS } from "./harness.ts";
import { prng } from "../prng.ts";

const { codecs: vendorCodecs, engine } = freshVendorCodecs();

const PAYLOADS_PER_DECODER = 100_000;
const QUANTITY_KEYS = new Set<string>(QUANTITIES.map((q) => q.key));

/** Published frames of each codec, the seeds that mutations start from. */
const seeds = new Map<string, Array<{ fPort: number; bytes: number[] }>>();
for (const v of [...UPLINKS, ...PUBLISHED_UPLINKS]) {
  const id = codecIdOf(v.codecFile);
  seeds.set(id, [...(seeds.get(id) ?? []), { fPort: v.fPort, bytes: bytesOf(v.bytesHex) }]);
}
const downlinkSeeds = new Map<string, Array<{ fPort: number; bytes: number[] }>>();
for (const v of [...DOWNLINKS, ...PUBLISHED_DOWNLINKS]) {
  if (v.kind !== "decodeDownlink") continue;
  const id = codecIdOf(v.codecFile);
  downlinkSeeds.set(id, [...(downlinkSeeds.get(id) ?? []), { fPort: v.fPort, bytes: bytesOf(v.bytesHex) }]);
}

/** A payload generator: random bytes of random length, or a published frame mutated. */
function payloads(seed: number, frames: Array<{ fPort: number; bytes: number[] }>) {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const ports = [...new Set(frames.map((f) => f.fPort)), 0, 1, 2, 3, 6, 7, 85, 223, 255];
  return (): { fPort: number; bytes: number[]; kind: string } => {
    const fPort = rand() < 0.85 ? (ports[int(ports.length)] as number) : int(256);
    const frame = frames[int(frames.length)];
    if (!frame || rand() < 0.4) {
      // Random: mostly short frames (where the structure is), sometimes up to the LoRaWAN maximum.
      const length = rand() < 0.9 ? int(32) : int(243);
      return { fPort, bytes: Array.from({ length }, () => int(256)), kind: "random" };
    }
    const bytes = [...frame.bytes];
    const edits = 1 + int(4);
    for (let e = 0; e < edits; e++) {
      const op = int(6);
      const at = int(bytes.length + 1);
      if (op === 0 && bytes.length) bytes[at % bytes.length] = int(256); // overwrite a byte
      else if (op === 1 && bytes.length) bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ (1 << int(8)); // flip a bit
      else if (op === 2) bytes.splice(at, 0, int(256)); // insert
      else if (op === 3) bytes.splice(at, 1); // delete
      else if (op === 4) bytes.length = int(bytes.length + 1); // truncate
      else bytes.push(...Array.from({ length: 1 + int(12) }, () => int(256))); // extend
    }
    return { fPort: frame.fPort === fPort || rand() < 0.7 ? frame.fPort : fPort, bytes, kind: "mutated" };
  };
}

/** Throws with the failing input when a result breaks the contract. */
function checkResult(r: { data?: unknown; errors: string[]; warnings: string[]; issue?: { code: string } }, input: unknown): void {
  const fail = (why: string) => {
    throw new Error(`${why} for ${JSON.stringify(input)}: ${JSON.stringify(r)}`);
  };
  if (!Array.isArray(r.errors) || !Array.isArray(r.warnings)) fail("errors/warnings not arrays");
  if (r.data === undefined) {
    if (r.errors.length === 0) fail("neither data nor errors");
    if (!r.issue || typeof r.issue.code !== "string") fail("error without issue code");
  } else {
    if (r.errors.length > 0) fail("data and errors together");
    if (!plainJson(r.data)) fail("data is not plain JSON");
  }
  for (const m of [...r.errors, ...r.warnings]) if (typeof m !== "string" || m.length === 0) fail("empty message");
}

function plainJson(v: unknown): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(plainJson);
  if (typeof v === "object") return Object.values(v as object).every(plainJson);
  return false;
}

/** The engine never allocates: its memory must not grow. */
const memoryBefore = () => engine.memory.buffer.byteLength;

describe("vendor uplink decoders never trap: 100,000 random and mutated payloads each", () => {
  const pages = memoryBefore();
  it.each(VENDOR_CODECS.map((c, i) => [c.id, i] as const))("%s", (id, i) => {
    const next = payloads(0xc1a1e + i, seeds.get(id) ?? []);
    let decoded = 0;
    let failed = 0;
    for (let n = 0; n < PAYLOADS_PER_DECODER; n++) {
      const input = next();
      const r = vendorCodecs.decodeUplink(id, input.fPort, input.bytes, { hardwareVersion: "1.0-2M" });
      checkResult(r, input);
      if (!Array.isArray(r.normalized) || !r.normalized.every(plainJson)) throw new Error(`bad normalized for ${JSON.stringify(input)}`);
      if (n % 16 === 0) {
        for (const key of Object.keys(flatMeasurements(r.normalized))) {
          if (key !== "time" && !QUANTITY_KEYS.has(key)) throw new Error(`undeclared quantity ${key} for ${JSON.stringify(input)}`);
        }
      }
      if (r.data === undefined) failed++;
      else decoded++;
    }
    expect(decoded + failed).toBe(PAYLOADS_PER_DECODER);
    // Both outcomes are exercised: the fuzzer reaches past the first length check.
    expect(decoded).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    expect(memoryBefore()).toBe(pages);
  });
});

describe("vendor downlink decoders never trap: 100,000 random and mutated frames each", () => {
  const withDownlink = VENDOR_CODECS.filter((c) => c.downlink);
  it.each(withDownlink.map((c, i) => [c.id, i] as const))("%s", (id, i) => {
    const own = downlinkSeeds.get(id) ?? [...downlinkSeeds.entries()].filter(([k]) => k.split("/")[0] === id.split("/")[0]).flatMap(([, v]) => v);
    const next = payloads(0xd0e + i, own);
    for (let n = 0; n < PAYLOADS_PER_DECODER; n++) {
      const input = next();
      checkResult(vendorCodecs.decodeDownlink(id, input.fPort, input.bytes), input);
    }
  });
});

describe("vendor downlink encoders reject what they cannot encode", () => {
  it.each(VENDOR_CODECS.map((c, i) => [c.id, i] as const))("%s: 20,000 random inputs", (id, i) => {
    const rand = prng(0xe7c + i);
    const int = (n: number) => Math.floor(rand() * n);
    const words = ["Cmd", "Device", "MinTime", "MaxTime", "BatteryChange", "TempChange", "HumiChange", "command", "parameter", "led", "ConfigReportReq", "ReadConfigReportReq", "R718AB", "RA07 Series", "R311W", "set period", "reset", "set adr off", "green", "red", "blue", ""];
    const value = (): unknown => {
      const k = int(7);
      if (k === 0) return words[int(words.length)];
      if (k === 1) return int(70000) - 1000;
      if (k === 2) return rand() * 100;
      if (k === 3) return [NaN, Infinity, -0, 1e300][int(4)];
      if (k === 4) return rand() < 0.5;
      if (k === 5) return null;
      return { nested: int(10) };
    };
    for (let n = 0; n < 20_000; n++) {
      const data: Record<string, unknown> = {};
      for (let m = int(8); m > 0; m--) data[words[int(words.length)] as string] = value();
      const input = rand() < 0.02 ? [null, 42, "x", [1, 2]][int(4)] : data;
      const r = vendorCodecs.encodeDownlink(id, input);
      if (r.bytes === undefined) {
        if (r.errors.length === 0 || !r.issue) throw new Error(`no bytes and no error for ${JSON.stringify(input)}`);
      } else {
        if (r.errors.length > 0 || !r.bytes.every((b) => b === (b & 0xff)) || typeof r.fPort !== "number") throw new Error(`bad frame for ${JSON.stringify(input)}`);
        // What was encoded decodes back, and re-encodes to the same bytes.
        const back = vendorCodecs.decodeDownlink(id, r.fPort, r.bytes);
        expect(back.errors).toEqual([]);
        expect(vendorCodecs.encodeDownlink(id, back.data).bytes).toEqual(r.bytes);
      }
    }
  });
});
