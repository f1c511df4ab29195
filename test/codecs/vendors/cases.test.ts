/**
 * Hand-written frames, derived from the vendors' published payload layouts and commented per
 * field, for what the published examples leave out: people counters, metering, Sensative, other
 * report types, low battery, errors, downlink edge cases, and the normalized measurements of each
 * family.
 */
import { describe, expect, it } from "vitest";
import { listVendorCodecs, VENDOR_CODECS } from "../../../codecs/src/vendors/catalog.ts";
import { vendorReadings } from "../../../codecs/src/vendors/codec.ts";
import { decodeVendorDownlink, decodeVendorUplink, encodeVendorDownlink, vendorCodecs } from "../../../codecs/src/vendors/node.ts";
import { put } from "../../../codecs/src/vendors/normalize.ts";
import { QUANTITIES } from "../../../codecs/profiles/quantities.ts";
import { differences, flatMeasurements, hexOf } from "./harness.ts";

function decoded(codec: string, fPort: number, bytes: number[]) {
  const r = decodeVendorUplink(codec, fPort, bytes);
  expect(r.errors).toEqual([]);
  return r;
}

describe("people counters", () => {
  it("VS133: totals and period counts of two lines; normalized in/out add the lines' periods", () => {
    const r = decoded("milesight-iot/vs133-codec", 85, [
      0x03, 0xd2, 0xe8, 0x03, 0x00, 0x00, // 03 D2: line 1 total_in, u32 LE = 1000
      0x04, 0xd2, 0xde, 0x03, 0x00, 0x00, // 04 D2: line 1 total_out = 990
      0x05, 0xcc, 0x0c, 0x00, 0x09, 0x00, // 05 CC: line 1 period_in u16 LE = 12, period_out = 9
      0x0b, 0xcc, 0x03, 0x00, 0x01, 0x00, // 0B CC: line 3 period_in = 3, period_out = 1
    ]);
    expect(r.data).toEqual({ line_1: { total_in: 1000, total_out: 990, period_in: 12, period_out: 9 }, line_3: { period_in: 3, period_out: 1 } });
    expect(r.normalized).toEqual([{ count: { in: 15, out: 10 } }]);
    expect(r.warnings).toEqual([]);
  });

  it("VS133: stops at an unknown channel with a warning, keeps what came before", () => {
    const r = decoded("milesight-iot/vs133-codec", 85, [
      0x06, 0xd2, 0x05, 0x00, 0x00, 0x00, // 06 D2: line 2 total_in = 5
      0xff, 0x01, 0x01, // FF 01: device information, not decoded by vs133.js
    ]);
    expect(r.data).toEqual({ line_2: { total_in: 5 } });
    expect(r.warnings).toEqual(["decoding stopped at unknown channel 0xff type 0x01 (offset 6): 3 bytes ignored"]);
  });

  it("VS121: the region quirk of the vendor decoder is kept (mask 0x0005 → 1, 1, 1, 1)", () => {
    const r = decoded("milesight-iot/vs121-codec", 85, [
      0x04, 0xc9, // people counter channel
      0x07, // people_counter_all = 7
      0x04, // region_count = 4
      0x00, 0x05, // region mask u16 BE: regions 0 and 2 (a bit test would give 1, 0, 1, 0)
    ]);
    expect(r.data).toEqual({
      people_counter_all: 7,
      region_count: 4,
      regions: [
        { count: 1, index: 0 },
        { count: 1, index: 1 },
        { count: 1, index: 2 },
        { count: 1, index: 3 },
      ],
    });
    expect(r.normalized).toEqual([{ count: { present: 7 } }]);
  });

  const imbuildings = [
    0x02, // device type 2: People Counter
    0x06, // payload variant 6
    0x00, 0x04, 0xa3, 0x0b, 0x00, 0xf0, 0xd4, 0x0e, // device id (8 bytes, printed as hex)
    0x00, // device status
    0x01, 0x68, // battery u16 BE = 360 → 3.60 V
    0x00, 0x12, // counter A = 18 (since the previous uplink)
    0x00, 0x07, // counter B = 7
    0x00, // sensor status
    0x01, 0x00, // total counter A = 256
    0x00, 0xff, // total counter B = 255
    0x2a, // payload counter = 42
  ];

  it("IMBuildings people counter: counters A/B are the period's ins and outs", () => {
    const r = decoded("imbuildings/imbuildings-codec", 1, imbuildings);
    expect(r.data).toEqual({
      device_type_identifier: 2,
      device_type: "People Counter",
      device_type_variant: 6,
      device_id: "0004a30b00f0d40e",
      device_status: 0,
      battery_voltage: 3.6,
      counter_a: 18,
      counter_b: 7,
      sensor_status: 0,
      total_counter_a: 256,
      total_counter_b: 255,
      payload_counter: 42,
    });
    expect(r.normalized).toEqual([{ battery: 3.6, count: { in: 18, out: 7 } }]);
  });

  it("IMBuildings: other variants and short frames are errors", () => {
    const other = decodeVendorUplink("imbuildings/imbuildings-codec", 1, [0x02, 0x05, ...imbuildings.slice(2)]);
    expect(other.errors).toEqual(["unsupported payload type 2 variant 5 (this codec decodes the People Counter, type 2 variant 6)"]);
    expect(other.issue?.code).toBe("invalid-frame");
    const short = decodeVendorUplink("imbuildings/imbuildings-codec", 1, imbuildings.slice(0, 22));
    expect(short.errors).toEqual(["truncated frame: 22 bytes, but 23 needed"]);
    expect(short.issue?.code).toBe("truncated");
  });
});

