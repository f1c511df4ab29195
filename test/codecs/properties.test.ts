// Property tests over every message layout of every profile, with arbitraries derived from the
// profile definitions (arbitraries.ts). Seeded: set CIGALE_FC_SEED to explore other seeds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NumberField } from "../../codecs/profiles/schema.ts";
import type { Codec } from "../../codecs/src/codec.ts";
import { CodecError, type ConfigCommand, type EncodeInput, type ProfileId } from "../../codecs/src/data.ts";
import { EU868_MAX_PAYLOAD } from "../../codecs/src/lorawan.ts";
import { MAX_PAYLOAD } from "../../codecs/assembly/protocol.ts";
import {
  type Draw,
  expectedLength,
  expectedMessage,
  inRange,
  justOutside,
  META_KEYS,
  type MessageSpec,
  messageInput,
  messageSpecs,
  outOfRange,
  put,
  refTargetAt,
  type Sample,
  sampleOf,
  samplesOf,
  wrongType,
} from "./arbitraries.ts";
import { wasm2jsCodec, wasmCodec } from "./paths.ts";

const SEED = Number(process.env["CIGALE_FC_SEED"] ?? 20260314);
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

type Json = Record<string, unknown>;

function encode(codec: Codec, spec: MessageSpec, input: Json) {
  const profile = spec.profile.id as ProfileId;
  return spec.kind === "command" ? codec.encodeDownlink(profile, input as unknown as ConfigCommand) : codec.encodeUplink(profile, input as EncodeInput);
}

function decode(codec: Codec, spec: MessageSpec, bytes: Uint8Array) {
  const profile = spec.profile.id as ProfileId;
  return spec.kind === "command" ? codec.decodeDownlink(profile, spec.fPort, bytes) : codec.decodeUplink(profile, spec.fPort, bytes);
}

function thrown(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error("expected a CodecError");
}

/** Round trip of one message: bytes, fPort, decoded data, frame length, canonical re-encoding. */
function roundTrip(codec: Codec, spec: MessageSpec, samples: readonly Sample[], interval: number, tagged: boolean): void {
  const input = messageInput(spec, samples, interval, tagged);
  if (expectedLength(spec, samples) > MAX_PAYLOAD) {
    // 32 samples can outgrow LoRaWAN's largest payload (242 bytes): the encoder refuses them
    expect(thrown(() => encode(codec, spec, input)).code).toBe("TOO_LARGE");
    return;
  }
  const frame = encode(codec, spec, input);
  expect(frame.fPort).toBe(spec.fPort);
  expect(frame.bytes.length).toBe(expectedLength(spec, samples));
  const decoded = decode(codec, spec, frame.bytes);
  expect(decoded).toEqual({ data: expectedMessage(spec, samples, interval), errors: [], warnings: [] });
  expect(Array.from(encode(codec, spec, decoded.data as Json).bytes)).toEqual(Array.from(frame.bytes));
}

const SPECS = messageSpecs();

describe.each([
  ["codecs.wasm", wasmCodec, 250],
  ["wasm2js", wasm2jsCodec, 40],
] as const)("decode(encode(x)) = x quantized to the declared resolution (%s)", (_name, codec: Codec, numRuns) => {
  for (const spec of SPECS) {
    it(spec.name, () => {
      fc.assert(
        fc.property(sampleOf(spec), fc.boolean(), (sample, tagged) => roundTrip(codec, spec, [sample], 0, tagged)),
        runs(numRuns),
      );
    });
    if (spec.kind !== "measurement") continue;
    it(`${spec.name}, multi-sample frames`, () => {
      const k = fc.oneof(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 32 }));
      const arb = k.chain((n) => fc.tuple(samplesOf(spec, n), fc.integer({ min: 1, max: 65535 })));
      fc.assert(
        fc.property(arb, ([samples, interval]) => roundTrip(codec, spec, samples, interval, true)),
        runs(Math.ceil(numRuns / 2)),
      );
    });
  }
});

