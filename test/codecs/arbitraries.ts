/**
 * fast-check arbitraries derived from the profile definitions (codecs/profiles), never listed by
 * hand: every message layout of every profile, readings drawn inside each field's declared range,
 * and the format's oracle — what a reading must decode to, and how many bits its frame takes —
 * written from docs/codec-format.md, independently of the engine.
 */
import fc from "fast-check";
import { buildCatalog } from "../../codecs/profiles/catalog.ts";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { bitsOf, codeCount, decimalsOf, type Field, type NumberField, type Profile } from "../../codecs/profiles/schema.ts";
import * as P from "../../codecs/assembly/protocol.ts";

export type MessageKind = "measurement" | "status" | "alarm" | "ack" | "command";

/** One message layout of one profile, as the encoder's caller sees it. */
export interface MessageSpec {
  readonly name: string;
  readonly profile: Profile;
  readonly kind: MessageKind;
  readonly version: number;
  /** The layout the encoder writes when no version is asked for. */
  readonly latest: boolean;
  readonly sparse: boolean;
  readonly fields: readonly Field[];
  /** Command name, for acks and commands. */
  readonly command?: string;
  readonly fPort: number;
  /** Quantities a fieldRef can name (the profile's measurement number fields, stable order). */
  readonly refTargets: readonly NumberField[];
}

const KIND_NAMES: Record<number, MessageKind> = {
  [P.KIND_MEASUREMENT]: "measurement",
  [P.KIND_STATUS]: "status",
  [P.KIND_ALARM]: "alarm",
  [P.KIND_ACK]: "ack",
  [P.KIND_COMMAND]: "command",
};
const PORTS: Record<MessageKind, number> = { measurement: 1, status: 2, alarm: 3, ack: 10, command: 10 };

/** Every message layout of every profile: each measurement version, alarm, status, ack per command, command. */
export function messageSpecs(): MessageSpec[] {
  const catalog = buildCatalog();
  const commands = catalog.layouts.filter((l) => l.kind === P.KIND_COMMAND);
  const specs: MessageSpec[] = [];
  for (const profile of PROFILES as readonly Profile[]) {
    const refTargets = catalog.refTargets.get(profile.code) ?? [];
    for (const l of catalog.layouts) {
      if (l.profile !== 0 && l.profile !== profile.code) continue;
      const kind = KIND_NAMES[l.kind] as MessageKind;
      const newest = Math.max(...catalog.layouts.filter((x) => x.profile === l.profile && x.kind === l.kind).map((x) => x.version));
      const base = { profile, kind, version: l.version, latest: l.version === newest, sparse: l.sparse, fields: l.fields, fPort: PORTS[kind], refTargets };
      if (kind === "ack") {
        for (const c of commands) specs.push({ ...base, name: `${profile.id} ack ${c.command} v${l.version}`, command: c.command as string });
      } else if (kind === "command") {
        specs.push({ ...base, name: `${profile.id} command ${l.command}`, command: l.command as string });
      } else {
        specs.push({ ...base, name: `${profile.id} ${kind} v${l.version}` });
      }
    }
  }
  return specs;
}

// — numbers at the declared resolution —

interface Scaled {
  /** 10^decimals of the resolution. */
  scale: number;
  minScaled: number;
  stepScaled: number;
}

function scaled(f: NumberField): Scaled {
  const scale = 10 ** decimalsOf(f.resolution);
  return { scale, minScaled: Math.round(f.min * scale), stepScaled: Math.round(f.resolution * scale) };
}

/** The format's number code: round((v·10^d − min·10^d) / step), halves rounded up. */
export function numberCode(f: NumberField, v: number): number {
  const s = scaled(f);
  return Math.round((v * s.scale - s.minScaled) / s.stepScaled);
}

/** The value a code stands for: the double nearest the decimal min + code·resolution. */
export function codeValue(f: NumberField, code: number): number {
  const s = scaled(f);
  return (s.minScaled + code * s.stepScaled) / s.scale;
}

/** `v` quantized to the field's resolution, as the decoder must return it. */
export function quantize(f: NumberField, v: number): number {
  return codeValue(f, numberCode(f, v));
}

