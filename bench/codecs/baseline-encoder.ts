/**
 * The encode baseline: a plain TypeScript encoder of the Cigale frame format, written by hand
 * like the baseline decoder — a bit writer and the layouts compiled once from the profile
 * declarations. It writes the same bytes as `Codec.encodeUplink` / `encodeDownlink` for valid
 * input (test/codecs/baseline-encoder.test.ts) and throws a plain Error on invalid input; its
 * messages are not the codec's. Benchmark only.
 */
import { buildCatalog, type Catalog, type CatalogLayout } from "../../codecs/profiles/catalog.ts";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { bitsOf, codeCount, decimalsOf, type Field, type NumberField, PORTS } from "../../codecs/profiles/schema.ts";
import * as P from "../../codecs/assembly/protocol.ts";

type Json = Record<string, unknown>;

interface Slot {
  readonly field: Field;
  readonly path: readonly string[];
  readonly bits: number;
  readonly absent: number;
  readonly validCodes: number;
  readonly min: number;
  readonly step: number;
  readonly scale: number;
}

interface Format {
  readonly layout: CatalogLayout;
  readonly slots: readonly Slot[];
}

class BitWriter {
  private readonly bytes = new Uint8Array(P.MAX_PAYLOAD);
  private pos = 0;

  /** Appends the low `n` ≤ 32 bits of `value`, most significant first. */
  write(value: number, n: number): void {
    if (this.pos + n > P.MAX_PAYLOAD * 8) throw new Error("frame too large");
    while (n > 0) {
      const room = 8 - (this.pos & 7);
      const put = Math.min(n, room);
      const chunk = Math.floor(value / (POW2[n - put] as number)) & ((1 << put) - 1);
      (this.bytes[this.pos >> 3] as number) |= chunk << (room - put);
      this.pos += put;
      n -= put;
    }
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, (this.pos + 7) >> 3);
  }
}

/** 2^0 … 2^33: codes up to 32 bits and their 33-bit deltas are whole numbers in doubles, not int32. */
const POW2 = Array.from({ length: 34 }, (_, i) => 2 ** i);
const allOnes = (bits: number) => (POW2[bits] as number) - 1;
const zigzag = (d: number) => (d >= 0 ? d * 2 : -d * 2 - 1);
const widthOf = (x: number) => (x >= 0x100000000 ? 33 : 32 - Math.clz32(x));

export class BaselineEncoder {
  private readonly formats: Format[];
  private readonly profiles = new Map<string, { code: number; refs: readonly Slot[]; refIndex: ReadonlyMap<string, number> }>();

  constructor(catalog: Catalog = buildCatalog(), profiles: ReadonlyArray<{ id: string; code: number }> = PROFILES) {
    this.formats = catalog.layouts.flatMap((l) => (l ? [{ layout: l, slots: l.fields.map(slotOf) }] : []));
    for (const p of profiles) {
      const targets = catalog.refTargets.get(p.code) ?? [];
      this.profiles.set(p.id, { code: p.code, refs: targets.map(slotOf), refIndex: new Map(targets.map((t, i) => [t.key, i])) });
    }
  }

  encodeUplink(profileId: string, input: Json): { bytes: Uint8Array; fPort: number } {
    const p = this.profile(profileId);
    const message = input["message"];
    if (message === undefined || message === "measurement") {
      const samples = (message === undefined ? [input] : input["samples"]) as Json[];
      const format = this.latest(p.code, P.KIND_MEASUREMENT);
      const interval = samples.length > 1 ? (input["interval"] as number) : 0;
      const age = typeof input["age"] === "number" ? input["age"] : -1;
      return { bytes: this.frame(p, format, format.layout.sub, samples.length - 1, samples, interval, age), fPort: PORTS.measurement };
    }
    if (message === "status" || message === "alarm") {
      const format = this.latest(message === "status" ? 0 : p.code, message === "status" ? P.KIND_STATUS : P.KIND_ALARM);
      return { bytes: this.frame(p, format, format.layout.sub, 0, [input], 0), fPort: message === "status" ? PORTS.status : PORTS.alarm };
    }
    if (message === "ack") {
      const format = this.latest(0, P.KIND_ACK);
      return { bytes: this.frame(p, format, format.layout.sub, this.commandCode(input["command"]), [input], 0), fPort: PORTS.config };
    }
    throw new Error(`unknown message ${String(message)}`);
  }

  encodeDownlink(profileId: string, command: Json): { bytes: Uint8Array; fPort: number } {
    const p = this.profile(profileId);
    const code = this.commandCode(command["command"]);
    const format = this.formats.find((f) => f.layout.kind === P.KIND_COMMAND && f.layout.sub === code) as Format;
    return { bytes: this.frame(p, format, P.COMMAND_VERSION, code, [command], 0), fPort: PORTS.config };
  }

