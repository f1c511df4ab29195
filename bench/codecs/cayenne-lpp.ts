/**
 * Cayenne Low Power Payload (myDevices), the size baseline of the benchmark: each value is
 * channel (1 byte) + type (1 byte) + data, big-endian, types numbered IPSO object id − 3200.
 * Only the standard myDevices types — what ChirpStack's built-in CayenneLPP codec and the
 * Cayenne dashboard understand — not the extended types of later Arduino libraries.
 */

/** Standard LPP types: type byte, data bytes per value (× axes), resolution and signedness. */
export const LPP_TYPES = {
  digitalInput: { type: 0, bytes: 1, resolution: 1, signed: false }, // 1 byte
  digitalOutput: { type: 1, bytes: 1, resolution: 1, signed: false }, // 1 byte
  analogInput: { type: 2, bytes: 2, resolution: 0.01, signed: true }, // 2 bytes, 0.01 signed
  analogOutput: { type: 3, bytes: 2, resolution: 0.01, signed: true }, // 2 bytes, 0.01 signed
  illuminance: { type: 101, bytes: 2, resolution: 1, signed: false }, // 2 bytes, 1 lx unsigned
  presence: { type: 102, bytes: 1, resolution: 1, signed: false }, // 1 byte
  temperature: { type: 103, bytes: 2, resolution: 0.1, signed: true }, // 2 bytes, 0.1 °C signed
  humidity: { type: 104, bytes: 1, resolution: 0.5, signed: false }, // 1 byte, 0.5 % unsigned
  accelerometer: { type: 113, bytes: 2, resolution: 0.001, signed: true, axes: 3 }, // 2 bytes per axis, 0.001 G
  barometer: { type: 115, bytes: 2, resolution: 0.1, signed: false }, // 2 bytes, 0.1 hPa unsigned
  gyrometer: { type: 134, bytes: 2, resolution: 0.01, signed: true, axes: 3 }, // 2 bytes per axis, 0.01 °/s
} as const;

export type ScalarType = Exclude<keyof typeof LPP_TYPES, "accelerometer" | "gyrometer">;

export type LppValue =
  | { channel: number; type: ScalarType; value: number }
  | { channel: number; type: "accelerometer" | "gyrometer"; value: { x: number; y: number; z: number } }
  /** GPS: latitude and longitude 3 bytes each at 0.0001° signed, altitude 3 bytes at 0.01 m signed. */
  | { channel: number; type: "gps"; value: { latitude: number; longitude: number; altitude: number } };

const GPS_TYPE = 136;

/** Encodes LPP values into one payload; throws a RangeError when a value does not fit its type. */
export function encodeLpp(values: readonly LppValue[]): Uint8Array {
  const out: number[] = [];
  const put = (value: number, resolution: number, bytes: number, signed: boolean, what: string) => {
    const code = Math.round(value / resolution);
    const span = 2 ** (8 * bytes);
    const [lo, hi] = signed ? [-span / 2, span / 2 - 1] : [0, span - 1];
    if (!(code >= lo && code <= hi)) throw new RangeError(`LPP ${what}: ${value} does not fit ${bytes} byte(s) at ${resolution}${signed ? " signed" : ""}`);
    const unsigned = code < 0 ? code + span : code;
    for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(unsigned / 2 ** (8 * i)) % 256);
  };
  for (const v of values) {
    if (v.type === "gps") {
      out.push(v.channel, GPS_TYPE);
      put(v.value.latitude, 0.0001, 3, true, "gps latitude");
      put(v.value.longitude, 0.0001, 3, true, "gps longitude");
      put(v.value.altitude, 0.01, 3, true, "gps altitude");
      continue;
    }
    const spec = LPP_TYPES[v.type];
    out.push(v.channel, spec.type);
    if (typeof v.value === "number") {
      put(v.value, spec.resolution, spec.bytes, spec.signed, v.type);
    } else {
      for (const axis of ["x", "y", "z"] as const) put(v.value[axis], spec.resolution, spec.bytes, spec.signed, `${v.type} ${axis}`);
    }
  }
  return Uint8Array.from(out);
}

/** Decodes an LPP payload (for tests of the encoder); throws on an unknown type or a short payload. */
export function decodeLpp(bytes: ArrayLike<number>): LppValue[] {
  const values: LppValue[] = [];
  let at = 0;
  const take = (n: number, resolution: number, signed: boolean): number => {
    if (at + n > bytes.length) throw new RangeError("LPP payload ends inside a value");
    let code = 0;
    for (let i = 0; i < n; i++) code = code * 256 + (bytes[at++] as number);
    if (signed && code >= 2 ** (8 * n - 1)) code -= 2 ** (8 * n);
    return Number((code * resolution).toFixed(4));
  };
  const byType = new Map(Object.entries(LPP_TYPES).map(([name, spec]) => [spec.type as number, name as keyof typeof LPP_TYPES]));
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new RangeError("LPP payload ends inside a header");
    const channel = bytes[at++] as number;
    const type = bytes[at++] as number;
    if (type === GPS_TYPE) {
      values.push({ channel, type: "gps", value: { latitude: take(3, 0.0001, true), longitude: take(3, 0.0001, true), altitude: take(3, 0.01, true) } });
      continue;
    }
    const name = byType.get(type);
    if (!name) throw new RangeError(`unknown LPP type ${type}`);
    const spec = LPP_TYPES[name];
    if (name === "accelerometer" || name === "gyrometer") {
      const [x, y, z] = [0, 1, 2].map(() => take(spec.bytes, spec.resolution, spec.signed)) as [number, number, number];
      values.push({ channel, type: name, value: { x, y, z } });
    } else {
      values.push({ channel, type: name, value: take(spec.bytes, spec.resolution, spec.signed) });
    }
  }
  return values;
}
