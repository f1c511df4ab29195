/**
 * One vendor codec with the LoRa Alliance TS013 / ChirpStack v4 / The Things Stack function
 * signatures. The ChirpStack script of a codec is this module bundled with its family's wasm2js
 * engine and its normalizer.
 */
import type { EngineResult, VendorMachine } from "./engine.ts";
import type { Normalizer, VendorMeasurement } from "./normalize.ts";

export interface VendorUplinkInput {
  bytes: number[];
  fPort: number;
  recvTime?: Date;
  variables?: Record<string, string>;
}

export interface VendorTs013 {
  decodeUplink(input: VendorUplinkInput): { data?: unknown; errors: string[]; warnings: string[] };
  encodeDownlink(input: { data: unknown; variables?: Record<string, string> }): { bytes?: number[]; fPort?: number; errors: string[]; warnings: string[] };
  decodeDownlink(input: { bytes: number[]; fPort: number }): { data?: unknown; errors: string[]; warnings: string[] };
  /** The Things Stack's normalized payload: keys of TTN's schema only (it rejects others). */
  normalizeUplink(input: { data: unknown; version?: { hardwareVersion?: string } }): { data?: VendorMeasurement[]; errors: string[]; warnings: string[] };
}

function shape(r: EngineResult): { data?: unknown; errors: string[]; warnings: string[] } {
  return r.data === undefined ? { errors: r.errors, warnings: r.warnings } : { data: r.data, errors: r.errors, warnings: r.warnings };
}

function badBytes(input: { bytes?: unknown } | undefined): { errors: string[]; warnings: string[] } | undefined {
  const bytes = input?.bytes;
  return Array.isArray(bytes) || ArrayBuffer.isView(bytes) ? undefined : { errors: ["input.bytes must be an array of bytes"], warnings: [] };
}

export function vendorTs013(machine: VendorMachine, code: number, normalize: Normalizer, ttnKeys: ReadonlySet<string>): VendorTs013 {
  return {
    decodeUplink(input) {
      return badBytes(input) ?? shape(machine.decodeUplink(code, input.fPort, input.bytes));
    },
    encodeDownlink(input) {
      const r = machine.encodeDownlink(code, input?.data);
      return r.bytes === undefined ? { errors: r.errors, warnings: r.warnings } : { bytes: r.bytes, fPort: r.fPort as number, errors: r.errors, warnings: r.warnings };
    },
    decodeDownlink(input) {
      return badBytes(input) ?? shape(machine.decodeDownlink(code, input.fPort, input.bytes));
    },
    normalizeUplink(input) {
      try {
        const hardwareVersion = input?.version?.hardwareVersion;
        const measurements = normalize(input?.data, typeof hardwareVersion === "string" ? { hardwareVersion } : {});
        const warnings: string[] = [];
        const data = measurements.map((m) => ttnOnly(m, ttnKeys, warnings)).filter((m) => Object.keys(m).some((k) => k !== "time"));
        return { data, errors: [], warnings };
      } catch (e) {
        return { errors: [e instanceof Error ? e.message : String(e)], warnings: [] };
      }
    },
  };
}

/**
 * Bounds of TTN's normalized payload schema (lib/payload.json @311659e1): The Things Stack rejects
 * a measurement with a value outside them, so such values are left out, with a warning.
 */
const TTN_BOUNDS: Readonly<Record<string, readonly [min: number, max: number, maxExclusive?: boolean]>> = {
  battery: [0, Infinity],
  "air.temperature": [-273.15, Infinity],
  "air.relativeHumidity": [0, 100],
  "air.pressure": [900, 1100],
  "air.co2": [0, 1e6],
  "air.lightIntensity": [0, Infinity],
  "wind.speed": [0, Infinity],
  "wind.direction": [0, 360, true],
};

/** Keeps `time` and the leaves whose dotted key The Things Network's schema defines (within its bounds). */
export function ttnOnly(m: VendorMeasurement, ttnKeys: ReadonlySet<string>, warnings: string[] = []): VendorMeasurement {
  const out: VendorMeasurement = {};
  if (typeof m.time === "string") out.time = m.time;
  const visit = (node: Record<string, unknown>, prefix: string, target: Record<string, unknown>) => {
    for (const k of Object.keys(node)) {
      if (!prefix && k === "time") continue;
      const v = node[k];
      const key = prefix ? `${prefix}.${k}` : k;
      if (v !== null && typeof v === "object") {
        const child: Record<string, unknown> = {};
        visit(v as Record<string, unknown>, key, child);
        if (Object.keys(child).length > 0) target[k] = child;
      } else if (ttnKeys.has(key)) {
        const bounds = TTN_BOUNDS[key];
        if (bounds && typeof v === "number" && (v < bounds[0] || v > bounds[1] || (bounds[2] === true && v === bounds[1]))) {
          warnings.push(`${key} ${v} is outside The Things Network's range ${bounds[0]}…${bounds[1]}: left out of the normalized payload`);
        } else {
          target[k] = v;
        }
      }
    }
  };
  visit(m, "", out);
  return out;
}
