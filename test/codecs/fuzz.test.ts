// Fuzzing the decoder (and the encoder's input checks) of every profile, seeded and
// deterministic: random payloads and mutations of valid frames (bit flips, byte changes,
// truncation, extension, header rewrites, splices) on every fPort, uplink and downlink.
// Invariants: never throws or traps; `data` xor non-empty `errors`; a structured issue on every
// error; whatever decodes re-encodes to the same data; wasm2js answers exactly as codecs.wasm.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROFILES } from "../../codecs/profiles/index.ts";
import type { Codec } from "../../codecs/src/codec.ts";
import { CodecError, type ConfigCommand, type DecodeResult, type EncodeInput, type ProfileId } from "../../codecs/src/data.ts";
import { ERROR_NAMES } from "../../codecs/src/messages.ts";
import { prng } from "./prng.ts";
import { messageInput, messageSpecs, sampleOf, samplesOf } from "./arbitraries.ts";
import { wasm2jsCodec, wasmCodec } from "./paths.ts";
import { CONFIG_PORT, fromHex, vectorsOf } from "./vectors.ts";

/** Payloads per profile; the issue's floor is 100 000. CIGALE_FUZZ_PAYLOADS runs deeper, CIGALE_FUZZ_SEED elsewhere. */
const PAYLOADS = Math.max(120_000, Number(process.env["CIGALE_FUZZ_PAYLOADS"] ?? 0));
/** Every how many payloads the wasm2js translation is compared with codecs.wasm. */
const DIFFERENTIAL_EVERY = 3;
const SEED = Number(process.env["CIGALE_FUZZ_SEED"] ?? 0x5eed_c16a);

const ISSUE_CODES = new Set(Object.values(ERROR_NAMES));
const PORTS = [0, 1, 2, 3, 4, 5, 9, 10, 11, 100, 199, 223, 224, 255];

interface Frame {
  bytes: Uint8Array;
  fPort: number;
  downlink: boolean;
}


/** Valid frames of a profile: its golden vectors plus encodings of messages (multi-sample ones too) drawn from its definition. */
function corpusOf(profile: ProfileId): Frame[] {
  const set = vectorsOf(profile);
  const frames: Frame[] = [
    ...set.uplinks.map((v) => ({ bytes: fromHex(v.hex), fPort: v.fPort, downlink: false })),
    ...set.downlinks.map((v) => ({ bytes: fromHex(v.hex), fPort: CONFIG_PORT, downlink: true })),
  ];
  for (const spec of messageSpecs().filter((s) => s.profile.id === profile)) {
    const messages = fc.sample(sampleOf(spec), { seed: SEED, numRuns: 12 }).map((sample) => messageInput(spec, [sample], 0, true));
    if (spec.kind === "measurement") {
      const series = fc.integer({ min: 2, max: 12 }).chain((k) => samplesOf(spec, k));
      for (const samples of fc.sample(series, { seed: SEED, numRuns: 12 })) messages.push(messageInput(spec, samples, 600, true));
    }
    for (const input of messages) {
      const frame = spec.kind === "command" ? wasmCodec.encodeDownlink(profile, input as unknown as ConfigCommand) : wasmCodec.encodeUplink(profile, input as EncodeInput);
      frames.push({ bytes: frame.bytes, fPort: frame.fPort, downlink: spec.kind === "command" });
    }
  }
  return frames;
}