/** Readings inside [min, max]: grid points, arbitrary doubles, near-half-step points, the bounds. */
export function inRange(f: NumberField): fc.Arbitrary<number> {
  const n = codeCount(f);
  const grid = fc.integer({ min: 0, max: n - 1 }).map((c) => codeValue(f, c));
  const anywhere = fc.double({ min: f.min, max: f.max, noNaN: true });
  const halves = fc
    .tuple(fc.integer({ min: 0, max: n - 1 }), fc.constantFrom(-0.5, -0.49, -0.25, 0.25, 0.49, 0.5))
    .map(([c, frac]) => codeValue(f, c) + frac * f.resolution)
    .filter((v) => v >= f.min && v <= f.max);
  return fc.oneof(grid, anywhere, halves, fc.constantFrom(f.min, f.max));
}

/** Readings the encoder must refuse with OUT_OF_RANGE: more than half a step outside the range. */
export function outOfRange(f: NumberField): fc.Arbitrary<number> {
  const span = f.max - f.min + 1;
  return fc.oneof(
    fc.double({ min: f.max + 0.51 * f.resolution, max: f.max + span * 1e3, noNaN: true }),
    fc.double({ min: f.min - span * 1e3, max: f.min - 0.51 * f.resolution, noNaN: true }),
    fc.constantFrom(f.max + f.resolution, f.min - f.resolution, 1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE),
  );
}

/** Readings within half a step outside the range: they round onto the nearest bound. */
export function justOutside(f: NumberField): fc.Arbitrary<number> {
  return fc.oneof(
    fc.double({ min: f.max, max: f.max + 0.49 * f.resolution, minExcluded: true, noNaN: true }),
    fc.double({ min: f.min - 0.49 * f.resolution, max: f.min, maxExcluded: true, noNaN: true }),
  );
}

// — one sample of a layout —

/** A field's draw: a value in the input's JSON form, or absent (left out, or given as null). */
export type Draw = { readonly value: number | boolean | string } | { readonly absent: "omit" | "null" };

export type Sample = readonly Draw[];

const absent: fc.Arbitrary<Draw> = fc.constantFrom<Draw>({ absent: "omit" }, { absent: "null" });

function present(arb: fc.Arbitrary<number | boolean | string>): fc.Arbitrary<Draw> {
  return arb.map((value) => ({ value }));
}

function maybe(arb: fc.Arbitrary<number | boolean | string>): fc.Arbitrary<Draw> {
  return fc.oneof({ weight: 3, arbitrary: present(arb) }, { weight: 1, arbitrary: absent });
}

/** The measurement field a `ref` at `index` takes its scale from, given the sample's fieldRef draw. */
export function refTargetAt(spec: MessageSpec, sample: Sample, index: number): NumberField | undefined {
  for (let i = index - 1; i >= 0; i--) {
    if (spec.fields[i]?.kind !== "fieldRef") continue;
    const d = sample[i] as Draw;
    return "value" in d ? spec.refTargets.find((t) => t.key === d.value) : undefined;
  }
  return undefined;
}

/** A draw for every field of the layout; ref values follow the quantity their fieldRef names. */
export function sampleOf(spec: MessageSpec): fc.Arbitrary<Sample> {
  const refIndex = spec.fields.findIndex((f) => f.kind === "fieldRef");
  const target = refIndex < 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...spec.refTargets), { nil: undefined, freq: 4 });
  return target.chain((t) =>
    fc.tuple(
      ...spec.fields.map((f): fc.Arbitrary<Draw> => {
        switch (f.kind) {
          case "number":
            return maybe(inRange(f));
          case "boolean":
            return maybe(fc.boolean());
          case "enum":
            return maybe(fc.constantFrom(...f.values));
          case "version":
            return maybe(fc.tuple(byte, byte, byte).map((v) => v.join(".")));
          case "fieldRef":
            return t ? present(fc.constant(t.key)) : absent;
          case "ref":
            return t ? maybe(inRange(t)) : absent;
        }
      }),
    ),
  );
}

const byte = fc.integer({ min: 0, max: 255 });

/**
 * `count` samples of a measurement layout, column by column: independent draws, random walks on
 * the code grid (small deltas, so the encoder picks delta columns), or constants.
 */
export function samplesOf(spec: MessageSpec, count: number): fc.Arbitrary<Sample[]> {
  const columns = spec.fields.map((f) => columnOf(f, count));
  return fc.tuple(...columns).map((cols) => Array.from({ length: count }, (_, s) => cols.map((c) => c[s] as Draw)));
}