describe("out-of-range readings (the documented behaviour)", () => {
  for (const spec of SPECS) {
    const numbered = spec.fields.map((f, i) => ({ f, i })).filter(({ f }) => f.kind === "number" || f.kind === "ref");
    if (numbered.length === 0) continue;

    it(`${spec.name}: more than half a step outside [min, max] throws OUT_OF_RANGE naming the field and its range`, () => {
      const arb = fc.constantFrom(...numbered).chain(({ f, i }) =>
        sampleOf(spec)
          .filter((s) => f.kind === "number" || refTargetAt(spec, s, i) !== undefined)
          .chain((s) => {
            const range = (f.kind === "number" ? f : refTargetAt(spec, s, i)) as NumberField;
            return fc.tuple(fc.constant(s), fc.constant(i), fc.constant(range), outOfRange(range));
          }),
      );
      fc.assert(
        fc.property(arb, ([sample, i, range, bad]) => {
          const broken = sample.map((d, j): Draw => (j === i ? { value: bad } : d));
          const error = thrown(() => encode(wasmCodec, spec, messageInput(spec, [broken], 0, false)));
          expect(error.code).toBe("OUT_OF_RANGE");
          expect(error.field).toBe(spec.fields[i]?.key);
          expect(error.message).toContain(`${range.min}…${range.max}`);
        }),
        runs(150),
      );
    });

    it(`${spec.name}: within half a step outside, a reading rounds onto the bound`, () => {
      const arb = fc.constantFrom(...numbered).chain(({ f, i }) =>
        sampleOf(spec)
          .filter((s) => f.kind === "number" || refTargetAt(spec, s, i) !== undefined)
          .chain((s) => {
            const range = (f.kind === "number" ? f : refTargetAt(spec, s, i)) as NumberField;
            return fc.tuple(fc.constant(s), fc.constant(i), fc.constant(range), justOutside(range));
          }),
      );
      fc.assert(
        fc.property(arb, ([sample, i, range, near]) => {
          const moved = sample.map((d, j): Draw => (j === i ? { value: near } : d));
          const onBound = sample.map((d, j): Draw => (j === i ? { value: near > range.max ? range.max : range.min } : d));
          const bytes = encode(wasmCodec, spec, messageInput(spec, [moved], 0, false)).bytes;
          expect(Array.from(bytes)).toEqual(Array.from(encode(wasmCodec, spec, messageInput(spec, [onBound], 0, false)).bytes));
        }),
        runs(100),
      );
    });

    if (spec.kind === "measurement") {
      it(`${spec.name}: a bad value in a later sample names that sample`, () => {
        const arb = fc.integer({ min: 2, max: 8 }).chain((k) =>
          fc.tuple(samplesOf(spec, k), fc.integer({ min: 0, max: k - 1 }), fc.constantFrom(...numbered)).chain(([samples, s, { f, i }]) =>
            fc.tuple(fc.constant(samples), fc.constant(s), fc.constant(i), outOfRange(f as NumberField)),
          ),
        );
        fc.assert(
          fc.property(arb, ([samples, s, i, bad]) => {
            const broken = samples.map((sample, t) => (t === s ? sample.map((d, j): Draw => (j === i ? { value: bad } : d)) : sample));
            const error = thrown(() => encode(wasmCodec, spec, messageInput(spec, broken, 60, true)));
            expect({ code: error.code, field: error.field, sample: error.sample }).toEqual({ code: "OUT_OF_RANGE", field: spec.fields[i]?.key, sample: s });
          }),
          runs(60),
        );
      });
    }

    it(`${spec.name}: ±Infinity throws NOT_A_NUMBER, NaN is absent`, () => {
      for (const { f, i } of numbered) {
        const sample = fc.sample(sampleOf(spec).filter((s) => f.kind === "number" || refTargetAt(spec, s, i) !== undefined), { seed: SEED, numRuns: 1 })[0] as Sample;
        for (const bad of [Infinity, -Infinity]) {
          const error = thrown(() => encode(wasmCodec, spec, messageInput(spec, [sample.map((d, j): Draw => (j === i ? { value: bad } : d))], 0, false)));
          expect({ code: error.code, field: error.field }).toEqual({ code: "NOT_A_NUMBER", field: f.key });
        }
        const nan = encode(wasmCodec, spec, messageInput(spec, [sample.map((d, j): Draw => (j === i ? { value: Number.NaN } : d))], 0, false));
        const left = encode(wasmCodec, spec, messageInput(spec, [sample.map((d, j): Draw => (j === i ? { absent: "omit" } : d))], 0, false));
        expect(Array.from(nan.bytes)).toEqual(Array.from(left.bytes));
      }
    });
  }
});

