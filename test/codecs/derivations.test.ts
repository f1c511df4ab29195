// Golden vectors derived by hand, field by field, from the format's definition
// (docs/codec-format.md) and the profiles' ranges — not from the encoder. Each table lists
// [bits, value] runs, most significant bit first; the last byte is padded with zero bits.
// The packed bytes must equal the checked-in vector, and the codec must agree both ways.
import { describe, expect, it } from "vitest";
import type { ConfigCommand, EncodeInput, ProfileId } from "../../codecs/src/data.ts";
import { type Bits, packBits } from "./bitpack.ts";
import { wasmCodec } from "./paths.ts";
import { CONFIG_PORT, downlinkVector, fromHex, toHex, uplinkVector } from "./vectors.ts";

interface Derivation {
  profile: ProfileId;
  /** Name of the golden vector this derivation must reproduce. */
  vector: string;
  direction: "uplink" | "downlink";
  bits: readonly Bits[];
}

const DERIVATIONS: readonly Derivation[] = [
  {
    // The reference reading: env measurement format v2, one sample, every field present.
    // number code = round((value·10^d − min·10^d) / step), d = decimals of the resolution.
    profile: "env",
    vector: "measurement: reference reading (issue 2 benchmark)",
    direction: "uplink",
    bits: [
      [3, 2], //     header: format version 2
      [5, 0], //     header: sample count − 1 = 0
      [14, 6135], // air.temperature 21.35 °C: −40…85 by 0.01 → 12 501 codes + absent → 14 bits; 2135 − (−4000) = 6135
      [8, 96], //    air.relativeHumidity 48 %: 0…100 by 0.5 → 201 codes → 8 bits; d = 1, step 5: 480 / 5 = 96
      [12, 1632], // air.pressure 1013.2 hPa: 850…1100 by 0.1 → 2 501 codes → 12 bits; 10132 − 8500 = 1632
      [10, 38], //   air.no2 38 µg/m³: 0…1000 by 1 → 1 001 codes → 10 bits
      [10, 71], //   air.o3 71 µg/m³: same range as NO2
      [14, 81], //   air.pm1 8.1 µg/m³: 0…1000 by 0.1 → 10 001 codes → 14 bits; 81
      [14, 124], //  air.pm2_5 12.4 µg/m³: 124
      [14, 198], //  air.pm10 19.8 µg/m³: 198
      [8, 161], //   battery 3.61 V: 2…4.5 by 0.01 → 251 codes → 8 bits; 361 − 200 = 161
    ], //            112 bits = 14 bytes, no padding
  },
  {
    // An env frame of format v1 (prototypes without PM1): the header's version picks the old layout.
    profile: "env",
    vector: "measurement v1: an old prototype frame (no PM1) still decodes",
    direction: "uplink",
    bits: [
      [3, 1], //     header: format version 1
      [5, 0], //     header: one sample
      [14, 6380], // air.temperature 23.8 °C: 2380 + 4000
      [8, 83], //    air.relativeHumidity 41.5 %: 415 / 5
      [12, 1617], // air.pressure 1011.7 hPa: 10117 − 8500
      [10, 44], //   air.no2 44
      [10, 88], //   air.o3 88
      [14, 153], //  air.pm2_5 15.3 (v1 has no air.pm1 slot)
      [14, 271], //  air.pm10 27.1
      [8, 149], //   battery 3.49 V: 349 − 200
    ], //            98 bits → 13 bytes, 6 zero padding bits
  },
  {
    // Sparse layout: a presence bitmap, then only the fields present. A gas meter.
    profile: "meter",
    vector: "measurement (sparse): gas meter index in m³",
    direction: "uplink",
    bits: [
      [3, 1], //         header: format version 1
      [5, 0], //         header: one sample
      [4, 0b0101], //    presence bitmap, one bit per field in layout order: water 0, gas 1, electricity 0, battery 1
      [30, 4821337], //  metering.gas.total 4821.337 m³: 0…999 999.999 by 0.001 → 10^9 codes → 30 bits; d = 3
      [8, 159], //       battery 3.59 V: 359 − 200
    ], //                50 bits → 7 bytes
  },
  {
    // Multi-sample, sparse: the deltas of a water index are the consumption of each interval.
    profile: "meter",
    vector: "measurement (sparse): water, 4 quarter-hours; deltas are the consumption",
    direction: "uplink",
    bits: [
      [3, 1], //         header: format version 1
      [5, 3], //         header: 4 samples
      [16, 900], //      interval between samples: 900 s
      [4, 0b1001], //    presence bitmap: water and battery
      [28, 1234567], //  sample 1 metering.water.total 1 234 567 L: 0…268 435 454 by 1 → 28 bits
      [8, 160], //       sample 1 battery 3.6 V: 360 − 200
      [4, 9], //         water column mode: deltas +7, 0, +130 → zigzag 14, 0, 260 → widest needs 9 bits
      [9, 14], //        sample 2: +7 L (zigzag 2·7)
      [9, 0], //         sample 3: no consumption
      [9, 260], //       sample 4: +130 L (zigzag 2·130)
      [4, 0], //         battery column mode 0: every delta is 0, no value bits
    ], //                99 bits → 13 bytes
  },
  {
    // Multi-sample, dense: delta columns of widths 1, 0 and 2, and a raw column (mode 15).
    profile: "mobility",
    vector: "measurement: 4 five-minute samples; the closure forces a raw status column",
    direction: "uplink",
    bits: [
      [3, 1], //    header: format version 1
      [5, 3], //    header: 4 samples
      [16, 300], // interval 300 s
      [8, 7], //    sample 1 vehicles.bike 7: 0…254 → 255 codes + absent → 8 bits
      [8, 3], //    sample 1 vehicles.ebike 3
      [8, 0], //    sample 1 vehicles.scooter 0
      [8, 1], //    sample 1 vehicles.car 1
      [8, 9], //    sample 1 docks.available 9
      [3, 0], //    sample 1 station.status "open": 4 values + absent → 3 bits; index 0
      [4, 1], //    bike column, mode 1: 7 → 6 → 6 → 6, deltas −1, 0, 0 → zigzag 1, 0, 0
      [1, 1],
      [1, 0],
      [1, 0],
      [4, 1], //    ebike column, mode 1: 3 → 3 → 2 → 2, deltas 0, −1, 0 → zigzag 0, 1, 0
      [1, 0],
      [1, 1],
      [1, 0],
      [4, 0], //    scooter column: constant, mode 0
      [4, 0], //    car column: constant, mode 0
      [4, 2], //    docks column, mode 2: 9 → 10 → 11 → 11, deltas +1, +1, 0 → zigzag 2, 2, 0
      [2, 2],
      [2, 2],
      [2, 0],
      [4, 15], //   status column: open, open, closed: delta +3 → zigzag 6 needs 3 bits, not fewer than the
      [3, 0], //    field's own 3 bits, so the column is raw (mode 15): codes 0, 0, 3 at full width
      [3, 0],
      [3, 3],
    ], //           112 bits = 14 bytes
  },
  {
    // Status (fPort 2), shared by every profile: version field, 32-bit uptime, enum reset cause.
    profile: "env",
    vector: "status: typical report",
    direction: "uplink",
    bits: [
      [3, 1], //         header: format version 1
      [5, 0], //         header: reserved, 0
      [8, 2], //         device.firmware "2.4.1": major
      [8, 4], //                                  minor
      [8, 1], //                                  patch
      [8, 158], //       battery 3.58 V: 358 − 200
      [32, 864000], //   device.uptime 864 000 s (10 days): 0…4 294 967 294 → 32 bits
      [3, 2], //         device.resetCause "watchdog": index 2 of 7 causes → 3 bits
      [8, 0], //         device.lastError 0: 0…254 → 8 bits
      [17, 590], //      device.interval 600 s: 10…86 400 → 86 391 codes → 17 bits; 600 − 10
    ], //                100 bits → 13 bytes
  },
  {
    // Alarm (fPort 3) with a threshold: the fieldRef names the quantity, the ref value takes its scale.
    profile: "waste",
    vector: "alarm: fire risk with the fill and temperature at the time",
    direction: "uplink",
    bits: [
      [3, 1], //    header: format version 1
      [5, 0], //    header: reserved, 0
      [5, 2], //    threshold.field: waste quantity index 2 = air.temperature (fill 0, distance 1, temperature 2, …)
      [8, 223], //  threshold.value 71.5 °C in waste's air.temperature scale: −40…85 by 0.5 → 8 bits; (715 + 400) / 5
      [2, 0], //    threshold.crossed "above": 3 values + absent → 2 bits
      [1, 0], //    alarm.lidOpen false
      [1, 0], //    alarm.tilted false
      [1, 0], //    alarm.pickup false
      [1, 1], //    alarm.fire true
      [7, 40], //   level.fill 40 %: 0…100 → 7 bits
      [8, 223], //  air.temperature 71.5 °C
    ], //           42 bits → 6 bytes
  },
  {
    // Downlink (fPort 10): header = command format version 1 | command code, then the token.
    profile: "env",
    vector: "downlink: setThreshold, both bounds",
    direction: "downlink",
    bits: [
      [3, 1], //    header: command format version 1
      [5, 2], //    header: command code 2 = setThreshold
      [8, 2], //    token 2: 0…254, 255 = absent
      [5, 3], //    field: env quantity index 3 = air.no2
      [10, 0], //   low 0 µg/m³ in air.no2's scale (10 bits)
      [10, 200], // high 200 µg/m³
    ], //           41 bits → 6 bytes
  },
  {
    // Acknowledgement (uplink, fPort 10): same header as the command it answers.
    profile: "env",
    vector: "ack: setThreshold outOfRange",
    direction: "uplink",
    bits: [
      [3, 1], // header: format version 1
      [5, 2], // header: command code 2 = setThreshold
      [8, 2], // token 2, echoed from the downlink
      [3, 2], // result "outOfRange": index 2 of 5 results → 3 bits
    ], //        19 bits → 3 bytes
  },
];

describe("hand-derived frames", () => {
  for (const d of DERIVATIONS) {
    describe(`${d.profile}: ${d.vector}`, () => {
      const hex = toHex(packBits(d.bits));
      if (d.direction === "uplink") {
        const v = uplinkVector(d.profile, d.vector);
        it("packs to the golden vector's bytes", () => expect(hex).toBe(v.hex));
        it("decodes to the golden vector's data", () => expect(wasmCodec.decodeUplink(d.profile, v.fPort, fromHex(hex)).data).toEqual(v.data));
        it("is what the encoder writes", () => expect(toHex(wasmCodec.encodeUplink(d.profile, v.data as EncodeInput).bytes)).toBe(hex));
      } else {
        const v = downlinkVector(d.profile, d.vector);
        it("packs to the golden vector's bytes", () => expect(hex).toBe(v.hex));
        it("decodes to the golden vector's command", () => expect(wasmCodec.decodeDownlink(d.profile, CONFIG_PORT, fromHex(hex)).data).toEqual(v.data));
        it("is what the encoder writes", () => expect(toHex(wasmCodec.encodeDownlink(d.profile, v.data as unknown as ConfigCommand).bytes)).toBe(hex));
      }
    });
  }
});
