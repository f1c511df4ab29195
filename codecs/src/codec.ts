import * as P from "../assembly/protocol.ts";
import type { Field } from "../profiles/schema.ts";
import {
  type AckData,
  type CodecIssue,
  CodecError,
  type ConfigCommand,
  type DecodeResult,
  type EncodeInput,
  type MeasurementData,
  type ProfileId,
  type Sample,
  type UplinkData,
} from "./data.ts";
import type { EngineExports } from "./engine.ts";
import { type Layouts, type ProfileRef, type RuntimeLayout, type RuntimeProfile, rangeText } from "./layouts.ts";
import { describeError, ERROR_NAMES } from "./messages.ts";

type Json = Record<string, unknown>;

export interface DecodeOptions {
  /** When the uplink was received: gives each sample its `time`. */
  recvTime?: Date;
}

/** A frame ready to send: its bytes and the fPort it goes on. */
export interface Frame {
  bytes: Uint8Array;
  fPort: number;
}

/** Keys of a measurement sample besides its quantities: what decoding adds to each sample. */
const SAMPLE_META = new Set(["offset", "time"]);
/** Keys of a tagged measurement message (its samples are checked one by one). */
const MEASUREMENT_KEYS = new Set(["message", "profile", "version", "interval", "age", "samples"]);
const MESSAGE_META = new Set(["message", "profile", "version", "command", "time"]);

/**
 * Encodes and decodes Cigale frames for every profile by driving the compiled engine (the
 * WebAssembly module, or its wasm2js translation inside ChirpStack). This class only moves values
 * in and out and names them; every bit is read and written by the engine.
 *
 * @example
 * ```ts
 * import { codec } from "@cigale/codecs/node";
 * const { bytes, fPort } = codec.encodeUplink("env", { air: { temperature: 21.35 }, battery: 3.61 });
 * codec.decodeUplink("env", fPort, bytes).data; // { message: "measurement", samples: [{ air: { temperature: 21.35 }, … }] }
 * ```
 */
export class Codec {
  readonly layouts: Layouts;
  private readonly engine: EngineExports;
  private buffer: ArrayBuffer;
  private frameIn: Uint8Array;
  private frameOut: Uint8Array;
  private values: Float64Array;

  constructor(engine: EngineExports, layouts: Layouts) {
    this.engine = engine;
    this.layouts = layouts;
    this.buffer = engine.memory.buffer;
    this.frameIn = new Uint8Array(this.buffer, engine.frameInPtr(), P.MAX_FRAME);
    this.frameOut = new Uint8Array(this.buffer, engine.frameOutPtr(), P.MAX_FRAME);
    this.values = new Float64Array(this.buffer, engine.valuesPtr(), P.MAX_FIELDS * P.MAX_SAMPLES);
  }

  /** Decodes an uplink of a device of profile `profileId` (TS013 / ChirpStack result shape). */
  decodeUplink<Id extends ProfileId>(profileId: Id, fPort: number, bytes: ArrayLike<number>, options: DecodeOptions = {}): DecodeResult<UplinkData<Id>> {
    const rp = this.layouts.profile(profileId);
    if (!rp) return failure(unknownProfile(profileId, this.layouts));
    const invalid = invalidBytes(bytes);
    if (invalid) return failure(invalid);
    const status = this.run(rp, fPort, bytes, false);
    if (status !== P.OK) return failure(this.issue(status, rp, fPort));
    const layout = this.layouts.layouts[this.engine.resultLayout()] as RuntimeLayout;
    const version = this.engine.resultVersion();
    const base = { profile: profileId, version };
    let data: UplinkData<Id>;
    if (layout.kind === P.KIND_MEASUREMENT) {
      data = this.measurement(rp, layout, base, options.recvTime);
    } else if (layout.kind === P.KIND_ACK) {
      const fields = this.fields(rp, layout, 0, {});
      data = { message: "ack", ...base, command: this.layouts.commandName(this.engine.resultCommand()), ...fields } as AckData<Id>;
    } else {
      const message = layout.kind === P.KIND_STATUS ? "status" : "alarm";
      const head: Json = { message, ...base };
      if (options.recvTime) head["time"] = options.recvTime.toISOString();
      data = this.fields(rp, layout, 0, head) as unknown as UplinkData<Id>;
    }
    return { data, errors: [], warnings: this.warnings() };
  }

