import { PORT_CONFIG } from "../assembly/protocol.ts";
import type { Codec } from "./codec.ts";
import type { ConfigCommand, ProfileId } from "./data.ts";

/** Input of decodeUplink as ChirpStack v4 and The Things Stack pass it. */
export interface UplinkInput {
  bytes: number[];
  fPort: number;
  recvTime?: Date;
  variables?: Record<string, string>;
}

/** The LoRa Alliance TS013 payload codec API (ChirpStack v4, The Things Stack) for one profile. */
export interface Ts013Codec {
  decodeUplink(input: UplinkInput): { data?: unknown; errors?: string[]; warnings?: string[] };
  encodeDownlink(input: { data: unknown; variables?: Record<string, string> }): { bytes?: number[]; fPort?: number; errors?: string[]; warnings?: string[] };
  decodeDownlink(input: { bytes: number[]; fPort: number }): { data?: unknown; errors?: string[]; warnings?: string[] };
  /** The Things Stack's normalized payload: TTN schema keys only (its schema rejects others). */
  normalizeUplink(input: { data: unknown }): { data?: unknown; errors?: string[]; warnings?: string[] };
}

/**
 * Binds a codec to one profile with the TS013 function signatures. The ChirpStack script is this
 * module compiled together with the wasm2js engine.
 */
export function ts013(codec: Codec, profileId: ProfileId, ttnKeys: ReadonlySet<string>): Ts013Codec {
  return {
    decodeUplink(input) {
      const r = codec.decodeUplink(profileId, input.fPort, input.bytes, input.recvTime ? { recvTime: input.recvTime } : {});
      return r.data === undefined ? { errors: r.errors, warnings: r.warnings } : { data: r.data, errors: r.errors, warnings: r.warnings };
    },
    encodeDownlink(input) {
      try {
        const frame = codec.encodeDownlink(profileId, input.data as ConfigCommand);
        return { bytes: Array.from(frame.bytes), fPort: frame.fPort, errors: [], warnings: [] };
      } catch (e) {
        return { errors: [e instanceof Error ? e.message : String(e)], warnings: [] };
      }
    },
    decodeDownlink(input) {
      const r = codec.decodeDownlink(profileId, input.fPort ?? PORT_CONFIG, input.bytes);
      return r.data === undefined ? { errors: r.errors, warnings: r.warnings } : { data: r.data, errors: r.errors, warnings: r.warnings };
    },
    normalizeUplink(input) {
      const data = input.data as { message?: string; samples?: Array<Record<string, unknown>> };
      if (data?.message !== "measurement" || !Array.isArray(data.samples)) return { data: [], errors: [], warnings: [] };
      return { data: data.samples.map((sample) => ttnOnly(sample, ttnKeys)), errors: [], warnings: [] };
    },
  };
}

function ttnOnly(sample: Record<string, unknown>, ttnKeys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof sample["time"] === "string") out["time"] = sample["time"];
  const visit = (node: Record<string, unknown>, prefix: string, target: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v !== null && typeof v === "object") {
        const child: Record<string, unknown> = {};
        visit(v as Record<string, unknown>, key, child);
        if (Object.keys(child).length) target[k] = child;
      } else if (ttnKeys.has(key)) {
        target[k] = v;
      }
    }
  };
  visit(sample, "", out);
  return out;
}
