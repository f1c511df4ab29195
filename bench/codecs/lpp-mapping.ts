/**
 * How a Cigale reading would travel as standard CayenneLPP, to compare sizes fairly. Each quantity
 * gets its own channel and the nearest standard type:
 *
 * | Cigale quantity                     | LPP type          | LPP resolution | note                                  |
 * |-------------------------------------|-------------------|----------------|---------------------------------------|
 * | air.temperature                     | temperature (103) | 0.1 °C         | coarser than env's 0.01 °C            |
 * | air.relativeHumidity                | humidity (104)    | 0.5 %          |                                       |
 * | air.pressure                        | barometer (115)   | 0.1 hPa        |                                       |
 * | booleans (alarm.*, water.leak)      | digital input (0) | 1              |                                       |
 * | enums (station.status, …)           | digital input (0) | 1              | the value's index                     |
 * | other numbers whose range fits      | analog input (2)  | 0.01 signed    | battery, dB(A), tilt, vibration …     |
 * | ±327.67 at a resolution ≥ 0.01      |                   |                |                                       |
 * | other numbers (wider or finer)      | n × analog input  | raw 16 bits    | NO2, PM, counts, indexes: see below   |
 *
 * Standard LPP has no type for a counter or a meter index (a water index of 123 456 L, a
 * footfall count of 412, an energy index in Wh), and PM or NO2 up to 1 000 µg/m³ overflow an
 * analog input. The mapping is fixed per field, as in firmware; the cheapest lossless carriage is the value's
 * integer code at its Cigale resolution split into 16-bit words, one analog-input channel per
 * word (the receiver reassembles them): 4 bytes per 16 bits. This favours LPP — a real device
 * would more likely lose precision or overflow — so the comparison is conservative.
 */
import { codeCount, type Field, type Layout, type NumberField } from "../../codecs/profiles/schema.ts";
import type { LppValue } from "./cayenne-lpp.ts";

const ANALOG_LIMIT = 327.67;

/** The LPP values of one reading (nested Cigale keys) under `layout`'s fields; channels count from 1. */
export function lppValuesOf(layout: Layout, reading: Record<string, unknown>): LppValue[] {
  const values: LppValue[] = [];
  let channel = 1;
  for (const field of layout.fields) {
    const raw = valueAt(reading, field.key);
    if (raw === undefined) {
      channel += channelsOf(field);
      continue;
    }
    values.push(...encodeField(field, raw, channel));
    channel += channelsOf(field);
  }
  return values;
}

/** The LPP type chosen for each field of a layout, for the benchmark's notes. */
export function lppTypeOf(field: Field): string {
  if (field.kind === "boolean" || field.kind === "enum") return "digital input";
  if (field.key === "air.temperature") return "temperature";
  if (field.key === "air.relativeHumidity") return "humidity";
  if (field.key === "air.pressure") return "barometer";
  if (field.kind === "number" && !fitsAnalog(field)) return `${wordsOf(field)} × analog input (16-bit words)`;
  return "analog input";
}

function encodeField(field: Field, raw: unknown, channel: number): LppValue[] {
  if (field.kind === "boolean") return [{ channel, type: "digitalInput", value: raw ? 1 : 0 }];
  if (field.kind === "enum") return [{ channel, type: "digitalInput", value: field.values.indexOf(raw as string) }];
  if (field.kind !== "number") throw new Error(`no LPP mapping for ${field.kind} field ${field.key}`);
  const v = raw as number;
  if (field.key === "air.temperature") return [{ channel, type: "temperature", value: v }];
  if (field.key === "air.relativeHumidity") return [{ channel, type: "humidity", value: v }];
  if (field.key === "air.pressure") return [{ channel, type: "barometer", value: v }];
  if (fitsAnalog(field)) return [{ channel, type: "analogInput", value: v }];
  // Integer code at the field's resolution, high word first, each word as a raw signed 16-bit analog value.
  const code = Math.round((v - field.min) / field.resolution);
  const words = wordsOf(field);
  return Array.from({ length: words }, (_, i) => {
    const word = Math.floor(code / 2 ** (16 * (words - 1 - i))) % 65536;
    return { channel: channel + i, type: "analogInput" as const, value: (word >= 32768 ? word - 65536 : word) / 100 };
  });
}

/** A field fits one analog input when its whole range does at 0.01 (and no finer resolution is needed). */
function fitsAnalog(field: NumberField): boolean {
  return Math.max(Math.abs(field.min), Math.abs(field.max)) <= ANALOG_LIMIT && field.resolution >= 0.01;
}

function wordsOf(field: NumberField): number {
  return Math.max(1, Math.ceil(Math.log2(codeCount(field)) / 16));
}

function channelsOf(field: Field): number {
  return field.kind === "number" && !["air.temperature", "air.relativeHumidity", "air.pressure"].includes(field.key) && !fitsAnalog(field) ? wordsOf(field) : 1;
}

function valueAt(reading: Record<string, unknown>, key: string): unknown {
  let node: unknown = reading;
  for (const part of key.split(".")) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
  return node ?? undefined;
}