  /** Decodes a config downlink (fPort 10) back into its command. */
  decodeDownlink(profileId: ProfileId, fPort: number, bytes: ArrayLike<number>): DecodeResult<ConfigCommand> {
    const rp = this.layouts.profile(profileId);
    if (!rp) return failure(unknownProfile(profileId, this.layouts));
    const invalid = invalidBytes(bytes);
    if (invalid) return failure(invalid);
    const status = this.run(rp, fPort, bytes, true);
    if (status !== P.OK) return failure(this.issue(status, rp, fPort, undefined, true));
    const layout = this.layouts.layouts[this.engine.resultLayout()] as RuntimeLayout;
    const data = this.fields(rp, layout, 0, { command: layout.command }) as unknown as ConfigCommand;
    return { data, errors: [], warnings: this.warnings() };
  }

  /** Encodes a reading (one sample) or a tagged message; throws a CodecError naming the bad field. */
  encodeUplink<Id extends ProfileId>(profileId: Id, input: EncodeInput<Id>): Frame {
    const rp = this.requireProfile(profileId);
    requireObject(input, "a reading or message");
    const message = (input as Json)["message"];
    if (message === undefined || message === "measurement") return this.encodeMeasurement(rp, input as Json);
    if (message === "status" || message === "alarm") {
      const kind = message === "status" ? P.KIND_STATUS : P.KIND_ALARM;
      const layout = this.requireLatest(rp, kind, message);
      this.writeSample(rp, layout, input as Json, 0, MESSAGE_META);
      return this.finishEncode(rp, layout, kind, 0, 1, 0, 0, message === "status" ? P.PORT_STATUS : P.PORT_ALARM);
    }
    if (message === "ack") {
      const ack = input as Json;
      const code = this.requireCommand(ack["command"]);
      const layout = this.requireLatest(rp, P.KIND_ACK, "ack");
      this.writeSample(rp, layout, ack, 0, MESSAGE_META);
      return this.finishEncode(rp, layout, P.KIND_ACK, 0, 1, 0, code, P.PORT_CONFIG);
    }
    throw new CodecError({ code: "UNKNOWN_MESSAGE", message: `unknown message "${String(message)}": use measurement, status, alarm or ack` });
  }

  /** Encodes a config command as a downlink for fPort 10. */
  encodeDownlink(profileId: ProfileId, command: ConfigCommand): Frame {
    const rp = this.requireProfile(profileId);
    requireObject(command, "a command");
    const code = this.requireCommand((command as unknown as Json)["command"]);
    const layout = this.layouts.find(rp.profile, P.KIND_COMMAND, code) as RuntimeLayout;
    this.writeSample(rp, layout, command as unknown as Json, 0, MESSAGE_META);
    return this.finishEncode(rp, layout, P.KIND_COMMAND, code, 1, 0, code, P.PORT_CONFIG);
  }

  /**
   * How many of `samples` (oldest first) fit in one uplink of `maxBytes` (see EU868_MAX_PAYLOAD):
   * what a device calls before sending its buffer.
   */
  fitSamples<Id extends ProfileId>(profileId: Id, samples: ReadonlyArray<EncodeInput<Id>>, interval: number, maxBytes: number, age?: number): number {
    const rp = this.requireProfile(profileId);
    const ageCode = checkedAge(age, rp.profile.id);
    const layout = this.requireLatest(rp, P.KIND_MEASUREMENT, "measurement");
    const count = Math.min(samples.length, P.MAX_SAMPLES);
    for (let s = 0; s < count; s++) this.writeSample(rp, layout, samples[s] as Json, s, SAMPLE_META);
    const fit = this.engine.fitSamples(rp.profile.code, count, interval, maxBytes, ageCode);
    if (fit < 0) throw new CodecError(this.issue(-fit, rp, P.PORT_MEASUREMENT, layout));
    return fit;
  }

