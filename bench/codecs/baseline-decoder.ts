/**
 * The benchmark's baseline: a plain TypeScript decoder of the Cigale frame format, written by
 * hand the way one would without the WASM engine — a bit reader, the layouts compiled once from
 * the profile declarations, then parse (read every code) and interpret (validate, scale, name).
 * It returns the same result objects as `Codec.decodeUplink` / `decodeDownlink`, error messages
 * included, and is checked against them in test/codecs/baseline.test.ts. Not used in production:
 * the platform decodes with the one engine (never a second hand-written decoder: README.md, "The data flow").
 */
import { buildCatalog, type Catalog } from "../../codecs/profiles/catalog.ts";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { bitsOf, codeCount, decimalsOf, type Field, PORTS } from "../../codecs/profiles/schema.ts";
import type { CodecIssue, DecodeResult } from "../../codecs/src/data.ts";
import { rangeText } from "../../codecs/src/layouts.ts";
import { describeError, ERROR_NAMES } from "../../codecs/src/messages.ts";
import * as P from "../../codecs/assembly/protocol.ts";

type Json = Record<string, unknown>;

/** A field ready to read: width, absent code and how its code becomes a value. */
interface Slot {
  readonly field: Field;
  /** The nested objects a value goes in, and its own key: `air.temperature` → ["air"], "temperature". */
  readonly parents: readonly string[];
  readonly leaf: string;
  readonly bits: number;
  /** The all-ones code of `bits`: absent. */
  readonly absent: number;
  readonly validCodes: number;
  /** Integer minimum and step in units of 10^-decimals, so values come out as exact decimals. */
  readonly min: number;
  readonly step: number;
  readonly scale: number;
}

interface Format {
  readonly profile: number;
  readonly kind: number;
  readonly sub: number;
  readonly sparse: boolean;
  readonly slots: readonly Slot[];
  readonly command?: string;
}

interface ProfileInfo {
  readonly id: string;
  readonly code: number;
  readonly refs: readonly Slot[];
}

/** A decoding failure: the engine's outcome code plus where it happened. */
class Failure {
  readonly status: number;
  readonly field: number;
  readonly sample: number;
  readonly detail: number;
  constructor(status: number, field = -1, sample = -1, detail = 0) {
    this.status = status;
    this.field = field;
    this.sample = sample;
    this.detail = detail;
  }
}

class BitReader {
  private readonly bytes: ArrayLike<number>;
  private readonly end: number;
  private pos = 0;
  constructor(bytes: ArrayLike<number>) {
    this.bytes = bytes;
    this.end = bytes.length * 8;
  }

  get bitsLeft(): number {
    return this.end - this.pos;
  }

  /** Reads `n` ≤ 32 bits, most significant first. */
  read(n: number, field = -1, sample = -1): number {
    if (this.pos + n > this.end) throw new Failure(P.ERR_TRUNCATED, field, sample);
    let value = 0;
    while (n > 0) {
      const offset = this.pos & 7;
      const take = Math.min(n, 8 - offset);
      const byte = this.bytes[this.pos >> 3] as number;
      value = value * (1 << take) + ((byte >> (8 - offset - take)) & ((1 << take) - 1));
      this.pos += take;
      n -= take;
    }
    return value;
  }
}