describe("metering", () => {
  it("EM300-DI: pulse index and a history record with its own time", () => {
    const r = decoded("milesight-iot/em300-di-codec", 85, [
      0x01, 0x75, 0x64, // 01 75: battery 100 %
      0x05, 0xc8, 0x10, 0x27, 0x00, 0x00, // 05 C8: pulse count u32 LE = 10000
      0x20, 0xce, // 20 CE: history record
      0x00, 0xf1, 0x53, 0x65, // timestamp u32 LE = 1700000000 (2023-11-14T22:13:20Z)
      0xe1, 0x00, // temperature s16 LE = 225 → 22.5 °C
      0x5a, // humidity 90 / 2 = 45 %
      0x02, // work mode 2: counter
      0x00, // gpio (unused in counter mode)
      0x40, 0x0d, 0x03, 0x00, // pulse u32 LE = 200000
    ]);
    expect(r.data).toEqual({ battery: 100, pulse: 10000, history: [{ timestamp: 1700000000, temperature: 22.5, humidity: 45, pulse: 200000 }] });
    expect(r.normalized).toEqual([
      { battery: { level: 100 }, metering: { pulse: { total: 10000 } } },
      { time: "2023-11-14T22:13:20.000Z", air: { temperature: 22.5, relativeHumidity: 45 }, metering: { pulse: { total: 200000 } } },
    ]);
  });

  it("EM300-DI: GPIO mode history keeps the input state", () => {
    const r = decoded("milesight-iot/em300-di-codec", 85, [
      0x05, 0x00, 0x01, // 05 00: gpio = 1
      0x20, 0xce, 0x00, 0xf1, 0x53, 0x65, 0x38, 0xff, 0x64, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, // record: −20.0 °C, 50 %, mode 1 (digital), gpio 1
    ]);
    expect(r.data).toEqual({ gpio: 1, history: [{ timestamp: 1700000000, temperature: -20, humidity: 50, gpio: 1 }] });
  });

  it("Adeunis Pulse 4 channel B history without timestamp", () => {
    const r = decoded("adeunis/pulse-codec", 1, [
      0x5b, // frame code: channel B history
      0x20, // status: frame counter 1, no timestamp, battery ok, not configured
      0x00, 0x00, 0x10, 0x00, // index at t = 4096
      0x00, 0x0a, // t-1 = t − 10
      0x00, 0x00, // t-2 = t-1 − 0
    ]);
    expect(r.data).toEqual({
      bytes: {
        type: "0x5b Pulse 4 data - channel B",
        status: { frameCounter: 1, hardwareError: false, lowBattery: false, configurationDone: false, timestamp: false },
        decodingInfo: "counterValues: [t=0, t-1, t-2, ...]",
        counterValues: [4096, 4086, 4086],
      },
    });
    expect(r.normalized).toEqual([]); // channel B has no key of its own
  });

  it("Adeunis Pulse 4 data frame 0x46 with timestamp: channel A index at the frame's time", () => {
    const r = decoded("adeunis/pulse-codec", 1, [
      0x46, // frame code: both counters
      0x45, // status: frame counter 2, timestamp present, configuration done
      0x00, 0x00, 0x03, 0xe8, // channel A = 1000
      0x00, 0x00, 0x00, 0x07, // channel B = 7
      0x00, 0x01, 0x51, 0x80, // timestamp: 86400 s after 2013-01-01T00:00:00Z
    ]);
    expect(r.data).toEqual({
      bytes: {
        type: "0x46 Pulse 4 data",
        status: { frameCounter: 2, hardwareError: false, lowBattery: false, configurationDone: true, timestamp: true },
        timestamp: "2013-01-02T00:00:00.000",
        counterA: 1000,
        counterB: 7,
      },
    });
    expect(r.normalized).toEqual([{ time: "2013-01-02T00:00:00.000Z", metering: { pulse: { total: 1000 } } }]);
  });

  it("Adeunis: keep-alive, unknown frame, history with a timestamp but no room for the index", () => {
    expect(decoded("adeunis/pulse-codec", 1, [0x30, 0xa1]).data).toEqual({
      bytes: { type: "0x30 Pulse 4 keep alive", status: { frameCounter: 5, hardwareError: false, lowBattery: false, configurationDone: true, timestamp: false } },
    });
    expect(decodeVendorUplink("adeunis/pulse-codec", 1, [0x99, 0x00]).errors).toEqual(["unknown frame type 0x99"]);
    expect(decodeVendorUplink("adeunis/pulse-codec", 1, [0x5a, 0x04, 0x00, 0x00, 0x00, 0x01]).issue?.code).toBe("truncated");
  });
});