  private run(rp: RuntimeProfile, fPort: number, bytes: ArrayLike<number>, downlink: boolean): number {
    this.refreshViews();
    // An oversized frame is not copied; the engine rejects it by its length alone.
    if (bytes.length <= P.MAX_FRAME) this.frameIn.set(bytes);
    return this.engine.decode(rp.profile.code, fPort, bytes.length, downlink ? 1 : 0);
  }

  private measurement<Id extends ProfileId>(rp: RuntimeProfile, layout: RuntimeLayout, base: { profile: Id; version: number }, recvTime?: Date): MeasurementData<Id> {
    const count = this.engine.resultCount();
    const interval = this.engine.resultInterval();
    const age = this.engine.resultAge();
    const samples: Sample<Id>[] = [];
    for (let s = 0; s < count; s++) {
      // A delayed frame's newest sample is `age` seconds old; never −0 for an undelayed newest sample.
      const offset = (s + 1 - count) * interval - Math.max(age, 0);
      const head: Json = { offset };
      if (recvTime) head["time"] = new Date(recvTime.getTime() + offset * 1000).toISOString();
      samples.push(this.fields(rp, layout, s, head) as unknown as Sample<Id>);
    }
    const data: MeasurementData<Id> = { message: "measurement", ...base, samples };
    if (count > 1) data.interval = interval;
    if (age >= 0) data.age = age;
    return data;
  }

  /** Puts the decoded values of sample `s` into `target` under their nested keys. */
  private fields(rp: RuntimeProfile, layout: RuntimeLayout, s: number, target: Json): Json {
    const row = s * P.MAX_FIELDS;
    for (const rf of layout.runtimeFields) {
      const v = this.values[row + rf.index] as number;
      if (v !== v) continue; // NaN: absent
      put(target, rf.path, present(rf.field, v, rp));
    }
    return target;
  }

  private encodeMeasurement(rp: RuntimeProfile, input: Json): Frame {
    const tagged = input["message"] === "measurement";
    const unknown = tagged ? Object.keys(input).find((k) => !MEASUREMENT_KEYS.has(k)) : undefined;
    if (unknown !== undefined) {
      throw new CodecError({ code: "UNKNOWN_FIELD", field: unknown, message: `unknown key ${unknown} in a measurement message; known: ${[...MEASUREMENT_KEYS].join(", ")}` });
    }
    const samples = tagged ? input["samples"] : [input];
    if (!Array.isArray(samples) || samples.length === 0) {
      throw new CodecError({ code: "INVALID_INPUT", message: "a measurement message needs a non-empty `samples` array" });
    }
    const version = tagged ? input["version"] : undefined;
    if (version !== undefined && (typeof version !== "number" || !Number.isInteger(version))) {
      throw new CodecError({ code: "INVALID_TYPE", field: "version", message: `version must be a format version number, got ${JSON.stringify(version)}` });
    }
    const layout = version !== undefined
      ? this.layouts.find(rp.profile, P.KIND_MEASUREMENT, version)
      : this.layouts.latest(rp.profile, P.KIND_MEASUREMENT);
    if (!layout) {
      const known = this.layouts.versionsOf(rp.profile, P.KIND_MEASUREMENT).join(", ");
      throw new CodecError({ code: "UNKNOWN_VERSION", message: `profile ${rp.profile.id} has no measurement format version ${version} (known: ${known})` });
    }
    if (samples.length > P.MAX_SAMPLES) {
      throw new CodecError({ code: "SAMPLE_COUNT", message: `${samples.length} samples do not fit one frame (at most ${P.MAX_SAMPLES})` });
    }
    const interval = samples.length > 1 ? (input["interval"] ?? 0) : 0;
    if (typeof interval !== "number") {
      throw new CodecError({ code: "INVALID_TYPE", field: "interval", message: `interval must be a number of seconds, got ${JSON.stringify(interval)}` });
    }
    // Checked before the engine's i32 parameter could wrap 2^32 + 600 to 600 or truncate 600.7.
    if (!Number.isInteger(interval) || interval < 0 || interval > 0xffff) {
      throw new CodecError({ code: "BAD_INTERVAL", field: "interval", message: describeError(P.ERR_BAD_INTERVAL, { profile: rp.profile.id, detail: interval }) });
    }
    const age = tagged ? checkedAge(input["age"], rp.profile.id) : -1;
    samples.forEach((sample, s) => this.writeSample(rp, layout, sample as Json, s, SAMPLE_META));
    return this.finishEncode(rp, layout, P.KIND_MEASUREMENT, version ?? 0, samples.length, interval, 0, P.PORT_MEASUREMENT, age);
  }