const ABSENT = -1;
/** 2^bits − 1 (bits ≤ 32): a field's absent code, a dense layout's presence bitmap. */
const allOnes = (bits: number) => (bits < 31 ? (1 << bits) - 1 : 2 ** bits - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

export class BaselineDecoder {
  private readonly formats: Format[];
  private readonly profiles = new Map<string, ProfileInfo>();

  constructor(catalog: Catalog = buildCatalog(), profiles: ReadonlyArray<{ id: string; code: number }> = PROFILES) {
    this.formats = catalog.layouts.flatMap((l) =>
      l ? [{ profile: l.profile, kind: l.kind, sub: l.sub, sparse: l.sparse, slots: l.fields.map(slotOf), ...(l.command ? { command: l.command } : {}) }] : [],
    );
    for (const p of profiles) this.profiles.set(p.id, { id: p.id, code: p.code, refs: (catalog.refTargets.get(p.code) ?? []).map(slotOf) });
  }

  decodeUplink(profileId: string, fPort: number, bytes: ArrayLike<number>, options: { recvTime?: Date } = {}): DecodeResult<unknown> {
    const p = this.profiles.get(profileId);
    if (!p) return unknownProfile(profileId, [...this.profiles.keys()]);
    const at: { format?: Format } = {};
    try {
      const frame = this.parse(p, fPort, bytes, false, at);
      const values = this.interpret(p, frame.format, frame.codes);
      const base = { profile: p.id, version: frame.version };
      let data: Json;
      if (frame.format.kind === P.KIND_MEASUREMENT) {
        const samples = values.map((sample, s) => {
          const offset = (s + 1 - values.length) * frame.interval - Math.max(frame.age, 0);
          const head: Json = { offset };
          if (options.recvTime) head["time"] = new Date(options.recvTime.getTime() + offset * 1000).toISOString();
          return this.assemble(p, frame.format, sample, head);
        });
        data = { message: "measurement", ...base, samples };
        if (values.length > 1) data["interval"] = frame.interval;
        if (frame.age >= 0) data["age"] = frame.age;
      } else if (frame.format.kind === P.KIND_ACK) {
        data = this.assemble(p, frame.format, values[0] as number[], { message: "ack", ...base, command: this.commandName(frame.command) });
      } else {
        const head: Json = { message: frame.format.kind === P.KIND_STATUS ? "status" : "alarm", ...base };
        if (options.recvTime) head["time"] = options.recvTime.toISOString();
        data = this.assemble(p, frame.format, values[0] as number[], head);
      }
      return { data, errors: [], warnings: trailing(frame.trailingBits) };
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      return this.failure(e, p, fPort, at.format, false);
    }
  }

  decodeDownlink(profileId: string, fPort: number, bytes: ArrayLike<number>): DecodeResult<unknown> {
    const p = this.profiles.get(profileId);
    if (!p) return unknownProfile(profileId, [...this.profiles.keys()]);
    const at: { format?: Format } = {};
    try {
      const frame = this.parse(p, fPort, bytes, true, at);
      const values = this.interpret(p, frame.format, frame.codes);
      const data = this.assemble(p, frame.format, values[0] as number[], { command: frame.format.command });
      return { data, errors: [], warnings: trailing(frame.trailingBits) };
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      return this.failure(e, p, fPort, at.format, true);
    }
  }

  /**
   * Header, then every field code of every sample (ABSENT where a sparse frame leaves a field out).
   * `at.format` is set once the header is understood, so failures can name their field.
   */
  private parse(p: ProfileInfo, fPort: number, bytes: ArrayLike<number>, downlink: boolean, at: { format?: Format }) {
    if (bytes.length === 0) throw new Failure(P.ERR_EMPTY);
    if (bytes.length > P.MAX_FRAME) throw new Failure(P.ERR_TOO_LARGE, -1, -1, bytes.length);
    const reader = new BitReader(bytes);
    const header = reader.read(8);
    let version = header >> 5;
    const low = header & 31;
    let age = -1;
    let format: Format;
    let count = 1;
    let interval = 0;
    let command = 0;
    if (downlink) {
      if (fPort !== PORTS.config) throw new Failure(P.ERR_UNSUPPORTED_PORT, -1, -1, fPort);
      format = this.find(p, P.KIND_COMMAND, low) ?? fail(P.ERR_UNKNOWN_COMMAND, low);
      if (version !== P.COMMAND_VERSION) throw new Failure(P.ERR_UNKNOWN_VERSION, -1, -1, version);
      command = low;
    } else {
      const kind = kindOfPort(fPort) ?? fail(P.ERR_UNSUPPORTED_PORT, fPort);
      // A delayed measurement: real version and the newest sample's age follow the header.
      if (kind === P.KIND_MEASUREMENT && version === P.VERSION_DELAYED) {
        if (reader.bitsLeft < P.VERSION_BITS + P.AGE_BITS) throw new Failure(P.ERR_TRUNCATED);
        version = reader.read(P.VERSION_BITS);
        age = reader.read(P.AGE_BITS);
      }
      format = this.find(p, kind, version) ?? fail(P.ERR_UNKNOWN_VERSION, version);
      if ((kind === P.KIND_STATUS || kind === P.KIND_ALARM) && low !== 0) throw new Failure(P.ERR_RESERVED_BITS, -1, -1, low);
      if (kind === P.KIND_ACK) {
        if (!this.find(p, P.KIND_COMMAND, low)) throw new Failure(P.ERR_UNKNOWN_COMMAND, -1, -1, low);
        command = low;
      }
      if (kind === P.KIND_MEASUREMENT) count = low + 1;
      if (count > 1) {
        interval = reader.read(16);
        if (interval === 0) throw new Failure(P.ERR_BAD_INTERVAL);
      }
    }
    at.format = format;
    const n = format.slots.length;
    const present = format.sparse ? reader.read(n) : allOnes(n);
    const isPresent = (i: number) => ((present >>> (n - 1 - i)) & 1) === 1;
    // The first sample carries every present field at full width; a ref takes its target's width.
    const first: number[] = [];
    let target: Slot | undefined;
    format.slots.forEach((slot, i) => {
      if (!isPresent(i)) {
        first.push(ABSENT);
        return;
      }
      const bits = slot.field.kind === "ref" ? (target?.bits ?? 0) : slot.bits;
      const code = reader.read(bits, i, 0);
      first.push(code);
      if (slot.field.kind === "fieldRef") {
        target = code === slot.absent ? undefined : (p.refs[code] ?? fail(P.ERR_INVALID_CODE, code, i, 0));
      }
    });
    // Then one column per present field: 4-bit mode (15 = raw codes, else zigzag deltas of that width).
    const codes = [first, ...Array.from({ length: count - 1 }, () => new Array<number>(n).fill(ABSENT))];
    for (let i = 0; i < n && count > 1; i++) {
      if (first[i] === ABSENT) continue;
      const bits = (format.slots[i] as Slot).bits;
      const mode = reader.bitsLeft >= 4 ? reader.read(4) : fail(P.ERR_TRUNCATED, 0, i, 1);
      let previous = first[i] as number;
      for (let s = 1; s < count; s++) {
        let code: number;
        if (mode === P.MODE_RAW) {
          code = reader.read(bits, i, s);
        } else {
          if (reader.bitsLeft < mode) throw new Failure(P.ERR_TRUNCATED, i, s);
          code = previous + unzigzag(reader.read(mode));
          if (code < 0 || code > (format.slots[i] as Slot).absent) throw new Failure(P.ERR_INVALID_CODE, i, s, code);
        }
        (codes[s] as number[])[i] = code;
        previous = code;
      }
    }
    return { format, version, count, interval, age, command, codes, trailingBits: reader.bitsLeft };
  }

  /** Codes to values; NaN where a field is absent. */
  private interpret(p: ProfileInfo, format: Format, codes: number[][]): number[][] {
    return codes.map((row, s) => {
      let target: Slot | undefined;
      return format.slots.map((slot, i) => {
        const code = row[i] as number;
        if (code === ABSENT) return Number.NaN;
        const kind = slot.field.kind;
        const spec = kind === "ref" ? target : slot;
        if (!spec) return Number.NaN;
        const absent = code === spec.absent && kind !== "boolean" && kind !== "version";
        if (!absent && code >= spec.validCodes) throw new Failure(P.ERR_INVALID_CODE, i, s, code);
        if (kind === "fieldRef") target = absent ? undefined : p.refs[code];
        if (absent) return Number.NaN;
        return kind === "number" || kind === "ref" ? (spec.min + code * spec.step) / spec.scale : code;
      });
    });
  }

  /** Puts a sample's values under their nested keys in `target`, as people read them. */
  private assemble(p: ProfileInfo, format: Format, values: readonly number[], target: Json): Json {
    format.slots.forEach((slot, i) => {
      const v = values[i] as number;
      if (Number.isNaN(v)) return;
      let node = target;
      for (const part of slot.parents) node = (node[part] ??= {}) as Json;
      node[slot.leaf] = present(slot.field, v, p);
    });
    return target;
  }

  private find(p: ProfileInfo, kind: number, sub: number): Format | undefined {
    const owner = kind === P.KIND_STATUS || kind === P.KIND_ACK || kind === P.KIND_COMMAND ? 0 : p.code;
    return this.formats.find((f) => f.profile === owner && f.kind === kind && f.sub === sub);
  }

  private commandName(code: number): string | undefined {
    return this.formats.find((f) => f.kind === P.KIND_COMMAND && f.sub === code)?.command;
  }

  private failure(e: Failure, p: ProfileInfo, fPort: number, format: Format | undefined, downlink: boolean): DecodeResult<unknown> {
    const slot = format && e.field >= 0 ? format.slots[e.field] : undefined;
    const kind = kindOfPort(fPort) ?? P.KIND_MEASUREMENT;
    const owner = kind === P.KIND_STATUS || kind === P.KIND_ACK ? 0 : p.code;
    const versions = downlink ? String(P.COMMAND_VERSION) : this.formats.filter((f) => f.profile === owner && f.kind === kind).map((f) => f.sub).join(", ");
    const range = slot ? (slot.field.kind === "fieldRef" ? p.refs.map((r) => r.field.key).join(" | ") : rangeText(slot.field)) : undefined;
    const message = describeError(e.status, {
      profile: p.id,
      fPort,
      ...(slot ? { field: slot.field.key } : {}),
      ...(e.sample >= 0 ? { sample: e.sample } : {}),
      detail: e.detail,
      ...(range ? { range } : {}),
      versions,
    });
    const issue: CodecIssue = { code: ERROR_NAMES[e.status] ?? `ENGINE_${e.status}`, message };
    if (slot) issue.field = slot.field.key;
    if (e.sample >= 0) issue.sample = e.sample;
    return { errors: [message], warnings: [], issue };
  }
}

function slotOf(field: Field): Slot {
  const path = field.key.split(".");
  const bits = field.kind === "ref" ? 0 : bitsOf(field);
  const base = { field, parents: path.slice(0, -1), leaf: path[path.length - 1] as string, bits, absent: allOnes(bits), min: 0, step: 1, scale: 1 };
  switch (field.kind) {
    case "number": {
      const scale = 10 ** decimalsOf(field.resolution);
      return { ...base, validCodes: codeCount(field), min: Math.round(field.min * scale), step: Math.round(field.resolution * scale), scale };
    }
    case "enum":
      return { ...base, validCodes: field.values.length };
    case "ref":
      return { ...base, validCodes: 0 };
    default:
      return { ...base, validCodes: 2 ** bits };
  }
}

function present(field: Field, v: number, p: ProfileInfo): unknown {
  switch (field.kind) {
    case "boolean":
      return v !== 0;
    case "enum":
      return field.values[v];
    case "version":
      return `${Math.floor(v / 65536)}.${Math.floor(v / 256) % 256}.${v % 256}`;
    case "fieldRef":
      return p.refs[v]?.field.key;
    default:
      return v;
  }
}

function kindOfPort(fPort: number): number | undefined {
  switch (fPort) {
    case PORTS.measurement:
      return P.KIND_MEASUREMENT;
    case PORTS.status:
      return P.KIND_STATUS;
    case PORTS.alarm:
      return P.KIND_ALARM;
    case PORTS.config:
      return P.KIND_ACK;
    default:
      return undefined;
  }
}

function trailing(bits: number): string[] {
  return bits >= 8 ? [`${bits >> 3} trailing byte(s) after the frame were ignored`] : [];
}

function fail(status: number, detail: number, field = -1, sample = -1): never {
  throw new Failure(status, field, sample, detail);
}

function unknownProfile(id: string, known: readonly string[]): DecodeResult<unknown> {
  const message = `unknown profile "${id}"; known profiles: ${known.join(", ")}`;
  return { errors: [message], warnings: [], issue: { code: "UNKNOWN_PROFILE", message } };
}
