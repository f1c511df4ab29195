// Golden vectors in both directions (decode → JSON, encode → hex) on codecs.wasm and wasm2js, and
// checks that the vectors cover what the format can express.
import { describe, expect, it } from "vitest";
import { COMMANDS, PROFILES } from "../../codecs/profiles/index.ts";
import { bitsOf, latest, type Layout, type Profile } from "../../codecs/profiles/schema.ts";
import type { Codec } from "../../codecs/src/codec.ts";
import { CodecError, type ConfigCommand, type EncodeInput, type ProfileId } from "../../codecs/src/data.ts";
import { BitReader } from "./bitpack.ts";
import { wasm2jsCodec, wasmCodec } from "./paths.ts";
import { CONFIG_PORT, fromHex, loadVectors, toHex, type UplinkVector, vectorsOf } from "./vectors.ts";

type Json = Record<string, unknown>;

describe.each([
  ["codecs.wasm", wasmCodec],
  ["wasm2js", wasm2jsCodec],
] as const)("golden vectors, both directions (%s)", (_name, codec: Codec) => {
  for (const set of loadVectors()) {
    const profile = set.profile as ProfileId;
    describe(profile, () => {
      for (const v of set.uplinks) {
        it(`decode: ${v.name}`, () => {
          const r = codec.decodeUplink(profile, v.fPort, fromHex(v.hex));
          expect(r).toEqual({ data: v.data, errors: [], warnings: v.warnings ?? [] });
        });
        if (v.encode === false) continue;
        it(`encode: ${v.name}`, () => {
          const frame = codec.encodeUplink(profile, v.data as EncodeInput);
          expect({ hex: toHex(frame.bytes), fPort: frame.fPort }).toEqual({ hex: v.hex, fPort: v.fPort });
          const plain = plainReading(v);
          if (plain) expect(toHex(codec.encodeUplink(profile, plain as EncodeInput).bytes)).toBe(v.hex);
        });
      }
      for (const v of set.downlinks) {
        it(`downlink decode: ${v.name}`, () => {
          expect(codec.decodeDownlink(profile, CONFIG_PORT, fromHex(v.hex))).toEqual({ data: v.data, errors: [], warnings: [] });
        });
        it(`downlink encode: ${v.name}`, () => {
          const frame = codec.encodeDownlink(profile, v.data as unknown as ConfigCommand);
          expect({ hex: toHex(frame.bytes), fPort: frame.fPort }).toEqual({ hex: v.hex, fPort: CONFIG_PORT });
        });
      }
      for (const v of set.decodeErrors) {
        it(`${v.direction ?? "uplink"} decode error ${v.code}: ${v.name}`, () => {
          const bytes = fromHex(v.hex);
          const r = v.direction === "downlink" ? codec.decodeDownlink(profile, v.fPort, bytes) : codec.decodeUplink(profile, v.fPort, bytes);
          expect(r.data).toBeUndefined();
          expect(r.issue?.code).toBe(v.code);
          expect(r.issue?.field).toBe(v.field);
          expect(r.errors).toEqual([r.issue?.message]);
          expect(r.warnings).toEqual([]);
        });
      }
      for (const v of set.encodeErrors) {
        it(`${v.direction ?? "uplink"} encode error ${v.code}: ${v.name}`, () => {
          const attempt = () =>
            v.direction === "downlink" ? codec.encodeDownlink(profile, v.input as unknown as ConfigCommand) : codec.encodeUplink(profile, v.input as EncodeInput);
          const error = caught(attempt);
          expect(error).toBeInstanceOf(CodecError);
          expect({ code: error.code, field: error.field }).toEqual({ code: v.code, field: v.field });
          if (v.field) expect(error.message).toContain(v.field);
        });
      }
    });
  }
});

describe("receive time", () => {
  const recvTime = new Date("2026-03-14T09:34:15.000Z");

  it("times each sample of a multi-sample frame back from the uplink", () => {
    const v = vectorsOf("env").uplinks.find((u) => u.name.startsWith("measurement: 3 samples")) as UplinkVector;
    const data = wasmCodec.decodeUplink("env", v.fPort, fromHex(v.hex), { recvTime }).data as { samples: Array<{ offset: number; time: string }> };
    expect(data.samples.map((s) => [s.offset, s.time])).toEqual([
      [-1200, "2026-03-14T09:14:15.000Z"],
      [-600, "2026-03-14T09:24:15.000Z"],
      [0, "2026-03-14T09:34:15.000Z"],
    ]);
  });

  it("times status and alarm frames, not acks", () => {
    const set = vectorsOf("waste");
    for (const v of set.uplinks) {
      const data = wasmCodec.decodeUplink("waste", v.fPort, fromHex(v.hex), { recvTime }).data as unknown as Json;
      if (data["message"] === "status" || data["message"] === "alarm") expect(data).toEqual({ ...v.data, time: recvTime.toISOString() });
      if (data["message"] === "ack") expect(data).toEqual(v.data);
    }
  });
});