describe("Sensative Strips", () => {
  it("decodes readings and a history entry", () => {
    const r = decoded("sensative/strips-codec", 1, [
      0x00, 0x2a, // history sequence number 42
      0x01, 0x64, // 1: battery 100 %
      0x06, 0x5b, // 6: humidity 91 / 2 = 45.5 %
      0x07, 0x01, 0x2c, // 7: lux u16 BE = 300
      0x12, 0x01, // 18: presence true
      0x11, 0x00, 0x05, // 17: door count 5
      0x09, 0x00, // 9: door false
      0x82, 0x00, 0xc8, // 2 | 0x80: temperature 20.0 °C from history (prevHistSeqNr 42 → 41)
    ]);
    expect(r.data).toEqual({
      historySeqNr: 42,
      battery: 100,
      humidity: { value: 45.5 },
      lux: { value: 300 },
      presence: { value: true },
      doorCount: { value: 5 },
      door: { value: false },
      temperature: { value: 20 },
      prevHistSeqNr: 41,
    });
    expect(r.normalized).toEqual([{ battery: { level: 100 }, air: { relativeHumidity: 45.5, lightIntensity: 300, temperature: 20 }, action: { motion: { detected: true } } }]);
  });

  it("flood alarm is a leak; temperature alarms decode both bits", () => {
    const r = decoded("sensative/strips-codec", 1, [
      0x00, 0x01, // sequence 1
      0x0e, 0x01, // 14: flood alarm true
      0x0d, 0x4b, // 13: flood 75 %
      0x03, 0x02, // 3: temperature alarm, bit 1 = low
      0x10, 0x01, // 16: user switch 1 alarm true
    ]);
    expect(r.data).toEqual({
      historySeqNr: 1,
      floodAlarm: { value: true },
      flood: { value: 75 },
      tempAlarm: { highAlarm: false, lowAlarm: true },
      userSwitch1Alarm: { value: true },
      prevHistSeqNr: 1,
    });
    expect(r.normalized).toEqual([{ water: { leak: true } }]);
  });

  it("stops at an unknown type with a warning; fPort 2 and truncated values are errors", () => {
    const r = decoded("sensative/strips-codec", 1, [0x00, 0x01, 0x01, 0x50, 0x04, 0x00, 0x00]);
    expect(r.data).toEqual({ historySeqNr: 1, battery: 80, prevHistSeqNr: 1 });
    expect(r.warnings).toEqual(["decoding stopped at unknown type 0x04 (offset 4): 3 bytes ignored"]);
    expect(decodeVendorUplink("sensative/strips-codec", 2, [0x00]).issue?.code).toBe("unsupported");
    expect(decodeVendorUplink("sensative/strips-codec", 3, [0x00]).errors).toEqual(["unknown FPort"]);
    expect(decodeVendorUplink("sensative/strips-codec", 1, [0x00, 0x01, 0x02, 0x00]).errors).toEqual(["truncated frame: 4 bytes, but 5 needed"]);
  });
});