/** One fuzz payload: random bytes, or a valid frame after one to three mutations. */
function payload(rand: () => number, corpus: readonly Frame[]): Frame {
  const int = (n: number) => Math.floor(rand() * n);
  const byte = () => int(256);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)] as T;
  if (rand() < 0.15) {
    const length = rand() < 0.03 ? int(300) : int(48);
    return { bytes: Uint8Array.from({ length }, byte), fPort: rand() < 0.2 ? int(256) : pick(PORTS), downlink: rand() < 0.2 };
  }
  const base = pick(corpus);
  let bytes = Array.from(base.bytes);
  for (let m = 1 + int(3); m > 0; m--) {
    switch (int(9)) {
      case 0: // flip 1 to 4 bits
        for (let f = 1 + int(4); f > 0 && bytes.length; f--) {
          const at = int(bytes.length);
          bytes[at] = (bytes[at] as number) ^ (1 << int(8));
        }
        break;
      case 1: // replace a byte
        if (bytes.length) bytes[int(bytes.length)] = byte();
        break;
      case 2: // truncate
        bytes = bytes.slice(0, int(bytes.length + 1));
        break;
      case 3: // extend
        for (let e = 1 + int(8); e > 0; e--) bytes.push(byte());
        break;
      case 4: // rewrite the header: format version, the low 5 bits, or the whole byte
        if (!bytes.length) bytes.push(0);
        bytes[0] = [byte(), (int(8) << 5) | ((bytes[0] as number) & 31), ((bytes[0] as number) & 0xe0) | int(32)][int(3)] as number;
        break;
      case 5: // insert a byte
        bytes.splice(int(bytes.length + 1), 0, byte());
        break;
      case 6: // delete a byte
        if (bytes.length) bytes.splice(int(bytes.length), 1);
        break;
      case 7: {
        // splice with another frame
        const other = Array.from(pick(corpus).bytes);
        bytes = [...bytes.slice(0, int(bytes.length + 1)), ...other.slice(int(other.length + 1))];
        break;
      }
      case 8: // set a run of bytes to all ones or zeros (absent codes, zero codes)
        for (let at = int(bytes.length + 1), n = 1 + int(4), v = rand() < 0.5 ? 0xff : 0; n > 0 && at < bytes.length; n--, at++) bytes[at] = v;
        break;
    }
  }
  const fPort = rand() < 0.8 ? base.fPort : rand() < 0.5 ? pick(PORTS) : int(256);
  const downlink = rand() < 0.85 ? base.downlink : !base.downlink;
  return { bytes: Uint8Array.from(bytes), fPort, downlink };
}

function decodeWith(codec: Codec, profile: ProfileId, f: Frame): DecodeResult<unknown> {
  return f.downlink ? codec.decodeDownlink(profile, f.fPort, f.bytes) : codec.decodeUplink(profile, f.fPort, f.bytes);
}

/** What is wrong with one decode, or undefined. */
function violation(profile: ProfileId, f: Frame, r: DecodeResult<unknown>): string | undefined {
  if (!Array.isArray(r.errors) || !Array.isArray(r.warnings)) return "errors and warnings must be arrays";
  if ((r.data === undefined) === (r.errors.length === 0)) return `data xor errors broken: ${JSON.stringify(r)}`;
  if (r.data === undefined) {
    if (!r.issue || !ISSUE_CODES.has(r.issue.code)) return `error without a known issue code: ${JSON.stringify(r.issue)}`;
    if (r.errors.some((e) => typeof e !== "string" || e.length === 0)) return "errors must be non-empty strings";
    return undefined;
  }
  if (r.issue) return "an issue beside data";
  // Whatever decodes is a message the encoder accepts, and it reads back the same.
  let again: DecodeResult<unknown>;
  try {
    const frame = f.downlink ? wasmCodec.encodeDownlink(profile, r.data as ConfigCommand) : wasmCodec.encodeUplink(profile, r.data as EncodeInput);
    if (frame.fPort !== f.fPort) return `re-encoded on fPort ${frame.fPort}, decoded from ${f.fPort}`;
    if (frame.bytes.length > f.bytes.length) return `re-encoding is longer (${frame.bytes.length} > ${f.bytes.length} bytes)`;
    again = decodeWith(wasmCodec, profile, { ...f, bytes: frame.bytes });
  } catch (e) {
    return `decoded data does not re-encode: ${e instanceof Error ? e.message : String(e)} — ${JSON.stringify(r.data)}`;
  }
  if (!isDeepStrictEqual(again.data, r.data)) return `re-encoding changed the data: ${JSON.stringify(r.data)} → ${JSON.stringify(again.data)}`;
  return undefined;
}