describe("the golden vectors cover the format", () => {
  for (const p of PROFILES as readonly Profile[]) {
    const set = vectorsOf(p.id);
    const measurements = set.uplinks.filter((v) => v.data["message"] === "measurement");
    const samplesOf = (v: UplinkVector) => v.data["samples"] as Json[];
    const single = measurements.filter((v) => samplesOf(v).length === 1);
    const layout = latest(p.measurement);

    describe(p.id, () => {
      it("has every number field at its minimum and at its maximum, in single-sample frames", () => {
        for (const f of layout.fields) {
          if (f.kind !== "number") continue;
          const values = single.map((v) => get(samplesOf(v)[0] as Json, f.key));
          expect(values, f.key).toContain(f.min);
          expect(values, f.key).toContain(f.max);
        }
      });

      it("has a frame with every field absent and one with some absent", () => {
        const counts = single.map((v) => leafCount(samplesOf(v)[0] as Json) - 1); // minus offset
        expect(counts).toContain(0);
        expect(counts.some((n) => n > 0 && n < layout.fields.length)).toBe(true);
      });

      it("has every measurement format version", () => {
        for (const l of p.measurement) expect(measurements.some((v) => v.data["version"] === l.version), `v${l.version}`).toBe(true);
      });

      it("has multi-sample frames with a delta column and a raw column (walked bit by bit from the definition)", () => {
        const modes = new Set<number>();
        for (const v of measurements) {
          const walked = walkMeasurement(p, fromHex(v.hex));
          expect(walked.count, v.name).toBe(samplesOf(v).length);
          if (v.encode !== false) expect(walked.padding, v.name).toMatch(/^0{0,7}$/);
          for (const m of walked.modes) modes.add(m);
        }
        expect(modes.has(15)).toBe(true);
        expect([...modes].some((m) => m >= 1 && m <= 14)).toBe(true);
      });

      if (layout.sparse) {
        it("has a sparse frame for each quantity alone (each meter medium)", () => {
          for (const f of layout.fields) {
            if (f.key === "battery") continue;
            const alone = single.some((v) => {
              const keys = leafKeys(samplesOf(v)[0] as Json).filter((k) => k !== "offset" && k !== "battery");
              return keys.length === 1 && keys[0] === f.key;
            });
            expect(alone, f.key).toBe(true);
          }
        });
      }

      it("has status, alarms with and without a threshold, an ack and a downlink for every command", () => {
        const messages = set.uplinks.map((v) => v.data);
        expect(messages.some((d) => d["message"] === "status")).toBe(true);
        expect(messages.some((d) => d["message"] === "alarm" && get(d, "threshold.field") !== undefined)).toBe(true);
        expect(messages.some((d) => d["message"] === "alarm" && get(d, "threshold.field") === undefined)).toBe(true);
        for (const c of COMMANDS) {
          expect(messages.some((d) => d["message"] === "ack" && d["command"] === c.name), `ack ${c.name}`).toBe(true);
          expect(set.downlinks.some((v) => v.data["command"] === c.name), `downlink ${c.name}`).toBe(true);
        }
      });

      it("has decode-error vectors for every way a frame can be refused", () => {
        const codes = new Set(set.decodeErrors.map((v) => v.code));
        for (const code of ["EMPTY_PAYLOAD", "TRUNCATED", "UNKNOWN_VERSION", "UNSUPPORTED_PORT", "RESERVED_BITS", "UNKNOWN_COMMAND", "INVALID_CODE", "BAD_INTERVAL", "TOO_LARGE"]) {
          expect(codes, code).toContain(code);
        }
      });
    });
  }
});

/** A single-sample measurement's sample as a plain reading (what firmware and the CLI pass). */
function plainReading(v: UplinkVector): Json | undefined {
  const samples = v.data["samples"] as Json[] | undefined;
  if (v.data["message"] !== "measurement" || samples?.length !== 1 || v.data["version"] !== latestVersionOf(v)) return undefined;
  if (v.data["age"] !== undefined) return undefined; // a delayed frame is a tagged message

  const { offset: _offset, ...reading } = samples[0] as Json;
  return reading;
}

function latestVersionOf(v: UplinkVector): number {
  const p = PROFILES.find((x) => x.id === v.data["profile"]) as Profile;
  return latest(p.measurement).version;
}

/**
 * Walks a measurement frame with nothing but the format's definition: header, interval, presence
 * bitmap, first sample at full width, then per present field a 4-bit mode and k − 1 values.
 */
function walkMeasurement(p: Profile, bytes: Uint8Array): { count: number; modes: number[]; padding: string } {
  const r = new BitReader(bytes);
  let version = r.read(3);
  const count = r.read(5) + 1;
  if (version === 0) {
    // a delayed frame: its real version and the age of its newest sample
    version = r.read(3);
    r.read(21);
  }
  const layout = p.measurement.find((l) => l.version === version) as Layout;
  if (count > 1) r.read(16);
  const n = layout.fields.length;
  const bitmap = layout.sparse ? r.read(n) : 2 ** n - 1;
  const present = layout.fields.map((_, i) => Math.floor(bitmap / 2 ** (n - 1 - i)) % 2 === 1);
  layout.fields.forEach((f, i) => present[i] && r.read(bitsOf(f)));
  const modes: number[] = [];
  if (count > 1) {
    layout.fields.forEach((f, i) => {
      if (!present[i]) return;
      const mode = r.read(4);
      modes.push(mode);
      for (let s = 1; s < count; s++) r.read(mode === 15 ? bitsOf(f) : mode);
    });
  }
  return { count, modes, padding: r.rest() };
}

function get(node: Json, key: string): unknown {
  let at: unknown = node;
  for (const part of key.split(".")) at = at !== null && typeof at === "object" ? (at as Json)[part] : undefined;
  return at;
}

function leafKeys(node: Json, prefix = ""): string[] {
  return Object.entries(node).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === "object" ? leafKeys(v as Json, key) : [key];
  });
}

function leafCount(node: Json): number {
  return leafKeys(node).length;
}

function caught(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    return e as CodecError;
  }
  throw new Error("expected the encoder to throw");
}
