import type { BooleanField, EnumField, NumberField } from "./schema.ts";

/** A linearly quantized number; `basis` says which datasheet or rule the bounds come from. */
export function num(key: string, min: number, max: number, resolution: number, basis: string): NumberField {
  return { kind: "number", key, min, max, resolution, basis };
}

export function bool(key: string, basis?: string): BooleanField {
  return basis ? { kind: "boolean", key, basis } : { kind: "boolean", key };
}

export function oneOf(key: string, values: readonly string[], basis?: string): EnumField {
  return basis ? { kind: "enum", key, values, basis } : { kind: "enum", key, values };
}

/** Battery voltage of a single Li-SOCl2 or Li-ion cell, 10 mV steps: the range every profile shares. */
export const battery = num("battery", 2, 4.5, 0.01, "Li-SOCl2 3.6 V / Li-ion 3.7 V cells, brown-out at 2.0 V");
