import type { QuantitySpec } from "../../store/quantities.ts";

export type ReadingValue = number | boolean | string;

const VERSION = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A decoded value as the number stored in readings.value (rules in quantities.ts), or null if it does not fit its quantity. */
export function encodeValue(spec: QuantitySpec, value: ReadingValue): number | null {
  switch (spec.encoding) {
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return null;
      const scaled = value * 10 ** spec.decimals;
      const whole = Math.round(scaled);
      // Decoded values are decimals at the field's resolution: scaled, they are whole numbers up to
      // float noise (21.35 × 100 = 2134.9999999999995). Anything finer is kept as it is.
      return Math.abs(scaled - whole) <= 1e-9 * Math.max(1, Math.abs(scaled)) ? whole : scaled;
    }
    case "boolean":
      if (typeof value === "boolean") return value ? 1 : 0;
      return value === 0 || value === 1 ? value : null;
    case "enum": {
      const labels = spec.labels ?? [];
      if (typeof value === "string") {
        const index = labels.indexOf(value);
        return index >= 0 ? index : null;
      }
      return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < labels.length ? value : null;
    }
    case "version": {
      const m = typeof value === "string" ? VERSION.exec(value) : null;
      if (!m) return null;
      const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return major < 256 && minor < 256 && patch < 256 ? major * 65536 + minor * 256 + patch : null;
    }
  }
}

/** The stored number back as the value the codec decoded. */
export function decodeValue(spec: QuantitySpec, stored: number): ReadingValue {
  switch (spec.encoding) {
    case "number":
      return stored / 10 ** spec.decimals;
    case "boolean":
      return stored !== 0;
    case "enum":
      return spec.labels?.[stored] ?? stored;
    case "version":
      return `${Math.floor(stored / 65536)}.${Math.floor(stored / 256) % 256}.${stored % 256}`;
  }
}