function columnOf(f: Field, count: number): fc.Arbitrary<Draw[]> {
  const independent = fc.array(sampleDraw(f), { minLength: count, maxLength: count });
  if (f.kind !== "number") return independent;
  const n = codeCount(f);
  const walk = fc
    .tuple(
      fc.integer({ min: 0, max: n - 1 }),
      fc.constantFrom(0, 1, 3, 50, 5000, 30000),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: count, maxLength: count }),
      fc.array(fc.boolean(), { minLength: count, maxLength: count }),
    )
    .map(([start, reach, steps, holes]) => {
      let code = start;
      return steps.map((step, s): Draw => {
        code = Math.min(n - 1, Math.max(0, code + Math.round(step * reach)));
        return holes[s] && s > 0 && reach === 5000 ? { absent: "omit" } : { value: codeValue(f, code) };
      });
    });
  return fc.oneof(independent, walk, sampleDraw(f).map((d) => Array.from({ length: count }, () => d)));
}

function sampleDraw(f: Field): fc.Arbitrary<Draw> {
  switch (f.kind) {
    case "number":
      return maybe(inRange(f));
    case "boolean":
      return maybe(fc.boolean());
    case "enum":
      return maybe(fc.constantFrom(...f.values));
    default:
      throw new Error(`${f.kind} fields do not appear in measurements`);
  }
}

// — inputs and the oracle —

type Json = Record<string, unknown>;

/** The encoder's input for one sample (nested keys; absent fields left out or null). */
export function sampleInput(spec: MessageSpec, sample: Sample): Json {
  const out: Json = {};
  spec.fields.forEach((f, i) => {
    const d = sample[i] as Draw;
    if ("value" in d) put(out, f.key, d.value);
    else if (d.absent === "null") put(out, f.key, null);
  });
  return out;
}

/**
 * What one sample must decode to. `written[i]` tells whether field i's column is in the frame
 * (always in dense layouts; in sparse ones when any sample has the field): absent booleans and
 * versions in a written column read back as false and "0.0.0", other absent fields stay absent.
 */
export function expectedSample(spec: MessageSpec, sample: Sample, written: readonly boolean[]): Json {
  const out: Json = {};
  spec.fields.forEach((f, i) => {
    const d = sample[i] as Draw;
    if (!("value" in d)) {
      if (written[i] && f.kind === "boolean") put(out, f.key, false);
      if (written[i] && f.kind === "version") put(out, f.key, "0.0.0");
      return;
    }
    if (f.kind === "number") put(out, f.key, quantize(f, d.value as number));
    else if (f.kind === "ref") put(out, f.key, quantize(refTargetAt(spec, sample, i) as NumberField, d.value as number));
    else put(out, f.key, d.value);
  });
  return out;
}

/** Columns in the frame: all of a dense layout, the fields some sample has in a sparse one. */
export function writtenColumns(spec: MessageSpec, samples: readonly Sample[]): boolean[] {
  return spec.fields.map((_, i) => !spec.sparse || samples.some((s) => "value" in (s[i] as Draw)));
}

/** The encoder input of a whole message. */
export function messageInput(spec: MessageSpec, samples: readonly Sample[], interval: number, tagged: boolean): Json {
  switch (spec.kind) {
    case "measurement":
      if (samples.length === 1 && !tagged && spec.latest) return sampleInput(spec, samples[0] as Sample);
      return {
        message: "measurement",
        ...(spec.latest && !tagged ? {} : { version: spec.version }),
        ...(samples.length > 1 ? { interval } : {}),
        samples: samples.map((s) => sampleInput(spec, s)),
      };
    case "status":
    case "alarm":
      return { message: spec.kind, ...sampleInput(spec, samples[0] as Sample) };
    case "ack":
      return { message: "ack", command: spec.command, ...sampleInput(spec, samples[0] as Sample) };
    case "command":
      return { command: spec.command, ...sampleInput(spec, samples[0] as Sample) };
  }
}

/** What decoding the encoded message must give (without a receive time). */
export function expectedMessage(spec: MessageSpec, samples: readonly Sample[], interval: number): Json {
  const written = writtenColumns(spec, samples);
  const head = { profile: spec.profile.id, version: spec.version };
  switch (spec.kind) {
    case "measurement": {
      const k = samples.length;
      const list = samples.map((s, i) => ({ offset: (i + 1 - k) * interval, ...expectedSample(spec, s, written) }));
      return { message: "measurement", ...head, ...(k > 1 ? { interval } : {}), samples: list };
    }
    case "status":
    case "alarm":
      return { message: spec.kind, ...head, ...expectedSample(spec, samples[0] as Sample, written) };
    case "ack":
      return { message: "ack", ...head, command: spec.command, ...expectedSample(spec, samples[0] as Sample, written) };
    case "command":
      return { command: spec.command, ...expectedSample(spec, samples[0] as Sample, written) };
  }
}