describe("other frames of the published devices", () => {
  it("Elsys: battery, pressure, distance, leak, pulses, TVOC; stops at an unknown type", () => {
    const r = decoded("elsys/elt-ultrasonic-codec", 5, [
      0x07, 0x0e, 0x10, // vdd 3600 mV
      0x14, 0x00, 0x0f, 0x72, 0x04, // pressure u32 = 1012228 / 1000 = 1012.228 hPa
      0x0e, 0x04, 0xd2, // distance 1234 mm
      0x12, 0x01, // waterleak 1
      0x0b, 0x00, 0x01, 0x00, 0x00, // pulseAbs 65536
      0x1c, 0x00, 0x7b, // tvoc 123 ppb
      0x0c, 0xff, 0x9c, // external temperature −10.0 °C
      0x19, 0x01, // 0x19: not in this decoder
    ]);
    expect(r.data).toEqual({ vdd: 3600, pressure: 1012.228, distance: 1234, waterleak: 1, pulseAbs: 65536, tvoc: 123, externalTemperature: -10 });
    expect(r.warnings).toEqual(["decoding stopped at unknown type 0x19 (offset 24): 2 bytes ignored"]);
    expect(r.normalized).toEqual([{ battery: 3.6, air: { pressure: 1012.228, tvoc: 123 }, level: { distance: 1234 }, water: { leak: true }, metering: { pulse: { total: 65536 } } }]);
    expect(decodeVendorUplink("elsys/ers-codec", 1, [0x01, 0x00]).errors).toEqual(["truncated frame: 2 bytes, but 3 needed"]);
  });

  it("Elsys ERS Sound: average and peak levels", () => {
    const r = decoded("elsys/ers-sound-codec", 1, [0x15, 0x48, 0x3c]); // peak 72 dB, average 60 dB
    expect(r.normalized).toEqual([{ sound: { laeq: 60, lamax: 72 } }]);
  });

  it("Netvox RA07: a numeric noise slot, and the low-battery string", () => {
    const r = decoded("netvox/ra0715-codec", 6, [
      0x01, // version
      0x05, // device type: RA07 series
      0x07, // report type 7: CO2, NH3, noise
      0xa4, // battery: bit 7 low, (0xa4 & 0x7f) / 10 = 3.6 V
      0x13, 0x88, // CO2 5000 / 10 = 500 ppm
      0xff, 0xff, // NH3: no sensor
      0x02, 0x58, // noise 600 / 10 = 60 dB
      0x00, // reserved
    ]);
    expect(r.data).toEqual({ Device: "RA07 Series", Volt: "3.6(low battery)", CO2: 500, NH3: "NoSensor", Noise: 60 });
    expect(r.normalized).toEqual([{ battery: 3.6, air: { co2: 500 }, sound: { laeq: 60 } }]);
  });

  it("Netvox: unknown port, wrong device type, unknown report type, weather slots", () => {
    expect(decodeVendorUplink("netvox/r718ab-codec", 5, new Array(11).fill(0)).errors).toEqual(["unknown FPort"]);
    expect(decodeVendorUplink("netvox/r718ab-codec", 6, [0x01, 0x06, 0x01, 0x24, 0, 0, 0, 0, 0, 0, 0]).errors).toEqual(["device type 0x06 is not covered by this codec"]);
    const odd = decoded("netvox/r311w-codec", 6, [0x01, 0x06, 0x09, 0x1e, 0, 0, 0, 0, 0, 0, 0]);
    expect(odd.data).toEqual({ Device: "R311W", Volt: 3 });
    expect(odd.warnings).toEqual(["report type 0x09 not decoded"]);
    const weather = decoded("netvox/ra0715-codec", 6, [0x01, 0x09, 0x0c, 0x24, 0x07, 0xd0, 0x13, 0x88, 0x01, 0xf4, 0x00]);
    expect(weather.data).toEqual({ Device: "R726 Series", Volt: 3.6, Temperature: 20, Humidity: 50, WindSpeed: 5 });
    expect(weather.normalized).toEqual([{ battery: 3.6, air: { temperature: 20, relativeHumidity: 50 }, wind: { speed: 5 } }]);
    const leak = decoded("netvox/r311w-codec", 6, [0x01, 0x06, 0x01, 0x1e, 0x01, 0x00, 0, 0, 0, 0, 0]);
    expect(leak.normalized).toEqual([{ battery: 3, water: { leak: true } }]);
  });

  it("Decentlab: protocol version, missing sensor words, trailing bytes", () => {
    expect(decodeVendorUplink("decentlab/dl-mbx-codec", 1, [0x03, 0x01, 0x2f, 0x00, 0x02, 0x0b, 0xb1]).errors).toEqual(["protocol version 3 doesn't match v2"]);
    // Flags 0x0003 announce distance (2 words) and battery (1 word); only the distance is there.
    const cut = decodeVendorUplink("decentlab/dl-mbx-codec", 1, [0x02, 0x01, 0x2f, 0x00, 0x03, 0x04, 0xd2, 0x00, 0x01]);
    expect(cut.errors).toEqual(["truncated frame: 9 bytes, but 11 needed"]);
    const extra = decoded("decentlab/dl-mbx-codec", 1, [0x02, 0x01, 0x2f, 0x00, 0x02, 0x0b, 0xb1, 0xaa]);
    expect(extra.warnings).toEqual(["1 trailing bytes ignored"]);
    expect(extra.normalized).toEqual([{ battery: 2.993 }]);
  });

  it("Decentlab DL-PM normalized: hPa and the mass concentrations", () => {
    const r = decoded("decentlab/dl-pm-codec", 1, [0x02, 0x1b, 0x50, 0x00, 0x0f, 0x0c, 0x25, 0x00, 0x25, 0x00, 0x27, 0x00, 0x27, 0x00, 0x27, 0x01, 0xf5, 0x01, 0x07, 0x01, 0x2c, 0x01, 0x2d, 0x01, 0x2d, 0x01, 0x2d, 0x67, 0xbd, 0x61, 0x8d, 0xbd, 0x10]);
    expect(differences(r.normalized, [{ battery: 3.109, air: { pm1: 3.7, pm2_5: 3.9, pm10: 3.9, temperature: 24.35660461425781, relativeHumidity: 41.63221740722656, pressure: 968 } }])).toEqual([]);
  });

  it("Bosch: startup without debug codes, raw frames, debug frame, unknown port", () => {
    const startup = decoded("bosch/tps110-0292-codec", 3, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0]);
    expect(startup.data).toEqual({ type: "startup", debugCodes: [], firmwareVersion: "1.2.3", occupied: false }); // reset cause 0: none
    expect(startup.normalized).toEqual([{ parking: { occupied: false } }]);
    expect(decoded("bosch/tps110-0292-codec", 4, [1, 2, 3]).data).toEqual({ type: "device information", bytes: [1, 2, 3] });
    expect(decoded("bosch/tps110-0292-codec", 6, [0x10, 0x27, 0, 0, 0x24, 0x13, 0, 0, 0x05, 0x00]).data).toEqual({
      type: "debug",
      timestamp: 10000, // u32 LE
      debugCode: 0x324, // low byte, then the low nibble of the next
      sequenceNumber: 5,
    });
    expect(decodeVendorUplink("bosch/tps110-0292-codec", 9, [1]).errors).toEqual(["unknown FPort"]);
  });

  it("Dragino LAQ4 alarm thresholds (mode 31) and LHT65 illumination probe", () => {
    const laq4 = decoded("dragino/laq4-codec", 2, [
      0x0d, 0x07, // battery 3335 mV
      0x7c, // mode 31 (bits 6–2), alarm flag 0
      0xf6, 0x28, // temperature thresholds −10 °C, 40 °C (s8)
      0x14, 0x5a, // humidity thresholds 20 %, 90 %
      0x01, 0x90, // CO2 min 400 ppm
      0x07, 0xd0, // CO2 max 2000 ppm
    ]);
    expect(laq4.data).toEqual({ Bat_V: 3.335, Work_mode: "ALARM", SHTTEMPMIN: -10, SHTTEMPMAX: 40, SHTHUMMIN: 20, SHTHUMMAX: 90, CO2MIN: 400, CO2MAX: 2000 });
    expect(laq4.normalized).toEqual([{ battery: 3.335 }]);
    const lht65 = decoded("dragino/lht65-codec", 2, [
      0xcb, 0xf6, // status 3, battery 3062 mV
      0xff, 0x38, // SHT temperature −200 / 100 = −2 °C
      0x01, 0xf4, // humidity 500 / 10 = 50 %
      0x05, // external sensor 5: illumination
      0x03, 0xe8, // 1000 lx
      0x00, 0x00,
    ]);
    expect(lht65.data).toEqual({ BatV: 3.062, Bat_status: 3, TempC_SHT: -2, Hum_SHT: 50, Ext_sensor: "Illumination Sensor", ILL_lx: 1000 });
    expect(lht65.normalized).toEqual([{ battery: 3.062, air: { temperature: -2, relativeHumidity: 50, lightIntensity: 1000 } }]);
    expect(decodeVendorUplink("dragino/lht65-codec", 3, [0]).errors).toEqual(["unknown FPort"]);
  });

  it("Milesight: AM307 keys, EM400-MUD alarms, WS202, EM300-ZLD leak, trailing odd byte", () => {
    const am307 = decoded("milesight-iot/am307-codec", 85, [0x05, 0x00, 0x00, 0x0b, 0x7d, 0x0c, 0x00, 0x07, 0x7d, 0x90, 0x01]);
    expect(am307.data).toEqual({ pir: "idle", pm2_5: 12, co2: 400 });
    expect(am307.normalized).toEqual([{ action: { motion: { detected: false } }, air: { pm2_5: 12, co2: 400 } }]);
    const mud = decoded("milesight-iot/em400-mud-codec", 85, [0x83, 0x67, 0xfa, 0x00, 0x01, 0x84, 0x82, 0x10, 0x00, 0x00]);
    expect(mud.data).toEqual({ temperature: 25, temperature_alarm: "abnormal", distance: 16, distance_alarm: "normal" });
    const ws202 = decoded("milesight-iot/ws202-codec", 85, [0x01, 0x75, 0x50, 0x03, 0x00, 0x00, 0x04, 0x00, 0x01]);
    expect(ws202.data).toEqual({ battery: 80, pir: "normal", light: "light" });
    expect(ws202.normalized).toEqual([{ battery: { level: 80 }, action: { motion: { detected: false } } }]);
    expect(decoded("milesight-iot/em300-zld-codec", 85, [0x05, 0x00, 0x01]).normalized).toEqual([{ water: { leak: true } }]);
    const odd = decoded("milesight-iot/em300-th-codec", 1, [0x01, 0x75, 0x50, 0x03]);
    expect(odd.data).toEqual({ battery: 80 });
    expect(odd.warnings).toEqual(["decoding stopped at unknown channel 0x03 type 0x00 (offset 3): 1 bytes ignored"]);
    expect(decodeVendorUplink("milesight-iot/em300-th-codec", 1, [0x03, 0x67, 0x01]).issue?.code).toBe("truncated");
  });

  it("Wind sensor: an out-of-range direction is an error; no hardware version, no elevation", () => {
    expect(decodeVendorUplink("example/windsensor-codec", 1, [4, 10]).errors).toEqual(["invalid direction"]);
    expect(decodeVendorUplink("example/windsensor-codec", 1, [2, 10]).normalized).toEqual([{ wind: { speed: 5.144, direction: 180 } }]);
  });
});