describe("input of the wrong shape", () => {
  for (const spec of SPECS) {
    it(`${spec.name}: a value of the wrong type throws INVALID_TYPE naming the field`, () => {
      const arb = fc.integer({ min: 0, max: spec.fields.length - 1 }).chain((i) =>
        fc.tuple(sampleOf(spec), fc.constant(i), wrongType(spec.fields[i] as (typeof spec.fields)[number], spec.refTargets)),
      );
      fc.assert(
        fc.property(arb, ([sample, i, bad]) => {
          const input = messageInput(spec, [sample], 0, false);
          const target = spec.kind === "measurement" && "samples" in input ? ((input["samples"] as Json[])[0] as Json) : input;
          put(target, (spec.fields[i] as (typeof spec.fields)[number]).key, bad);
          const error = thrown(() => encode(wasmCodec, spec, input));
          expect({ code: error.code, field: error.field }).toEqual({ code: "INVALID_TYPE", field: spec.fields[i]?.key });
        }),
        runs(150),
      );
    });

    it(`${spec.name}: an unknown key throws UNKNOWN_FIELD naming it`, () => {
      const known = new Set(spec.fields.map((f) => f.key));
      const prefixes = ["", ...new Set(spec.fields.flatMap((f) => f.key.split(".").slice(0, -1).map((_, n, parts) => parts.slice(0, n + 1).join("."))))];
      const arb = fc
        .tuple(sampleOf(spec), fc.constantFrom(...prefixes), fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,10}$/), fc.oneof(fc.integer(), fc.string(), fc.boolean()))
        .filter(([, prefix, name]) => {
          const key = prefix ? `${prefix}.${name}` : name;
          return !known.has(key) && !(prefix === "" && META_KEYS.has(name)) && ![...known].some((k) => k.startsWith(`${key}.`));
        });
      fc.assert(
        fc.property(arb, ([sample, prefix, name, value]) => {
          const input = messageInput(spec, [sample], 0, false);
          const target = spec.kind === "measurement" && "samples" in input ? ((input["samples"] as Json[])[0] as Json) : input;
          const key = prefix ? `${prefix}.${name}` : name;
          put(target, key, value);
          const error = thrown(() => encode(wasmCodec, spec, input));
          expect({ code: error.code, field: error.field }).toEqual({ code: "UNKNOWN_FIELD", field: key });
        }),
        runs(100),
      );
    });
  }

  it("measurement meta: version and interval must be whole numbers, an interval outside 1…65535 s is refused, other keys are unknown", () => {
    const spec = SPECS.find((s) => s.kind === "measurement" && s.latest) as MessageSpec;
    const sample = fc.sample(sampleOf(spec), { seed: SEED, numRuns: 1 })[0] as Sample;
    const base = messageInput(spec, [sample, sample], 60, true);
    const refuse = (patch: Json) => thrown(() => encode(wasmCodec, spec, { ...base, ...patch }));
    expect(refuse({ version: "2" })).toMatchObject({ code: "INVALID_TYPE", field: "version" });
    expect(refuse({ version: 1.5 })).toMatchObject({ code: "INVALID_TYPE", field: "version" });
    expect(refuse({ version: 0 })).toMatchObject({ code: "UNKNOWN_VERSION" });
    expect(refuse({ interval: "60" })).toMatchObject({ code: "INVALID_TYPE", field: "interval" });
    expect(refuse({ interval: 60.5 })).toMatchObject({ code: "BAD_INTERVAL", field: "interval" });
    expect(refuse({ interval: 2 ** 32 + 60 })).toMatchObject({ code: "BAD_INTERVAL", field: "interval" });
    expect(refuse({ interval: 65536 })).toMatchObject({ code: "BAD_INTERVAL" });
    expect(refuse({ interval: 0 })).toMatchObject({ code: "BAD_INTERVAL" });
    expect(refuse({ interval: undefined })).toMatchObject({ code: "BAD_INTERVAL" });
    expect(refuse({ intervall: 60 })).toMatchObject({ code: "UNKNOWN_FIELD", field: "intervall" });
    // a plain reading is one sample: message-level keys in it are mistakes, not silently dropped
    const reading = messageInput(spec, [sample], 0, false);
    for (const key of ["samples", "interval", "version"]) {
      expect(thrown(() => encode(wasmCodec, spec, { ...reading, [key]: key === "samples" ? [reading] : 1 }))).toMatchObject({ code: "UNKNOWN_FIELD", field: key });
    }
  });
});

describe("fitSamples: the most samples that fit an EU868 payload", () => {
  for (const spec of SPECS.filter((s) => s.kind === "measurement" && s.latest)) {
    it(spec.profile.id, () => {
      const arb = fc.integer({ min: 1, max: 32 }).chain((k) => fc.tuple(samplesOf(spec, k), fc.constantFrom(...new Set(EU868_MAX_PAYLOAD)), fc.integer({ min: 1, max: 65535 })));
      fc.assert(
        fc.property(arb, ([samples, maxBytes, interval]) => {
          const inputs = samples.map((s) => messageInput(spec, [s], 0, false));
          const fit = wasmCodec.fitSamples(spec.profile.id as ProfileId, inputs as EncodeInput[], interval, maxBytes);
          // the largest prefix whose frame fits, found by brute force from the format's own length rule
          let best = 0;
          for (let k = 1; k <= samples.length; k++) if (expectedLength(spec, samples.slice(0, k)) <= maxBytes) best = k;
          expect(fit).toBe(best);
          if (fit > 0) {
            const frame = wasmCodec.encodeUplink(spec.profile.id as ProfileId, { message: "measurement", interval, samples: inputs.slice(0, fit) } as EncodeInput);
            expect(frame.bytes.length).toBeLessThanOrEqual(maxBytes);
          }
        }),
        runs(60),
      );
    });
  }
});

describe("inRange draws stay inside the declared range (sanity of the arbitraries)", () => {
  it("for every number field", () => {
    for (const spec of SPECS) {
      for (const f of spec.fields) {
        if (f.kind !== "number") continue;
        for (const v of fc.sample(inRange(f), { seed: SEED, numRuns: 50 })) expect(v >= f.min && v <= f.max, `${f.key} ${v}`).toBe(true);
      }
    }
  });
});