  /** Validates one input object against a layout and writes its values for the engine. */
  private writeSample(rp: RuntimeProfile, layout: RuntimeLayout, input: Json, s: number, meta: ReadonlySet<string>): void {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      throw new CodecError({ code: "INVALID_INPUT", message: `sample ${s + 1} must be an object of quantities`, sample: s });
    }
    this.refreshViews();
    rejectUnknownKeys(input, layout, meta, rp.profile, s);
    const row = s * P.MAX_FIELDS;
    for (const rf of layout.runtimeFields) {
      this.values[row + rf.index] = toEngineValue(rf.field, get(input, rf.path), rp, s);
    }
  }

  private finishEncode(rp: RuntimeProfile, layout: RuntimeLayout, kind: number, sub: number, count: number, interval: number, command: number, fPort: number, age = -1): Frame {
    const length = this.engine.encode(rp.profile.code, kind, sub, count, interval, command, age);
    if (length < 0) throw new CodecError(this.issue(-length, rp, fPort, layout));
    return { bytes: this.frameOut.slice(0, length), fPort };
  }

  /** The measurement field named by the fieldRef before position `index`, from the values written for the engine. */
  private refTargetOf(layout: RuntimeLayout, index: number, s: number, rp: RuntimeProfile): Field | undefined {
    for (let i = index - 1; i >= 0; i--) {
      if (layout.runtimeFields[i]?.field.kind !== "fieldRef") continue;
      return rp.refTargets[this.values[s * P.MAX_FIELDS + i] as number];
    }
    return undefined;
  }

  private issue(status: number, rp: RuntimeProfile, fPort: number, layout?: RuntimeLayout, downlink = false): CodecIssue {
    const at = layout ?? this.layouts.layouts[this.engine.resultLayout()];
    const fieldIndex = this.engine.errorField();
    const rf = at && fieldIndex >= 0 ? at.runtimeFields[fieldIndex] : undefined;
    const sample = this.engine.errorSample();
    const kind = fPort === P.PORT_STATUS ? P.KIND_STATUS : fPort === P.PORT_ALARM ? P.KIND_ALARM : fPort === P.PORT_CONFIG ? P.KIND_ACK : P.KIND_MEASUREMENT;
    // An encoded ref value is checked against the range of the quantity its fieldRef names.
    const ranged = rf && layout && rf.field.kind === "ref" ? (this.refTargetOf(layout, rf.index, Math.max(sample, 0), rp) ?? rf.field) : rf?.field;
    const message = describeError(status, {
      profile: rp.profile.id,
      fPort,
      ...(rf ? { field: rf.field.key } : {}),
      ...(sample >= 0 ? { sample } : {}),
      detail: this.engine.errorDetail(),
      ...(ranged ? rangeOf(ranged, rp) : {}),
      versions: downlink ? String(P.COMMAND_VERSION) : this.layouts.versionsOf(rp.profile, kind).join(", "),
    });
    const issue: CodecIssue = { code: ERROR_NAMES[status] ?? `ENGINE_${status}`, message };
    if (rf) issue.field = rf.field.key;
    if (sample >= 0) issue.sample = sample;
    return issue;
  }

  private warnings(): string[] {
    const bits = this.engine.resultWarnings();
    if (bits & P.WARN_TRAILING_BYTES) return [`${this.engine.resultTrailingBytes()} trailing byte(s) after the frame were ignored`];
    return [];
  }

  private requireProfile(profileId: string): RuntimeProfile {
    const rp = this.layouts.profile(profileId);
    if (!rp) throw new CodecError(unknownProfile(profileId, this.layouts));
    return rp;
  }

  private requireLatest(rp: RuntimeProfile, kind: number, name: string): RuntimeLayout {
    const layout = this.layouts.latest(rp.profile, kind);
    if (!layout) throw new CodecError({ code: "UNKNOWN_MESSAGE", message: `profile ${rp.profile.id} has no ${name} message` });
    return layout;
  }

  private requireCommand(name: unknown): number {
    const code = typeof name === "string" ? this.layouts.commandCode(name) : undefined;
    if (code === undefined) {
      const known = this.layouts.commandNames();
      throw new CodecError({ code: "UNKNOWN_COMMAND", field: "command", message: `unknown command ${JSON.stringify(name)}; known: ${known.join(", ")}` });
    }
    return code;
  }

  /** Typed-array views go stale if the engine's memory ever grows. */
  private refreshViews(): void {
    if (this.engine.memory.buffer === this.buffer) return;
    this.buffer = this.engine.memory.buffer;
    this.frameIn = new Uint8Array(this.buffer, this.engine.frameInPtr(), P.MAX_FRAME);
    this.frameOut = new Uint8Array(this.buffer, this.engine.frameOutPtr(), P.MAX_FRAME);
    this.values = new Float64Array(this.buffer, this.engine.valuesPtr(), P.MAX_FIELDS * P.MAX_SAMPLES);
  }
}