describe(`decoder fuzzing: ${PAYLOADS.toLocaleString("en")} payloads per profile`, () => {
  for (const p of PROFILES) {
    const profile = p.id as ProfileId;
    it(profile, () => {
      const rand = prng(SEED ^ (p.code * 0x9e3779b9));
      const corpus = corpusOf(profile);
      const memory = wasmCodec["engine"].memory.buffer.byteLength;
      const failures: string[] = [];
      let decoded = 0;
      for (let i = 0; i < PAYLOADS && failures.length < 5; i++) {
        const f = payload(rand, corpus);
        let r: DecodeResult<unknown>;
        try {
          r = decodeWith(wasmCodec, profile, f);
        } catch (e) {
          failures.push(`threw ${String(e)} on fPort ${f.fPort} ${f.downlink ? "downlink" : "uplink"} ${Buffer.from(f.bytes).toString("hex")}`);
          continue;
        }
        if (r.data !== undefined) decoded++;
        const bad = violation(profile, f, r);
        if (bad) failures.push(`${bad} (fPort ${f.fPort} ${f.downlink ? "downlink" : "uplink"} ${Buffer.from(f.bytes).toString("hex")})`);
        if (i % DIFFERENTIAL_EVERY === 0) {
          const other = decodeWith(wasm2jsCodec, profile, f);
          if (!isDeepStrictEqual(other, r)) failures.push(`wasm2js differs on ${Buffer.from(f.bytes).toString("hex")}: ${JSON.stringify(other)} vs ${JSON.stringify(r)}`);
        }
      }
      expect(failures).toEqual([]);
      // the mix reaches both outcomes in earnest, the engine never grew its memory, and still decodes
      expect(decoded).toBeGreaterThan(PAYLOADS / 20);
      expect(decoded).toBeLessThan(PAYLOADS * 0.9);
      expect(wasmCodec["engine"].memory.buffer.byteLength).toBe(memory);
      const v = vectorsOf(profile).uplinks[0];
      if (v) expect(wasmCodec.decodeUplink(profile, v.fPort, fromHex(v.hex)).data).toEqual(v.data);
    });
  }
});

/** A random JSON-ish value: what a misconfigured integration may hand the encoder. */
function junk(rand: () => number, depth = 0): unknown {
  const int = (n: number) => Math.floor(rand() * n);
  switch (int(depth > 2 ? 7 : 9)) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return [0, -1, 1e300, -0, 0.5, Number.NaN, Infinity, 2 ** 53][int(8)];
    case 3:
      return (rand() - 0.5) * 10 ** int(12);
    case 4:
      return ["", "ok", "1.2.3", "air.no2", "setInterval", "measurement", "__proto__", "constructor"][int(8)];
    case 5:
      return int(300);
    case 6:
      return undefined;
    case 7:
      return Array.from({ length: int(4) }, () => junk(rand, depth + 1));
    default: {
      const keys = ["air", "temperature", "battery", "samples", "message", "interval", "version", "command", "token", "threshold", "field", "value", "x"];
      return Object.fromEntries(Array.from({ length: int(5) }, () => [keys[int(keys.length)] as string, junk(rand, depth + 1)]));
    }
  }
}

/** A valid input with one key replaced, removed or added at some depth. */
function mutateInput(rand: () => number, input: unknown): unknown {
  if (input === null || typeof input !== "object" || rand() < 0.15) return junk(rand);
  const copy: Record<string, unknown> = Array.isArray(input) ? ({ ...input } as Record<string, unknown>) : { ...(input as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys[Math.floor(rand() * keys.length)];
  const action = rand();
  if (key !== undefined && action < 0.5) copy[key] = mutateInput(rand, copy[key]);
  else if (key !== undefined && action < 0.7) delete copy[key];
  else copy[["extra", "air", "message", "version", "interval", "samples"][Math.floor(rand() * 6)] as string] = junk(rand);
  return Array.isArray(input) ? Object.values(copy) : copy;
}

describe("encoder input fuzzing: only CodecError, never another exception", () => {
  for (const p of PROFILES) {
    const profile = p.id as ProfileId;
    it(profile, () => {
      const rand = prng(SEED ^ (p.code * 0x85ebca6b));
      const valid = vectorsOf(profile);
      const inputs = [...valid.uplinks.map((v) => v.data), ...valid.downlinks.map((v) => v.data), ...valid.encodeErrors.map((v) => v.input)];
      const failures: string[] = [];
      for (let i = 0; i < 20_000 && failures.length < 5; i++) {
        const input = mutateInput(rand, inputs[Math.floor(rand() * inputs.length)]);
        const downlink = rand() < 0.3;
        try {
          if (downlink) wasmCodec.encodeDownlink(profile, input as ConfigCommand);
          else wasmCodec.encodeUplink(profile, input as EncodeInput);
        } catch (e) {
          if (!(e instanceof CodecError) || !e.code || !e.message) failures.push(`${String(e)} on ${JSON.stringify(input)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
