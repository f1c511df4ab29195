import type { Reading } from "../readings.ts";
import { type VendorCodecInfo, VENDOR_CODECS, VENDOR_FAMILIES, vendorCodec } from "./catalog.ts";
import { type EngineResult, type VendorEngineExports, type VendorIssue, VendorMachine } from "./engine.ts";
import { type NormalizeContext, NORMALIZERS, type VendorMeasurement } from "./normalize.ts";
import { vendorTs013, type VendorTs013 } from "./ts013.ts";

export interface VendorDecodeOptions {
  /** The device's hardware version, when its normalization depends on it (TTN wind sensor). */
  hardwareVersion?: string;
}

/** decodeUplink's result: the vendor-shaped `data` (TS013), plus Cigale's normalized measurements. */
export interface VendorUplinkResult {
  /** The decoded object exactly as the vendor's own decoder shapes it. */
  data?: unknown;
  errors: string[];
  warnings: string[];
  /** Measurements with Cigale's quantity keys and units (empty when nothing maps, or on failure). */
  normalized: VendorMeasurement[];
  /** On failure: a stable code beside the vendor's message. */
  issue?: VendorIssue;
}

export interface VendorDownlinkResult {
  bytes?: number[];
  fPort?: number;
  errors: string[];
  warnings: string[];
  issue?: VendorIssue;
}

export interface VendorDecodedDownlink {
  data?: unknown;
  errors: string[];
  warnings: string[];
  issue?: VendorIssue;
}

function unknownCodec(codecId: string): EngineResult {
  const message = `unknown codec "${codecId}": see listVendorCodecs()`;
  return { errors: [message], warnings: [], issue: { code: "unknown-codec", message } };
}

/**
 * The commercial-sensor decoders, driven through one compiled engine (vendors.wasm, or a family's
 * module). This class resolves codec ids and normalizes; every byte is read by the engine.
 *
 * @example
 * ```ts
 * import { vendorCodecs } from "@cigale/codecs/vendors/node";
 * const r = vendorCodecs.decodeUplink("elsys/ers-codec", 1, [0x01, 0x00, 0xe2, 0x02, 0x29]);
 * r.data;       // { temperature: 22.6, humidity: 41 }
 * r.normalized; // [{ air: { temperature: 22.6, relativeHumidity: 41 } }]
 * ```
 */
export class VendorCodecs {
  private readonly machine: VendorMachine;
  private readonly family: number;

  constructor(engine: VendorEngineExports) {
    this.machine = new VendorMachine(engine);
    this.family = this.machine.family();
  }

  /** The codecs this engine can run. */
  get codecs(): readonly VendorCodecInfo[] {
    return this.family === 0 ? VENDOR_CODECS : VENDOR_CODECS.filter((c) => VENDOR_FAMILIES[c.family] === this.family);
  }

  decodeUplink(codecId: string, fPort: number, bytes: ArrayLike<number>, options: VendorDecodeOptions = {}): VendorUplinkResult {
    const info = this.resolve(codecId);
    const r = info ? this.machine.decodeUplink(info.code, fPort, bytes) : unknownCodec(codecId);
    const normalized = info && r.data !== undefined ? this.normalize(info, r.data, options) : [];
    return { ...r, normalized };
  }

  decodeDownlink(codecId: string, fPort: number, bytes: ArrayLike<number>): VendorDecodedDownlink {
    const info = this.resolve(codecId);
    return info ? this.machine.decodeDownlink(info.code, fPort, bytes) : unknownCodec(codecId);
  }

  encodeDownlink(codecId: string, data: unknown): VendorDownlinkResult {
    const info = this.resolve(codecId);
    return info ? this.machine.encodeDownlink(info.code, data) : unknownCodec(codecId);
  }

  /** Normalized measurements of already-decoded vendor data (what TS013 `normalizeUplink` does). */
  normalizeUplink(codecId: string, data: unknown, context: NormalizeContext = {}): VendorMeasurement[] {
    const info = vendorCodec(codecId);
    return info ? this.normalize(info, data, context) : [];
  }

  /** One codec with the TS013 signatures, as its ChirpStack script exposes them. */
  ts013(codecId: string, ttnKeys: ReadonlySet<string>): VendorTs013 {
    const info = this.resolve(codecId);
    if (!info) throw new Error(unknownCodec(codecId).errors[0]);
    return vendorTs013(this.machine, info.code, NORMALIZERS[info.family], ttnKeys);
  }

  private resolve(codecId: string): VendorCodecInfo | undefined {
    const info = vendorCodec(codecId);
    if (!info || (this.family !== 0 && VENDOR_FAMILIES[info.family] !== this.family)) return undefined;
    return info;
  }

  private normalize(info: VendorCodecInfo, data: unknown, context: NormalizeContext): VendorMeasurement[] {
    try {
      return NORMALIZERS[info.family](data, context);
    } catch {
      return [];
    }
  }
}

/**
 * Flattens normalized measurements into the rows the Worker stores: one per quantity, timed by
 * the measurement's own `time` or else the uplink's.
 */
export function vendorReadings(measurements: readonly VendorMeasurement[], uplinkTime: number): Reading[] {
  const out: Reading[] = [];
  for (const m of measurements) {
    const parsed = typeof m.time === "string" ? Date.parse(m.time) : Number.NaN;
    const time = Number.isFinite(parsed) ? parsed : uplinkTime;
    const visit = (node: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(node)) {
        if (!prefix && k === "time") continue;
        const key = prefix ? `${prefix}.${k}` : k;
        if (typeof v === "number" || typeof v === "boolean" || typeof v === "string") out.push({ time, key, value: v });
        else if (v !== null && typeof v === "object" && !Array.isArray(v)) visit(v as Record<string, unknown>, key);
      }
    };
    visit(m, "");
  }
  return out;
}