/** Encoder inputs come from JSON and JavaScript callers: anything but an object is a CodecError, not a TypeError. */
function requireObject(input: unknown, what: string): void {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new CodecError({ code: "INVALID_INPUT", message: `expected ${what} as an object, got ${Array.isArray(input) ? "an array" : JSON.stringify(input) ?? String(input)}` });
  }
}

/**
 * A byte array from JSON (TS013 `bytes`) may hold anything; copying it into the engine would
 * silently wrap 256 to 0. Typed byte arrays need no check.
 */
function invalidBytes(bytes: ArrayLike<number>): CodecIssue | undefined {
  if (bytes instanceof Uint8Array) return undefined;
  if (typeof bytes !== "object" || bytes === null || typeof bytes.length !== "number") {
    return { code: "INVALID_BYTES", message: "bytes must be an array of numbers 0…255" };
  }
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b > 255) {
      return { code: "INVALID_BYTES", message: `bytes[${i}] = ${JSON.stringify(b)} is not a byte (an integer 0…255)` };
    }
  }
  return undefined;
}

/**
 * The engine's age argument for a measurement's `age` (seconds since its newest sample was
 * taken): −1 when there is none (a plain frame), else a whole number of seconds in 0 … MAX_AGE.
 */
function checkedAge(age: unknown, profileId: string): number {
  if (age === undefined || age === null) return -1;
  if (typeof age !== "number") {
    throw new CodecError({ code: "INVALID_TYPE", field: "age", message: `age must be a number of seconds, got ${JSON.stringify(age)}` });
  }
  if (!Number.isInteger(age) || age < 0 || age > P.MAX_AGE) {
    throw new CodecError({
      code: "OUT_OF_RANGE",
      field: "age",
      message: `age = ${age} is out of range for a ${profileId} measurement; allowed whole seconds 0 … ${P.MAX_AGE} (24 days): drop older samples`,
    });
  }
  return age;
}

function failure<D>(issue: CodecIssue): DecodeResult<D> {
  return { errors: [issue.message], warnings: [], issue };
}

function unknownProfile(id: string, layouts: Layouts): CodecIssue {
  return { code: "UNKNOWN_PROFILE", message: `unknown profile "${id}"; known profiles: ${layouts.profileIds().join(", ")}` };
}

function rangeOf(field: Field, rp: RuntimeProfile): { range?: string } {
  if (field.kind === "fieldRef") return { range: rp.refTargets.map((f) => f.key).join(" | ") };
  const text = rangeText(field);
  return text ? { range: text } : {};
}