/** The code a field's draw is written as (absent codes included). */
function codeOf(spec: MessageSpec, sample: Sample, i: number): number {
  const f = spec.fields[i] as Field;
  const d = sample[i] as Draw;
  const allOnes = (bits: number) => 2 ** bits - 1;
  switch (f.kind) {
    case "number":
      return "value" in d ? numberCode(f, d.value as number) : allOnes(bitsOf(f));
    case "boolean":
      return "value" in d && d.value === true ? 1 : 0;
    case "enum":
      return "value" in d ? f.values.indexOf(d.value as string) : allOnes(bitsOf(f));
    default:
      throw new Error(`no column codes for ${f.kind}`);
  }
}

/** Bits a field takes in the first (or only) sample. */
function widthIn(spec: MessageSpec, sample: Sample, i: number): number {
  const f = spec.fields[i] as Field;
  if (f.kind !== "ref") return bitsOf(f);
  const t = refTargetAt(spec, sample, i);
  return t ? bitsOf(t) : 0;
}

/**
 * The frame's length in bytes by the format's rules: header; interval when k > 1; the presence
 * bitmap of sparse layouts; the first sample at full width; then per written field a 4-bit mode
 * and k − 1 values: zigzag deltas of the smallest width holding them all, or raw codes (mode 15)
 * when that width would not be smaller than the field's own (or than 15).
 */
export function expectedLength(spec: MessageSpec, samples: readonly Sample[]): number {
  const k = samples.length;
  const written = writtenColumns(spec, samples);
  let bits = 8 + (k > 1 ? 16 : 0) + (spec.sparse ? spec.fields.length : 0);
  const first = samples[0] as Sample;
  spec.fields.forEach((_, i) => {
    if (written[i]) bits += widthIn(spec, first, i);
  });
  if (k > 1) {
    spec.fields.forEach((f, i) => {
      if (!written[i]) return;
      const codes = samples.map((s) => codeOf(spec, s, i));
      let width = 0;
      for (let s = 1; s < k; s++) {
        const delta = (codes[s] as number) - (codes[s - 1] as number);
        const zigzag = delta >= 0 ? 2 * delta : -2 * delta - 1;
        width = Math.max(width, zigzag === 0 ? 0 : Math.floor(Math.log2(zigzag)) + 1);
      }
      const raw = width >= bitsOf(f) || width >= 15;
      bits += 4 + (k - 1) * (raw ? bitsOf(f) : width);
    });
  }
  return Math.ceil(bits / 8);
}

/** Keys the encoder reads besides quantities (never drawn as unknown keys). */
export const META_KEYS: ReadonlySet<string> = new Set(["message", "profile", "version", "interval", "samples", "offset", "time", "command"]);

/** Values of the wrong type for a field. */
export function wrongType(f: Field, refTargets: readonly NumberField[]): fc.Arbitrary<unknown> {
  const junk = fc.oneof(fc.constant({}), fc.constant([]), fc.constant([1]), fc.constant({ value: 1 }));
  switch (f.kind) {
    case "number":
    case "ref":
      return fc.oneof(fc.string(), fc.boolean(), junk);
    case "boolean":
      return fc.oneof(fc.integer(), fc.string(), junk);
    case "enum":
      return fc.oneof(fc.string().filter((s) => !f.values.includes(s)), fc.integer(), fc.boolean(), junk);
    case "version":
      return fc.oneof(
        fc.constantFrom("1.2", "1.2.3.4", "a.b.c", "256.0.0", "1.-2.3", " 1.2.3", ""),
        fc.string().filter((s) => !/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(s)),
        fc.integer(),
        junk,
      );
    case "fieldRef":
      return fc.oneof(fc.string().filter((s) => !refTargets.some((t) => t.key === s)), fc.integer(), fc.boolean(), junk);
  }
}

export function put(target: Json, key: string, value: unknown): void {
  const path = key.split(".");
  let node = target;
  for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Json;
  node[path[path.length - 1] as string] = value;
}
