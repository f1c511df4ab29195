import * as P from "../assembly/protocol.ts";
import { profile as profileById } from "../profiles/index.ts";
import { quantity } from "../profiles/quantities.ts";
import { bitsOf, type Field, informationBits, latest } from "../profiles/schema.ts";
import { EU868_MAX_PAYLOAD } from "./lorawan.ts";

export interface FieldDescription {
  key: string;
  kind: Field["kind"];
  unit?: string;
  symbol?: string;
  min?: number;
  max?: number;
  resolution?: number;
  values?: readonly string[];
  bits: number;
  basis?: string;
}

export interface ProfileDescription {
  id: string;
  code: number;
  title: string;
  description: string;
  measurementVersion: number;
  sparse: boolean;
  fields: FieldDescription[];
  /** Bits of one sample with every field present (absent codes included). */
  bitsPerSample: number;
  /** Σ ⌈log2(range/resolution + 1)⌉ over the fields. */
  informationBits: number;
  /** Bytes of a single-sample frame with every field present. */
  bytesSingleSample: number;
  /** Samples per uplink at EU868 DR0…DR5 in the worst case (every column stored raw). */
  samplesPerUplink: Array<{ dr: number; maxPayload: number; samples: number }>;
  alarmFields: FieldDescription[];
}

/** Fields, sizes and capacity of a profile's current measurement format. */
export function describeProfile(id: string): ProfileDescription {
  const p = profileById(id);
  const layout = latest(p.measurement);
  const fields = layout.fields.map(describeField);
  const n = layout.fields.length;
  const bitsPerSample = fields.reduce((sum, f) => sum + f.bits, 0) + (layout.sparse ? n : 0);
  const single = Math.ceil((8 + bitsPerSample) / 8);
  const samplesPerUplink = EU868_MAX_PAYLOAD.slice(0, 6).map((maxPayload, dr) => {
    let samples = single <= maxPayload ? 1 : 0;
    for (let k = 2; k <= P.MAX_SAMPLES; k++) {
      // header, interval, first sample, then per field a mode nibble and k − 1 raw codes
      const bits = 8 + 16 + bitsPerSample + (k - 1) * (bitsPerSample - (layout.sparse ? n : 0)) + 4 * n;
      if (Math.ceil(bits / 8) <= maxPayload) samples = k;
    }
    return { dr, maxPayload, samples };
  });
  const alarm = latest(p.alarm);
  return {
    id: p.id,
    code: p.code,
    title: p.title,
    description: p.description,
    measurementVersion: layout.version,
    sparse: !!layout.sparse,
    fields,
    bitsPerSample,
    informationBits: informationBits(layout.fields),
    bytesSingleSample: single,
    samplesPerUplink,
    alarmFields: alarm.fields.map(describeField),
  };
}

function describeField(f: Field): FieldDescription {
  const out: FieldDescription = { key: f.key, kind: f.kind, bits: f.kind === "ref" ? 0 : bitsOf(f) };
  try {
    const q = quantity(f.key);
    out.unit = q.unit;
    out.symbol = q.symbol;
  } catch {
    // command-only fields (token, interval) have no quantity
  }
  if (f.kind === "number") {
    out.min = f.min;
    out.max = f.max;
    out.resolution = f.resolution;
    out.basis = f.basis;
  }
  if (f.kind === "enum") out.values = f.values;
  return out;
}
