import { describe, expect, it } from "vitest";
import { decodeLpp, encodeLpp, type LppValue } from "../../bench/codecs/cayenne-lpp.ts";
import { lppValuesOf } from "../../bench/codecs/lpp-mapping.ts";
import { REFERENCE_READINGS } from "../../bench/codecs/references.ts";
import { env } from "../../codecs/profiles/env.ts";
import { meter } from "../../codecs/profiles/meter.ts";
import { latest } from "../../codecs/profiles/schema.ts";

/** The CayenneLPP size baseline of the benchmark must be the standard encoding. */
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

// The worked examples of the myDevices CayenneLPP documentation.
const VECTORS: Array<{ name: string; hex: string; values: LppValue[] }> = [
  {
    name: "two temperature sensors",
    hex: "03670110056700ff",
    values: [
      { channel: 3, type: "temperature", value: 27.2 },
      { channel: 5, type: "temperature", value: 25.5 },
    ],
  },
  { name: "accelerometer", hex: "067104d2fb2e0000", values: [{ channel: 6, type: "accelerometer", value: { x: 1.234, y: -1.234, z: 0 } }] },
  { name: "GPS", hex: "018806765ff2960a0003e8", values: [{ channel: 1, type: "gps", value: { latitude: 42.3519, longitude: -87.9094, altitude: 10 } }] },
];

describe("CayenneLPP baseline", () => {
  it.each(VECTORS)("encodes and decodes the documented $name example", ({ hex: expected, values }) => {
    expect(hex(encodeLpp(values))).toBe(expected);
    expect(decodeLpp(Buffer.from(expected, "hex"))).toEqual(values);
  });

  it("uses each type's size, resolution and sign", () => {
    const values: LppValue[] = [
      { channel: 1, type: "digitalInput", value: 1 },
      { channel: 2, type: "analogInput", value: -3.61 },
      { channel: 3, type: "humidity", value: 48.5 },
      { channel: 4, type: "barometer", value: 1013.2 },
      { channel: 5, type: "illuminance", value: 520 },
      { channel: 6, type: "presence", value: 1 },
      { channel: 7, type: "gyrometer", value: { x: 1.5, y: -0.25, z: 0 } },
    ];
    expect(hex(encodeLpp(values))).toBe("010001" + "0202fe97" + "036861" + "04732794" + "05650208" + "066601" + "078600 96ff e70000".replace(/ /g, ""));
    expect(decodeLpp(encodeLpp(values))).toEqual(values);
  });

  it("refuses values that do not fit their type", () => {
    expect(() => encodeLpp([{ channel: 1, type: "humidity", value: 130 }])).toThrow(RangeError);
    expect(() => encodeLpp([{ channel: 1, type: "analogInput", value: 400 }])).toThrow(/does not fit 2 byte/);
    expect(() => encodeLpp([{ channel: 1, type: "barometer", value: -1 }])).toThrow(RangeError);
  });

  it("maps the env reference reading to the nearest standard types: 35 bytes", () => {
    const values = lppValuesOf(latest(env.measurement), REFERENCE_READINGS.env);
    expect(values.map((v) => v.type)).toEqual(["temperature", "humidity", "barometer", ...Array(6).fill("analogInput")]);
    expect(encodeLpp(values)).toHaveLength(4 + 3 + 4 + 6 * 4);
  });

  it("carries a meter index losslessly in 16-bit analog-input words", () => {
    const values = lppValuesOf(latest(meter.measurement), REFERENCE_READINGS.meter);
    const words = decodeLpp(encodeLpp(values)).filter((v) => v.channel <= 2).map((v) => Math.round((v.value as number) * 100) & 0xffff);
    expect(words).toHaveLength(2);
    expect((words[0] as number) * 65536 + (words[1] as number)).toBe(123456);
  });
});
