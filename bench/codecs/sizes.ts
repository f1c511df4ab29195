/** Bytes per uplink: Cigale frames against CayenneLPP and the information bound, with time on air. */
import { PROFILES, type ProfileId } from "../../codecs/profiles/index.ts";
import { codeCount, type Field, latest, type Profile } from "../../codecs/profiles/schema.ts";
import type { Codec } from "../../codecs/src/codec.ts";
import { timeOnAirMs } from "../../codecs/src/lorawan.ts";
import { encodeLpp } from "./cayenne-lpp.ts";
import { lppValuesOf } from "./lpp-mapping.ts";
import { REFERENCE_READINGS, SERIES } from "./references.ts";

/** SF12/125 kHz (EU868 DR0): the slowest data rate, where every byte costs most. */
const SF = 12;
const BW = 125;

export interface SizeRow {
  name: string;
  profile: ProfileId;
  samples: number;
  cigaleBytes: number;
  lppBytes: number;
  /** LPP needs one frame per sample. */
  lppFrames: number;
  boundBytes: number;
  cigaleToaMs: number;
  lppToaMs: number;
  /** Cigale bytes / LPP bytes. */
  ratioToLpp: number;
  /** Cigale bytes − bound bytes. */
  overBound: number;
}

export function measureSizes(codec: Codec): SizeRow[] {
  const rows: SizeRow[] = [];
  for (const p of PROFILES as readonly Profile[]) {
    const id = p.id as ProfileId;
    const reading = REFERENCE_READINGS[id];
    rows.push(row(codec, `${id}, reference reading`, id, [reading], 0));
  }
  for (const s of SERIES) rows.push(row(codec, s.name, s.profile, s.samples, s.interval));
  return rows;
}

function row(codec: Codec, name: string, id: ProfileId, samples: ReadonlyArray<Record<string, unknown>>, interval: number): SizeRow {
  const p = PROFILES.find((x) => x.id === id) as Profile;
  const layout = latest(p.measurement);
  const input = samples.length === 1 ? samples[0] : { message: "measurement", samples, interval };
  const cigale = codec.encodeUplink(id, input as never).bytes.length;
  const lppFrames = samples.map((s) => encodeLpp(lppValuesOf(layout, s)).length);
  const lpp = lppFrames.reduce((a, b) => a + b, 0);
  const bound = samples.length * Math.ceil(boundBits(layout.fields, samples[0] as Record<string, unknown>) / 8);
  return {
    name,
    profile: id,
    samples: samples.length,
    cigaleBytes: cigale,
    lppBytes: lpp,
    lppFrames: lppFrames.length,
    boundBytes: bound,
    cigaleToaMs: timeOnAirMs(cigale, SF, BW),
    lppToaMs: lppFrames.reduce((a, b) => a + timeOnAirMs(b, SF, BW), 0),
    ratioToLpp: cigale / lpp,
    overBound: cigale - bound,
  };
}

/**
 * Information bound of one reading: Σ ⌈log2(range/resolution + 1)⌉ bits over the quantities it
 * carries (⌈log2 n⌉ for a closed list of n values); the absent code and the header are not
 * information. For several samples, each sample counts in full (no knowledge of deltas).
 */
export function boundBits(fields: readonly Field[], reading: Record<string, unknown>): number {
  let bits = 0;
  for (const f of fields) {
    if (valueAt(reading, f.key) === undefined) continue;
    if (f.kind === "number") bits += Math.ceil(Math.log2(codeCount(f)));
    else if (f.kind === "enum") bits += Math.ceil(Math.log2(f.values.length));
    else if (f.kind === "boolean") bits += 1;
  }
  return bits;
}

function valueAt(reading: Record<string, unknown>, key: string): unknown {
  let node: unknown = reading;
  for (const part of key.split(".")) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
  return node ?? undefined;
}

export { SF, BW };