/** The engine's number for a field, as the JSON value people read. */
function present(field: Field, v: number, rp: RuntimeProfile): unknown {
  switch (field.kind) {
    case "boolean":
      return v !== 0;
    case "enum":
      return field.values[v];
    case "version":
      return `${Math.floor(v / 65536)}.${Math.floor(v / 256) % 256}.${v % 256}`;
    case "fieldRef":
      return rp.refTargets[v]?.key;
    default:
      return v;
  }
}

/** The number the engine expects for a field's JSON value; NaN = absent. */
function toEngineValue(field: Field, raw: unknown, rp: RuntimeProfile, sample: number): number {
  if (raw === undefined || raw === null) return Number.NaN;
  const bad = (expected: string): never => {
    throw new CodecError({
      code: "INVALID_TYPE",
      field: field.key,
      sample,
      message: `field ${field.key} must be ${expected}, got ${JSON.stringify(raw)}`,
    });
  };
  switch (field.kind) {
    case "number":
    case "ref":
      return typeof raw === "number" ? raw : bad(field.kind === "number" ? `a number in ${rangeText(field)}` : "a number");
    case "boolean":
      return typeof raw === "boolean" ? (raw ? 1 : 0) : bad("true or false");
    case "enum": {
      const index = typeof raw === "string" ? field.values.indexOf(raw) : -1;
      return index >= 0 ? index : bad(`one of ${field.values.join(", ")}`);
    }
    case "version": {
      const m = typeof raw === "string" ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(raw) : null;
      const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
      if (parts.length !== 3 || parts.some((x) => x > 255)) return bad('a version "major.minor.patch", each 0…255');
      return (parts[0] as number) * 65536 + (parts[1] as number) * 256 + (parts[2] as number);
    }
    case "fieldRef": {
      const index = typeof raw === "string" ? rp.refIndex.get(raw) : undefined;
      return index !== undefined ? index : bad(`a quantity of profile ${rp.profile.id}: ${rp.refTargets.map((f) => f.key).join(", ")}`);
    }
  }
}

/** A layout's keys as a tree of nested names: a leaf (null) is a field, a subtree a nested object. */
interface KeyTree extends Map<string, KeyTree | null> {}

const keyTrees = new WeakMap<RuntimeLayout, KeyTree>();

function keyTreeOf(layout: RuntimeLayout): KeyTree {
  let tree = keyTrees.get(layout);
  if (!tree) {
    tree = new Map();
    for (const rf of layout.runtimeFields) {
      let node: KeyTree = tree;
      rf.path.forEach((part, i) => {
        if (i === rf.path.length - 1) node.set(part, null);
        else node = (node.get(part) ?? node.set(part, new Map()).get(part)) as KeyTree;
      });
    }
    keyTrees.set(layout, tree);
  }
  return tree;
}

function rejectUnknownKeys(input: Json, layout: RuntimeLayout, meta: ReadonlySet<string>, profile: ProfileRef, sample: number): void {
  // Runs for every sample of every frame encoded: walks the input against a tree built once per
  // layout, and spells a dotted key only for the error.
  const walk = (node: Json, tree: KeyTree, prefix: string): void => {
    for (const k of Object.keys(node)) {
      if (!prefix && meta.has(k)) continue;
      const sub = tree.get(k);
      if (sub === null) continue;
      const v = node[k];
      if (sub && v !== null && typeof v === "object" && !Array.isArray(v)) {
        walk(v as Json, sub, prefix ? `${prefix}.${k}` : k);
        continue;
      }
      const key = prefix ? `${prefix}.${k}` : k;
      throw new CodecError({
        code: "UNKNOWN_FIELD",
        field: key,
        sample,
        message: `unknown field ${key} for profile ${profile.id}; known fields: ${layout.fields.map((f) => f.key).join(", ")}`,
      });
    }
  };
  walk(input, keyTreeOf(layout), "");
}

function get(input: Json, path: readonly string[]): unknown {
  let node: unknown = input;
  for (const part of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Json)[part];
  }
  return node;
}

function put(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const k = path[i] as string;
    node = (node[k] ??= {}) as Json;
  }
  node[path[last] as string] = value;
}