describe("downlinks beyond the published examples", () => {
  it("Decentlab: command table, parameters, CRC and length checks", () => {
    const save = encodeVendorDownlink("decentlab/dl-pm-codec", { command: "set param 3 + save", parameter: 7 });
    expect(save.fPort).toBe(1);
    expect(hexOf(save.bytes ?? []).slice(0, 8)).toBe("00330007");
    expect(decodeVendorDownlink("decentlab/dl-pm-codec", 1, save.bytes ?? []).data).toEqual({ command: "set param 3 + save", parameter: 7 });
    const factory = encodeVendorDownlink("decentlab/dl-lp8p-codec", { command: "factory reset", parameter: 99 });
    expect(hexOf(factory.bytes ?? []).slice(0, 8)).toBe("fef00000"); // no parameter: ignored
    expect(decodeVendorDownlink("decentlab/dl-lp8p-codec", 1, factory.bytes ?? []).data).toEqual({ command: "factory reset" });
    expect(encodeVendorDownlink("decentlab/dl-mbx-codec", { command: "set period", parameter: 70000 }).errors).toEqual(["invalid parameter"]);
    expect(encodeVendorDownlink("decentlab/dl-mbx-codec", { command: "set period" }).errors).toEqual(["invalid parameter"]);
    expect(encodeVendorDownlink("decentlab/dl-mbx-codec", { command: "set periods", parameter: 1 }).errors).toEqual(["invalid command"]);
    expect(decodeVendorDownlink("decentlab/dl-mbx-codec", 1, [0x00, 0x01, 0x02, 0x58, 0x7e, 0x52]).errors).toEqual(["invalid CRC"]);
    expect(decodeVendorDownlink("decentlab/dl-mbx-codec", 1, [0x00, 0x01, 0x02, 0x58, 0x7e]).errors).toEqual(["invalid message length"]);
    expect(decodeVendorDownlink("decentlab/dl-mbx-codec", 2, [0x00, 0x01, 0x02, 0x58, 0x7e, 0x51]).errors).toEqual(["invalid FPort"]);
    expect(decodeVendorDownlink("decentlab/dl-mbx-codec", 1, [0x00, 0x1f, 0x00, 0x00, 0x00, 0x00]).errors).toEqual(["invalid command"]);
  });

  it("Netvox: device defaults to the codec's, wrong device and missing fields are errors", () => {
    const r = encodeVendorDownlink("netvox/ra0715-codec", { Cmd: "ConfigReportReq", MinTime: 60, MaxTime: 3600 });
    expect(hexOf(r.bytes ?? [])).toBe("0105003c0e100000000000");
    expect(encodeVendorDownlink("netvox/ra0715-codec", { Cmd: "ConfigReportReq", Device: "R726 Series", MinTime: 60, MaxTime: 3600 }).bytes?.[1]).toBe(0x09);
    expect(encodeVendorDownlink("netvox/r718ab-codec", { Cmd: "ConfigReportReq", Device: "R311W", MinTime: 1, MaxTime: 2 }).errors).toEqual(["invalid Device for this codec"]);
    expect(encodeVendorDownlink("netvox/r718ab-codec", { Cmd: "ConfigReportReq", MinTime: 1, MaxTime: 2, BatteryChange: 0.1 }).errors).toEqual(["invalid TempChange: expected 0…655.35 °C"]);
    expect(encodeVendorDownlink("netvox/r311w-codec", { Cmd: "Reboot" }).issue?.code).toBe("invalid-input");
    expect(decodeVendorDownlink("netvox/r311w-codec", 7, [0x03, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0]).errors).toEqual(["unknown command 0x03"]);
  });

  it("codecs without downlinks say so; the wind sensor's red LED", () => {
    expect(encodeVendorDownlink("elsys/ers-codec", {}).errors).toEqual(["this codec has no downlink"]);
    expect(encodeVendorDownlink("example/windsensor-codec", { led: "red" })).toEqual({ bytes: [0], fPort: 2, errors: [], warnings: [] });
    expect(decodeVendorDownlink("example/windsensor-codec", 2, [2]).errors).toEqual(["invalid LED color"]);
  });
});