  private frame(p: { refs: readonly Slot[]; refIndex: ReadonlyMap<string, number> }, format: Format, version: number, low: number, samples: readonly Json[], interval: number, age = -1): Uint8Array {
    if (samples.length < 1 || samples.length > P.MAX_SAMPLES) throw new Error(`${samples.length} samples`);
    if (samples.length > 1 && !(Number.isInteger(interval) && interval >= 1 && interval <= 65535)) throw new Error(`bad interval ${interval}`);
    // Every sample's codes and widths (a ref takes its fieldRef target's width).
    const rows = samples.map((sample) => {
      let target: Slot | undefined;
      return format.slots.map((slot) => {
        const raw = valueAt(sample, slot.path);
        const spec = slot.field.kind === "ref" ? target : slot;
        const code = this.codeOf(slot, spec, raw, p);
        if (slot.field.kind === "fieldRef") target = code === slot.absent ? undefined : p.refs[code];
        return { code, width: spec ? spec.bits : 0, present: raw !== undefined && raw !== null };
      });
    });
    const n = format.slots.length;
    const w = new BitWriter();
    if (age >= 0) {
      w.write((P.VERSION_DELAYED << 5) | low, 8);
      w.write(version, P.VERSION_BITS);
      w.write(age, P.AGE_BITS);
    } else {
      w.write((version << 5) | low, 8);
    }
    if (samples.length > 1) w.write(interval, 16);
    let present = allOnes(n);
    if (format.layout.sparse) {
      present = 0;
      for (let i = 0; i < n; i++) if (rows.some((r) => r[i]?.present)) present |= 1 << (n - 1 - i);
      w.write(present, n);
    }
    const isPresent = (i: number) => ((present >>> (n - 1 - i)) & 1) === 1;
    const first = rows[0] as (typeof rows)[number];
    first.forEach((c, i) => {
      if (isPresent(i)) w.write(c.code, c.width);
    });
    for (let i = 0; i < n && rows.length > 1; i++) {
      if (!isPresent(i)) continue;
      const bits = (format.slots[i] as Slot).bits;
      const column = rows.map((r) => (r[i] as { code: number }).code);
      const deltas = column.slice(1).map((c, s) => zigzag(c - (column[s] as number)));
      const width = Math.max(0, ...deltas.map(widthOf));
      if (width >= bits || width >= P.MODE_RAW) {
        w.write(P.MODE_RAW, 4);
        for (const c of column.slice(1)) w.write(c, bits);
      } else {
        w.write(width, 4);
        for (const d of deltas) w.write(d, width);
      }
    }
    return w.finish();
  }

  /** The code of one value: number on its grid, boolean, enum index, version, fieldRef index. */
  private codeOf(slot: Slot, spec: Slot | undefined, raw: unknown, p: { refIndex: ReadonlyMap<string, number> }): number {
    const absent = raw === undefined || raw === null;
    switch (slot.field.kind) {
      case "number":
      case "ref": {
        if (!spec) {
          if (!absent) throw new Error(`${slot.field.key}: no quantity named before it`);
          return 0;
        }
        if (absent) return spec.absent;
        if (typeof raw !== "number" || !Number.isFinite(raw)) throw new Error(`${slot.field.key} must be a finite number`);
        const code = Math.round((raw * spec.scale - spec.min) / spec.step);
        if (code < 0 || code >= spec.validCodes) throw new Error(`${slot.field.key} = ${raw} is out of range`);
        return code === 0 ? 0 : code;
      }
      case "boolean":
        return raw === true ? 1 : 0;
      case "enum": {
        if (absent) return slot.absent;
        const index = slot.field.values.indexOf(raw as string);
        if (index < 0) throw new Error(`${slot.field.key}: unknown value ${String(raw)}`);
        return index;
      }
      case "version": {
        if (absent) return 0;
        const [a, b, c] = String(raw).split(".").map(Number) as [number, number, number];
        return a * 65536 + b * 256 + c;
      }
      case "fieldRef": {
        if (absent) return slot.absent;
        const index = p.refIndex.get(raw as string);
        if (index === undefined) throw new Error(`${slot.field.key}: unknown quantity ${String(raw)}`);
        return index;
      }
    }
  }

  private profile(id: string) {
    const p = this.profiles.get(id);
    if (!p) throw new Error(`unknown profile ${id}`);
    return p;
  }

  private latest(owner: number, kind: number): Format {
    let best: Format | undefined;
    for (const f of this.formats) if (f.layout.profile === owner && f.layout.kind === kind && (!best || f.layout.sub > best.layout.sub)) best = f;
    if (!best) throw new Error(`no layout for kind ${kind}`);
    return best;
  }

  private commandCode(name: unknown): number {
    const f = this.formats.find((x) => x.layout.kind === P.KIND_COMMAND && x.layout.command === name);
    if (!f) throw new Error(`unknown command ${String(name)}`);
    return f.layout.sub;
  }
}

function slotOf(field: Field): Slot {
  const bits = field.kind === "ref" ? 0 : bitsOf(field);
  const base = { field, path: field.key.split("."), bits, absent: allOnes(bits), validCodes: POW2[bits] as number, min: 0, step: 1, scale: 1 };
  if (field.kind === "number") return numberSlot(base, field);
  if (field.kind === "enum") return { ...base, validCodes: field.values.length };
  return base;
}

function numberSlot(base: Slot, field: NumberField): Slot {
  const scale = 10 ** decimalsOf(field.resolution);
  return { ...base, validCodes: codeCount(field), min: Math.round(field.min * scale), step: Math.round(field.resolution * scale), scale };
}

function valueAt(input: Json, path: readonly string[]): unknown {
  let node: unknown = input;
  for (const part of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Json)[part];
  }
  return node;
}
