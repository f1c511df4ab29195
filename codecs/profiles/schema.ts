/**
 * The vocabulary in which every Cigale sensor profile is declared.
 *
 * A profile is data, not code: the generator (`codecs/scripts/generate.ts`) turns it into the
 * AssemblyScript tables of the WASM engine, the TypeScript types of the worker and SDK, the
 * quantity documentation and the open-data mappings. Change a profile here and everything follows.
 */

/** A quantity measured by several profiles, declared once in `quantities.ts`. */
export interface Quantity {
  /** Normalized key, dot-separated; becomes nested objects in decoded data (`air.temperature` → `{air: {temperature}}`). */
  readonly key: string;
  /** UCUM unit code (`Cel`, `%`, `hPa`, `ug/m3`, …); `1` for dimensionless counts and states. */
  readonly unit: string;
  /** Unit as people read it (`°C`, `µg/m³`, `dB(A)`). */
  readonly symbol: string;
  readonly description: string;
  /** Where the key comes from: The Things Network's normalized payload schema, or our documented extension. */
  readonly origin: "ttn" | "cigale";
  /** FIWARE Smart Data Model attribute this quantity maps to in open data, when one exists. */
  readonly smartDataModel?: { readonly entity: string; readonly attribute: string; readonly factor?: number };
}

/** A number quantized linearly: code = round((value − min) / resolution); code 2^bits − 1 means absent. */
export interface NumberField {
  readonly kind: "number";
  readonly key: string;
  readonly min: number;
  readonly max: number;
  readonly resolution: number;
  /** Why these bounds: datasheet or regulation they come from. */
  readonly basis: string;
}

/** True/false on one bit; never absent (a device that cannot tell reports false). */
export interface BooleanField {
  readonly kind: "boolean";
  readonly key: string;
  readonly basis?: string;
}

/** One of a closed list of names; the last code (2^bits − 1) means absent. */
export interface EnumField {
  readonly kind: "enum";
  readonly key: string;
  readonly values: readonly string[];
  readonly basis?: string;
}

/** Three bytes major.minor.patch, decoded as the string "major.minor.patch". */
export interface VersionField {
  readonly kind: "version";
  readonly key: string;
}

/**
 * Names one field of the profile's measurement layout (by its position); a following `ref`
 * field is then encoded with that field's own range and resolution (alarm thresholds, config).
 */
export interface FieldRefField {
  readonly kind: "fieldRef";
  readonly key: string;
}

/** A value of the measurement field named by the nearest preceding `fieldRef`. */
export interface RefField {
  readonly kind: "ref";
  readonly key: string;
}

export type Field = NumberField | BooleanField | EnumField | VersionField | FieldRefField | RefField;

/**
 * The byte layout of one message at one format version.
 * Dense layouts give every field its slot (absent = the reserved code); sparse layouts start with a
 * presence bitmap and carry only the fields present — for profiles where most fields are unused
 * on any one device (a meter measures water *or* gas *or* electricity).
 */
export interface Layout {
  readonly version: number;
  readonly fields: readonly Field[];
  readonly sparse?: boolean;
}

/** The uplink message kinds, each on its own fPort. */
export type UplinkMessage = "measurement" | "status" | "alarm" | "ack";

export interface Command {
  readonly name: string;
  readonly description: string;
  readonly fields: readonly Field[];
}

export interface Profile {
  /** Stable id used in the device registry and URLs. */
  readonly id: string;
  /** Stable numeric id inside the WASM engine; never reused. */
  readonly code: number;
  readonly title: string;
  readonly description: string;
  /** Every measurement layout this profile ever had, oldest first; the last one is encoded. */
  readonly measurement: readonly Layout[];
  /** Profile-specific alarm fields (fPort 3), after the common threshold fields. */
  readonly alarm: readonly Layout[];
  /** Devices of this profile usually run on mains power (no battery in the measurement). */
  readonly mainsPowered?: boolean;
}

/** fPorts of the Cigale frame format; the profile comes from the device registry, not from the port. */
export const PORTS = { measurement: 1, status: 2, alarm: 3, config: 10 } as const;

/** Highest format version the 3-bit header can carry. */
export const MAX_VERSION = 7;
/** Most samples a measurement frame can carry (5-bit count in the header). */
export const MAX_SAMPLES = 32;

/** Bits a field takes in a frame (absent code included). */
export function bitsOf(field: Field, refTarget?: NumberField): number {
  switch (field.kind) {
    case "number":
      return Math.ceil(Math.log2(codeCount(field) + 1));
    case "boolean":
      return 1;
    case "enum":
      return Math.ceil(Math.log2(field.values.length + 1));
    case "version":
      return 24;
    case "fieldRef":
      return 5;
    case "ref":
      if (!refTarget) throw new Error(`ref field ${field.key} needs its target`);
      return bitsOf(refTarget);
  }
}

/** Number of distinct values a number field can take (its absent code excluded). */
export function codeCount(field: NumberField): number {
  return Math.round((field.max - field.min) / field.resolution) + 1;
}

/** Decimal places of a resolution (0.01 → 2), so values decode to the exact decimal they denote. */
export function decimalsOf(resolution: number): number {
  let d = 0;
  while (Math.abs(Math.round(resolution * 10 ** d) - resolution * 10 ** d) > 1e-9 && d < 9) d++;
  return d;
}

/** Information bound of a layout: Σ ⌈log2(range/resolution + 1)⌉ bits, absent code excluded. */
export function informationBits(fields: readonly Field[]): number {
  let bits = 0;
  for (const f of fields) {
    if (f.kind === "number") bits += Math.ceil(Math.log2(codeCount(f)));
    else if (f.kind === "enum") bits += Math.ceil(Math.log2(f.values.length));
    else if (f.kind !== "ref") bits += bitsOf(f);
  }
  return bits;
}

export function latest<T extends Layout>(layouts: readonly T[]): T {
  const last = layouts[layouts.length - 1];
  if (!last) throw new Error("profile has no layout");
  return last;
}