describe("runtime contract", () => {
  it("unknown codec ids, oversize frames and non-bytes are coded errors", () => {
    expect(decodeVendorUplink("acme/nothing", 1, [1]).issue?.code).toBe("unknown-codec");
    expect(decodeVendorUplink("elsys/ers-codec", 1, new Array(300).fill(0)).issue?.code).toBe("too-long");
    expect(decodeVendorUplink("elsys/ers-codec", 1, [1, 256, 0]).errors).toEqual(["bytes[1] is not a byte (0…255): 256"]);
    expect(decodeVendorUplink("elsys/ers-codec", 1, [1, 0.5, 0]).issue?.code).toBe("invalid-input");
    expect(encodeVendorDownlink("example/windsensor-codec", "green").errors).toEqual(["input data must be an object"]);
  });

  it("lists every codec once, with its vendor, devices and category", () => {
    const list = listVendorCodecs();
    expect(list).toHaveLength(VENDOR_CODECS.length);
    expect(new Set(list.map((c) => c.id)).size).toBe(list.length);
    expect(new Set(VENDOR_CODECS.map((c) => c.code)).size).toBe(list.length);
    for (const c of list) {
      expect(c.id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+-codec$/);
      expect(c.devices.length).toBeGreaterThan(0);
      expect(c.category).not.toBe("");
    }
  });

  it("normalized keys are declared quantities and never collide", () => {
    const declared = new Set<string>(QUANTITIES.map((q) => q.key));
    const m: Record<string, unknown> = {};
    put(m, "battery", 3.6);
    put(m, "battery.level", 50); // would need battery to be an object: kept out, never thrown
    expect(m).toEqual({ battery: 3.6 });
    const r = decodeVendorUplink("elsys/ers-codec", 1, [0x01, 0x00, 0xe2, 0x07, 0x0e, 0x10, 0x05, 0x00]);
    for (const key of Object.keys(flatMeasurements(r.normalized))) expect(declared.has(key), key).toBe(true);
  });

  it("TS013 normalizeUplink keeps TTN's keys within TTN's bounds, and says what it left out", () => {
    const ttnKeys = new Set<string>(QUANTITIES.filter((q) => q.origin === "ttn").map((q) => q.key));
    const api = vendorCodecs.ts013("elsys/elt-2-codec", ttnKeys);
    // ELT-2 example: pressure 100729.105 hPa is outside 900…1100; battery.level and distance are Cigale keys.
    const data = { temperature: 22.6, humidity: 41, pressure: 100729.105, vdd: 3600 };
    expect(api.normalizeUplink({ data })).toEqual({
      data: [{ air: { temperature: 22.6, relativeHumidity: 41 }, battery: 3.6 }],
      errors: [],
      warnings: ["air.pressure 100729.105 is outside The Things Network's range 900…1100: left out of the normalized payload"],
    });
    expect(vendorCodecs.ts013("milesight-iot/vs121-codec", ttnKeys).normalizeUplink({ data: { people_counter_all: 2 } })).toEqual({ data: [], errors: [], warnings: [] });
    expect(vendorCodecs.ts013("example/windsensor-codec", ttnKeys).normalizeUplink({ data: "garbage" })).toEqual({ data: [], errors: [], warnings: [] });
  });

  it("vendorReadings gives the Worker one row per quantity, timed", () => {
    const rows = vendorReadings([{ air: { temperature: 20 }, battery: 3.6 }, { time: "2023-11-14T22:13:20.000Z", metering: { pulse: { total: 5 } } }], 1_000);
    expect(rows).toEqual([
      { time: 1_000, key: "air.temperature", value: 20 },
      { time: 1_000, key: "battery", value: 3.6 },
      { time: 1_700_000_000_000, key: "metering.pulse.total", value: 5 },
    ]);
  });
});
