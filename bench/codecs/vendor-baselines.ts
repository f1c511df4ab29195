/**
 * Benchmark baselines: plain TypeScript decoders of the same commercial payload layouts as
 * codecs/vendors/ (the vendors' published payload layouts), producing the same objects for the frames
 * the benchmark decodes (checked before timing). Written here only, for comparison: the product
 * decodes with the WASM engine.
 */
type Bytes = ArrayLike<number>;
export interface BaselineResult {
  data?: unknown;
  errors: string[];
  warnings: string[];
}
type Decoder = (fPort: number, b: Bytes) => BaselineResult;

const ok = (data: unknown): BaselineResult => ({ data, errors: [], warnings: [] });
const err = (message: string): BaselineResult => ({ errors: [message], warnings: [] });
const truncated = (length: number, needed: number) => err(`truncated frame: ${length} bytes, but ${needed} needed`);

const u16be = (b: Bytes, i: number) => ((b[i] as number) << 8) | (b[i + 1] as number);
const s16be = (b: Bytes, i: number) => (u16be(b, i) << 16) >> 16;
const u16le = (b: Bytes, i: number) => (b[i] as number) | ((b[i + 1] as number) << 8);
const s16le = (b: Bytes, i: number) => (u16le(b, i) << 16) >> 16;
const u32be = (b: Bytes, i: number) => (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
const u32le = (b: Bytes, i: number) => ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0;
const s8 = (v: number) => (v << 24) >> 24;
const hex2 = (v: number) => v.toString(16).padStart(2, "0");

// ————— Elsys —————
const ELSYS_SIZES: Record<number, number> = { 1: 2, 2: 1, 3: 3, 4: 2, 5: 1, 6: 2, 7: 2, 10: 2, 11: 4, 12: 2, 13: 1, 14: 2, 17: 1, 18: 1, 20: 4, 21: 2, 22: 2, 23: 4, 28: 2 };
function elsys(_port: number, b: Bytes): BaselineResult {
  const d: Record<string, number> = {};
  const warnings: string[] = [];
  let i = 0;
  while (i < b.length) {
    const type = b[i] as number;
    const size = ELSYS_SIZES[type];
    if (size === undefined) {
      warnings.push(`decoding stopped at unknown type 0x${hex2(type)} (offset ${i}): ${b.length - i} bytes ignored`);
      break;
    }
    const v = i + 1;
    if (v + size > b.length) return truncated(b.length, v + size);
    switch (type) {
      case 1: d["temperature"] = s16be(b, v) / 10; break;
      case 2: d["humidity"] = b[v] as number; break;
      case 3: d["x"] = s8(b[v] as number); d["y"] = s8(b[v + 1] as number); d["z"] = s8(b[v + 2] as number); break;
      case 4: d["light"] = u16be(b, v); break;
      case 5: d["motion"] = b[v] as number; break;
      case 6: d["co2"] = u16be(b, v); break;
      case 7: d["vdd"] = u16be(b, v); break;
      case 10: d["pulse1"] = u16be(b, v); break;
      case 11: d["pulseAbs"] = u32be(b, v); break;
      case 12: d["externalTemperature"] = s16be(b, v) / 10; break;
      case 13: d["digital"] = b[v] as number; break;
      case 14: d["distance"] = u16be(b, v); break;
      case 17: d["occupancy"] = b[v] as number; break;
      case 18: d["waterleak"] = b[v] as number; break;
      case 20: d["pressure"] = u32be(b, v) / 1000; break;
      case 21: d["soundPeak"] = b[v] as number; d["soundAvg"] = b[v + 1] as number; break;
      case 22: d["pulse2"] = u16be(b, v); break;
      case 23: d["pulseAbs2"] = u32be(b, v); break;
      case 28: d["tvoc"] = u16be(b, v); break;
    }
    i = v + size;
  }
  return { data: d, errors: [], warnings };
}

// ————— Milesight —————
type Channel = [size: number, read: (b: Bytes, v: number, d: Record<string, unknown>) => void];
const state = (key: string, off: string, on: string): Channel => [1, (b, v, d) => (d[key] = b[v] === 0 ? off : on)];
const BATTERY: Channel = [1, (b, v, d) => (d["battery"] = b[v])];
const TEMPERATURE: Channel = [2, (b, v, d) => (d["temperature"] = s16le(b, v) / 10)];
const HUMIDITY: Channel = [1, (b, v, d) => (d["humidity"] = (b[v] as number) / 2)];
const DISTANCE: Channel = [2, (b, v, d) => (d["distance"] = u16le(b, v))];
const ambience = (am319: boolean): Record<number, Channel> => ({
  0x0175: BATTERY,
  0x0367: TEMPERATURE,
  0x0468: HUMIDITY,
  0x0500: state(am319 ? "activity" : "pir", "idle", "trigger"),
  0x06cb: [1, (b, v, d) => (d["light_level"] = b[v])],
  0x077d: [2, (b, v, d) => (d["co2"] = u16le(b, v))],
  0x087d: [2, (b, v, d) => (d["tvoc"] = u16le(b, v))],
  0x0973: [2, (b, v, d) => (d["pressure"] = u16le(b, v) / 10)],
  0x0a7d: [2, (b, v, d) => (d["hcho"] = u16le(b, v) / 100)],
  0x0b7d: [2, (b, v, d) => (d[am319 ? "pm2.5" : "pm2_5"] = u16le(b, v))],
  0x0c7d: [2, (b, v, d) => (d["pm10"] = u16le(b, v))],
  0x0d7d: [2, (b, v, d) => (d["o3"] = u16le(b, v) / 100)],
  0x0e01: state("beep", "no", "yes"),
});
const EM300: Record<number, Channel> = { 0x0175: BATTERY, 0x0367: TEMPERATURE, 0x0468: HUMIDITY };
const MILESIGHT: Record<string, Record<number, Channel>> = {
  "em300-th": EM300,
  "em300-zld": { ...EM300, 0x0500: state("water", "normal", "leak") },
  "em300-di": {
    ...EM300,
    0x0500: [1, (b, v, d) => (d["gpio"] = b[v])],
    0x05c8: [4, (b, v, d) => (d["pulse"] = u32le(b, v))],
    0x20ce: [13, (b, v, d) => {
      const mode = b[v + 7];
      const h: Record<string, number> = { timestamp: u32le(b, v), temperature: s16le(b, v + 4) / 10, humidity: (b[v + 6] as number) / 2 };
      if (mode !== 2) h["gpio"] = b[v + 8] as number;
      if (mode !== 1) h["pulse"] = u32le(b, v + 9);
      ((d["history"] ??= []) as unknown[]).push(h);
    }],
  },
  am307: ambience(false),
  am319: ambience(true),
  "em310-udl": { 0x0175: BATTERY, 0x0382: DISTANCE, 0x0400: state("tilt", "normal", "tilt") },
  "em500-udl": { 0x0175: BATTERY, 0x0382: DISTANCE },
  "em400-mud": {
    0x0175: BATTERY,
    0x0367: TEMPERATURE,
    0x0482: DISTANCE,
    0x0500: state("position", "normal", "tilt"),
    0x8367: [3, (b, v, d) => { d["temperature"] = s16le(b, v) / 10; d["temperature_alarm"] = b[v + 2] === 0 ? "normal" : "abnormal"; }],
    0x8482: [3, (b, v, d) => { d["distance"] = u16le(b, v); d["distance_alarm"] = b[v + 2] === 0 ? "normal" : "alarm"; }],
  },
  ws202: { 0x0175: BATTERY, 0x0300: state("pir", "normal", "trigger"), 0x0400: state("light", "dark", "light") },
  vs121: {
    0x04c9: [4, (b, v, d) => {
      const regions = b[v + 1] as number;
      const mask = u16be(b, v + 2);
      d["people_counter_all"] = b[v];
      d["region_count"] = regions;
      // The vendor's comparison (mask > index), kept like the decoder under test.
      d["regions"] = Array.from({ length: regions }, (_, index) => ({ count: mask > index ? 1 : 0, index }));
    }],
  },
};
function milesight(model: string): Decoder {
  const channels = MILESIGHT[model] as Record<number, Channel>;
  return (_port, b) => {
    const d: Record<string, unknown> = {};
    const warnings: string[] = [];
    let i = 0;
    while (i < b.length) {
      const pair = i + 1 < b.length ? ((b[i] as number) << 8) | (b[i + 1] as number) : (b[i] as number) << 8;
      const channel = i + 1 < b.length ? channels[pair] : undefined;
      if (!channel) {
        warnings.push(`decoding stopped at unknown channel 0x${hex2(pair >> 8)} type 0x${hex2(pair & 0xff)} (offset ${i}): ${b.length - i} bytes ignored`);
        break;
      }
      if (i + 2 + channel[0] > b.length) return truncated(b.length, i + 2 + channel[0]);
      channel[1](b, i + 2, d);
      i += 2 + channel[0];
    }
    return { data: d, errors: [], warnings };
  };
}
function vs133(_port: number, b: Bytes): BaselineResult {
  const lines: Array<Record<string, number>> = [{}, {}, {}, {}];
  const warnings: string[] = [];
  let i = 0;
  while (i < b.length) {
    const ch = b[i] as number;
    const type = i + 1 < b.length ? (b[i + 1] as number) : 0;
    const line = Math.floor((ch - 3) / 3);
    const role = (ch - 3) % 3;
    if (i + 1 >= b.length || !(ch >= 3 && ch <= 14 && ((role < 2 && type === 0xd2) || (role === 2 && type === 0xcc)))) {
      warnings.push(`decoding stopped at unknown channel 0x${hex2(ch)} type 0x${hex2(type)} (offset ${i}): ${b.length - i} bytes ignored`);
      break;
    }
    if (i + 6 > b.length) return truncated(b.length, i + 6);
    const l = lines[line] as Record<string, number>;
    if (role === 0) l["total_in"] = u32le(b, i + 2);
    else if (role === 1) l["total_out"] = u32le(b, i + 2);
    else {
      l["period_in"] = u16le(b, i + 2);
      l["period_out"] = u16le(b, i + 4);
    }
    i += 6;
  }
  const d: Record<string, unknown> = {};
  lines.forEach((l, n) => {
    if (Object.keys(l).length) d[`line_${n + 1}`] = l;
  });
  return { data: d, errors: [], warnings };
}

// ————— Decentlab —————
type Reading = [key: string, name: string, unit: string | null, value: (w: number[]) => number];
const BATTERY_V: Reading = ["battery_voltage", "Battery voltage", "V", (w) => (w[0] as number) / 1000];
const SHT: Reading[] = [
  ["air_temperature", "Air temperature", "°C", (w) => (175.72 * (w[0] as number)) / 65536 - 46.85],
  ["air_humidity", "Air humidity", "%", (w) => (125 * (w[1] as number)) / 65536 - 6],
];
const PM = "µg⋅m⁻³";
const DECENTLAB: Record<string, Array<[words: number, readings: Reading[]]>> = {
  "dl-pm": [
    [1, [BATTERY_V]],
    [10, [
      ["pm1_0_mass_concentration", "PM1.0 mass concentration", PM, (w) => (w[0] as number) / 10],
      ["pm2_5_mass_concentration", "PM2.5 mass concentration", PM, (w) => (w[1] as number) / 10],
      ["pm4_mass_concentration", "PM4 mass concentration", PM, (w) => (w[2] as number) / 10],
      ["pm10_mass_concentration", "PM10 mass concentration", PM, (w) => (w[3] as number) / 10],
      ["typical_particle_size", "Typical particle size", "nm", (w) => w[4] as number],
      ["pm0_5_number_concentration", "PM0.5 number concentration", null, (w) => (w[5] as number) / 10],
      ["pm1_0_number_concentration", "PM1.0 number concentration", null, (w) => (w[6] as number) / 10],
      ["pm2_5_number_concentration", "PM2.5 number concentration", null, (w) => (w[7] as number) / 10],
      ["pm4_number_concentration", "PM4 number concentration", null, (w) => (w[8] as number) / 10],
      ["pm10_number_concentration", "PM10 number concentration", null, (w) => (w[9] as number) / 10],
    ]],
    [2, SHT],
    [1, [["barometric_pressure", "Barometric pressure", "Pa", (w) => (w[0] as number) * 2]]],
  ],
  "dl-lp8p": [
    [2, SHT],
    [2, [
      ["barometer_temperature", "Barometer temperature", "°C", (w) => ((w[0] as number) - 5000) / 100],
      ["barometric_pressure", "Barometric pressure", "Pa", (w) => (w[1] as number) * 2],
    ]],
    [8, [
      ["co2_concentration", "CO2 concentration", "ppm", (w) => (w[0] as number) - 32768],
      ["co2_concentration_lpf", "CO2 concentration LPF", "ppm", (w) => (w[1] as number) - 32768],
      ["co2_sensor_temperature", "CO2 sensor temperature", "°C", (w) => ((w[2] as number) - 32768) / 100],
      ["capacitor_voltage_1", "Capacitor voltage 1", "V", (w) => (w[3] as number) / 1000],
      ["capacitor_voltage_2", "Capacitor voltage 2", "V", (w) => (w[4] as number) / 1000],
      ["co2_sensor_status", "CO2 sensor status", null, (w) => w[5] as number],
      ["raw_ir_reading", "Raw IR reading", null, (w) => w[6] as number],
      ["raw_ir_reading_lpf", "Raw IR reading LPF", null, (w) => w[7] as number],
    ]],
    [1, [BATTERY_V]],
  ],
  "dl-mbx": [
    [2, [
      ["distance", "Distance", "mm", (w) => w[0] as number],
      ["number_of_valid_samples", "Number of valid samples", null, (w) => w[1] as number],
    ]],
    [1, [BATTERY_V]],
  ],
};
function decentlab(model: string): Decoder {
  const groups = DECENTLAB[model] as Array<[number, Reading[]]>;
  return (_port, b) => {
    if (b.length < 1) return truncated(b.length, 5);
    if (b[0] !== 2) return err(`protocol version ${b[0]} doesn't match v2`);
    if (b.length < 5) return truncated(b.length, 5);
    const flags = u16be(b, 3);
    let end = 5;
    groups.forEach(([words], g) => {
      if ((flags >> g) & 1) end += 2 * words;
    });
    if (end > b.length) return truncated(b.length, end);
    const d: Record<string, unknown> = { protocol_version: 2, device_id: u16be(b, 1) };
    let at = 5;
    groups.forEach(([words, readings], g) => {
      if (!((flags >> g) & 1)) return;
      const w = Array.from({ length: words }, (_, k) => u16be(b, at + 2 * k));
      for (const [key, displayName, unit, value] of readings) d[key] = unit === null ? { displayName, value: value(w) } : { displayName, unit, value: value(w) };
      at += 2 * words;
    });
    return { data: d, errors: [], warnings: end < b.length ? [`${b.length - end} trailing bytes ignored`] : [] };
  };
}

// ————— Netvox —————
const NETVOX_DEVICES: Record<string, Record<number, string>> = {
  ra0715: { 0x05: "RA07 Series", 0x09: "R726 Series", 0x0d: "RA07**Y Series" },
  r718ab: { 0x13: "R718AB" },
  r311w: { 0x06: "R311W" },
};
const slot = (b: Bytes, i: number, div: number) => (u16be(b, i) === 0xffff ? "NoSensor" : u16be(b, i) / div);
const sslot = (b: Bytes, i: number, div: number) => (u16be(b, i) === 0xffff ? "NoSensor" : s16be(b, i) / div);
const RA07: Record<number, (b: Bytes) => Record<string, unknown>> = {
  1: (b) => ({ PM1_0: slot(b, 4, 1), PM2_5: slot(b, 6, 1), PM10: slot(b, 8, 1) }),
  2: (b) => ({ PM1_0: slot(b, 4, 1), PM2_5: slot(b, 6, 1), PM10: slot(b, 8, 1) }),
  3: (b) => ({ um0_3: slot(b, 4, 1), um0_5: slot(b, 6, 1), um1_0: slot(b, 8, 1) }),
  4: (b) => ({ um2_5: slot(b, 4, 1), um5_0: slot(b, 6, 1), um10: slot(b, 8, 1) }),
  5: (b) => ({ O3: slot(b, 4, 10), CO: slot(b, 6, 10), NO: slot(b, 8, 10) }),
  6: (b) => ({ NO2: slot(b, 4, 10), SO2: slot(b, 6, 10), H2S: slot(b, 8, 10) }),
  7: (b) => ({ CO2: slot(b, 4, 10), NH3: slot(b, 6, 10), Noise: slot(b, 8, 10) }),
  8: (b) => ({ PH: slot(b, 4, 100), TempPH: sslot(b, 6, 100), ORP: sslot(b, 8, 1) }),
  9: (b) => ({ NTU: slot(b, 4, 10), TempNTU: sslot(b, 6, 100), EC5SoildHumi: slot(b, 8, 100) }),
  10: (b) => ({ SoildHumi5TE: slot(b, 4, 100), SoildTemp5TE: sslot(b, 6, 100), WaterLevel: slot(b, 8, 1), EC5TE: b[10] === 0xff ? "NoSensor" : b[10] }),
  11: (b) => ({ TempLDO: sslot(b, 4, 100), LDO_DO: slot(b, 6, 100), LDO_Sat: slot(b, 8, 10) }),
  12: (b) => ({ Temperature: sslot(b, 4, 100), Humidity: slot(b, 6, 100), WindSpeed: slot(b, 8, 100) }),
  13: (b) => ({ WindDirection: slot(b, 4, 1), Atomsphere: u32be(b, 6) === 0xffffffff ? "NoSensor" : u32be(b, 6) / 100 }),
  14: (b) => ({ VOC: slot(b, 4, 10) }),
};
function netvox(model: string): Decoder {
  const names = NETVOX_DEVICES[model] as Record<number, string>;
  return (port, b) => {
    if (port !== 6 && port !== 7) return err("unknown FPort");
    if (b.length < 11) return truncated(b.length, 11);
    const device = names[b[1] as number];
    if (!device) return err(`device type 0x${hex2(b[1] as number)} is not covered by this codec`);
    if (port === 7) {
      if (b[0] === 0x81) return ok({ Cmd: "ConfigReportRsp", Device: device, Status: b[2] === 0 ? "Success" : "Failure" });
      if (b[0] !== 0x82) return err(`unknown command 0x${hex2(b[0] as number)}`);
      const d: Record<string, unknown> = { Cmd: "ReadConfigReportRsp", Device: device, MinTime: u16be(b, 2), MaxTime: u16be(b, 4) };
      if (model !== "ra0715") d["BatteryChange"] = (b[6] as number) / 10;
      if (model === "r718ab") {
        d["TempChange"] = u16be(b, 7) / 100;
        d["HumiChange"] = u16be(b, 9) / 100;
      }
      return ok(d);
    }
    if (b[2] === 0) return ok({ Device: device, SWver: (b[3] as number) / 10, HWver: b[4], Datecode: hex2(b[5] as number) + hex2(b[6] as number) + hex2(b[7] as number) + hex2(b[8] as number) });
    const v = b[3] as number;
    const d: Record<string, unknown> = { Device: device, Volt: v & 0x80 ? `${(v & 0x7f) / 10}(low battery)` : v / 10 };
    let known = false;
    if (model === "ra0715" && RA07[b[2] as number]) {
      Object.assign(d, (RA07[b[2] as number] as (b: Bytes) => Record<string, unknown>)(b));
      known = true;
    } else if (model === "r718ab" && b[2] === 1) {
      d["Temp"] = s16be(b, 4) / 100;
      d["Humi"] = u16be(b, 6) / 100;
      known = true;
    } else if (model === "r311w" && b[2] === 1) {
      d["WaterLeak_1"] = b[4] === 0 ? "NoLeak" : "Leak";
      d["WaterLeak_2"] = b[5] === 0 ? "NoLeak" : "Leak";
      known = true;
    }
    return { data: d, errors: [], warnings: known ? [] : [`report type 0x${hex2(b[2] as number)} not decoded`] };
  };
}

// ————— the others —————
function bosch(port: number, b: Bytes): BaselineResult {
  const code = (i: number) => (((b[i + 1] as number) & 0x0f) << 8) | (b[i] as number);
  switch (port) {
    case 1:
      return b.length < 1 ? truncated(b.length, 1) : ok({ type: "parking status", occupied: ((b[0] as number) & 1) === 1 });
    case 2: {
      if (b.length < 1) return truncated(b.length, 1);
      const d: Record<string, unknown> = { type: "heartbeat", occupied: ((b[0] as number) & 1) === 1 };
      if (b.length >= 2) d["temperature"] = s8(b[1] as number);
      return ok(d);
    }
    case 3: {
      if (b.length < 17) return truncated(b.length, 17);
      const d: Record<string, unknown> = { type: "startup", debugCodes: [0, 4, 8].map(code).filter((c) => c !== 0), firmwareVersion: `${b[12]}.${b[13]}.${b[14]}` };
      const cause = [undefined, "watchdog", "power on", "system request", "other"][b[15] as number];
      if (cause) d["resetCause"] = cause;
      d["occupied"] = ((b[16] as number) & 1) === 1;
      return ok(d);
    }
    case 4:
      return ok({ type: "device information", bytes: Array.from(b) });
    case 5:
      return ok({ type: "device usage", bytes: Array.from(b) });
    case 6:
      return b.length < 10 ? truncated(b.length, 10) : ok({ type: "debug", timestamp: u32le(b, 0), debugCode: code(4), sequenceNumber: u16le(b, 8) });
  }
  return err("unknown FPort");
}

function imbuildings(_port: number, b: Bytes): BaselineResult {
  if (b.length < 2) return truncated(b.length, 2);
  if (b[0] !== 2 || b[1] !== 6) return err(`unsupported payload type ${b[0]} variant ${b[1]} (this codec decodes the People Counter, type 2 variant 6)`);
  if (b.length < 23) return truncated(b.length, 23);
  let id = "";
  for (let i = 2; i <= 9; i++) id += hex2(b[i] as number);
  return ok({
    device_type_identifier: 2,
    device_type: "People Counter",
    device_type_variant: 6,
    device_id: id,
    device_status: b[10],
    battery_voltage: u16be(b, 11) / 100,
    counter_a: u16be(b, 13),
    counter_b: u16be(b, 15),
    sensor_status: b[17],
    total_counter_a: u16be(b, 18),
    total_counter_b: u16be(b, 20),
    payload_counter: b[22],
  });
}

const ADEUNIS_TYPES: Record<number, string> = {
  0x5a: "0x5a Pulse 4 data - channel A",
  0x5b: "0x5b Pulse 4 data - channel B",
  0x46: "0x46 Pulse 4 data",
  0x47: "0x47 Pulse 4 alarm",
  0x30: "0x30 Pulse 4 keep alive",
  0x10: "0x10 Pulse 4 configuration",
  0x11: "0x11 Pulse 4 configuration",
  0x12: "0x12 Pulse 4 configuration",
};
function adeunis(_port: number, b: Bytes): BaselineResult {
  if (b.length < 2) return truncated(b.length, 2);
  const code = b[0] as number;
  const type = ADEUNIS_TYPES[code];
  if (!type) return err(`unknown frame type 0x${hex2(code)}`);
  const s = b[1] as number;
  const stamped = ((s >> 2) & 1) === 1;
  const end = stamped ? b.length - 4 : b.length;
  const needed = code === 0x5a || code === 0x5b ? 4 : code === 0x46 ? 8 : 0;
  if (end < 2 + needed) return truncated(b.length, 2 + needed + (stamped ? 4 : 0));
  const d: Record<string, unknown> = {
    type,
    status: { frameCounter: (s >> 5) & 7, hardwareError: false, lowBattery: ((s >> 1) & 1) === 1, configurationDone: (s & 1) === 1, timestamp: stamped },
  };
  if (stamped) d["timestamp"] = new Date((1356998400 + u32be(b, end)) * 1000).toISOString().slice(0, -1);
  const warnings: string[] = [];
  let leftover = 0;
  if (code === 0x5a || code === 0x5b) {
    d["decodingInfo"] = "counterValues: [t=0, t-1, t-2, ...]";
    let value = u32be(b, 2);
    const values = [value];
    let at = 6;
    for (; at + 2 <= end; at += 2) values.push((value -= u16be(b, at)));
    d["counterValues"] = values;
    leftover = end - at;
  } else if (code === 0x46) {
    d["counterA"] = u32be(b, 2);
    d["counterB"] = u32be(b, 6);
    leftover = end - 10;
  } else if (end > 2) {
    let payload = "";
    for (let i = 2; i < end; i++) payload += hex2(b[i] as number);
    d["payload"] = payload;
  }
  if (leftover > 0) warnings.push(`${leftover} trailing bytes ignored`);
  return { data: { bytes: d }, errors: [], warnings };
}

const STRIPS_SIZES: Record<number, number> = { 1: 1, 2: 2, 3: 1, 6: 1, 7: 2, 9: 1, 13: 1, 14: 1, 16: 1, 17: 2, 18: 1 };
function sensative(port: number, b: Bytes): BaselineResult {
  if (port === 2) return err("history frames (fPort 2) are not decoded: their timestamps depend on the time of decoding");
  if (port !== 1) return err("unknown FPort");
  if (b.length < 2) return truncated(b.length, 2);
  const sequence = u16be(b, 0);
  const d: Record<string, unknown> = { historySeqNr: sequence };
  const warnings: string[] = [];
  let previous = sequence;
  let i = 2;
  while (i < b.length) {
    const type = b[i] as number;
    const id = type & 0x7f;
    const size = STRIPS_SIZES[id];
    if (size === undefined) {
      warnings.push(`decoding stopped at unknown type 0x${hex2(type)} (offset ${i}): ${b.length - i} bytes ignored`);
      break;
    }
    if (i + 1 + size > b.length) return truncated(b.length, i + 1 + size);
    if (type & 0x80) previous--;
    const v = i + 1;
    const x = b[v] as number;
    switch (id) {
      case 1: d["battery"] = x; break;
      case 2: d["temperature"] = { value: s16be(b, v) / 10 }; break;
      case 3: d["tempAlarm"] = { highAlarm: (x & 1) !== 0, lowAlarm: (x & 2) !== 0 }; break;
      case 6: d["humidity"] = { value: x / 2 }; break;
      case 7: d["lux"] = { value: u16be(b, v) }; break;
      case 9: d["door"] = { value: x !== 0 }; break;
      case 13: d["flood"] = { value: x }; break;
      case 14: d["floodAlarm"] = { value: x !== 0 }; break;
      case 16: d["userSwitch1Alarm"] = { value: x !== 0 }; break;
      case 17: d["doorCount"] = { value: u16be(b, v) }; break;
      case 18: d["presence"] = { value: x !== 0 }; break;
    }
    i = v + size;
  }
  d["prevHistSeqNr"] = previous;
  return { data: d, errors: [], warnings };
}

const LHT65_EXT: Record<number, (b: Bytes) => Record<string, unknown>> = {
  0: () => ({ Ext_sensor: "No external sensor" }),
  1: (b) => ({ Ext_sensor: "Temperature Sensor", TempC_DS: s16be(b, 7) / 100 }),
  4: (b) => ({ Ext_sensor: "Interrupt Sensor send", Exti_pin_level: b[7] ? "High" : "Low", Exti_status: b[8] ? "True" : "False" }),
  5: (b) => ({ Ext_sensor: "Illumination Sensor", ILL_lx: u16be(b, 7) }),
  6: (b) => ({ Ext_sensor: "ADC Sensor", ADC_V: u16be(b, 7) / 1000 }),
  7: (b) => ({ Ext_sensor: "Interrupt Sensor count", Exit_count: u16be(b, 7) }),
};
function lht65(port: number, b: Bytes): BaselineResult {
  if (port !== 2) return err("unknown FPort");
  if (b.length < 11) return truncated(b.length, 11);
  const ext = LHT65_EXT[(b[6] as number) & 0x0f];
  const d = { BatV: (u16be(b, 0) & 0x3fff) / 1000, Bat_status: (b[0] as number) >> 6, TempC_SHT: s16be(b, 2) / 100, Hum_SHT: (u16be(b, 4) & 0x0fff) / 10, ...ext?.(b) };
  return { data: d, errors: [], warnings: ext ? [] : ["external sensor type not decoded"] };
}

function laq4(port: number, b: Bytes): BaselineResult {
  if (port !== 2) return err("unknown FPort");
  if (b.length < 11) return truncated(b.length, 11);
  const mode = ((b[2] as number) & 0x7c) >> 2;
  const d: Record<string, unknown> = { Bat_V: u16be(b, 0) / 1000 };
  if (mode === 1) {
    Object.assign(d, { Work_mode: "CO2", Alarm_status: (b[2] as number) & 1 ? "TRUE" : "FALSE", TVOC_ppb: u16be(b, 3), CO2_ppm: u16be(b, 5), TempC_SHT: s16be(b, 7) / 10, Hum_SHT: u16be(b, 9) / 10 });
  } else if (mode === 31) {
    Object.assign(d, { Work_mode: "ALARM", SHTTEMPMIN: s8(b[3] as number), SHTTEMPMAX: s8(b[4] as number), SHTHUMMIN: b[5], SHTHUMMAX: b[6], CO2MIN: u16be(b, 7), CO2MAX: u16be(b, 9) });
  } else {
    return { data: d, errors: [], warnings: ["work mode not decoded"] };
  }
  return ok(d);
}

function windsensor(port: number, b: Bytes): BaselineResult {
  if (port !== 1) return err("unknown FPort");
  if (b.length < 2) return truncated(b.length, 2);
  const direction = ["N", "E", "S", "W"][b[0] as number];
  return direction ? ok({ direction, speed: b[1] }) : err("invalid direction");
}

/** Baseline decoder of each codec id. */
export const VENDOR_BASELINES: Readonly<Record<string, Decoder>> = {
  "elsys/ers-codec": elsys,
  "elsys/ers-co2-codec": elsys,
  "elsys/ers-sound-codec": elsys,
  "elsys/elt-ultrasonic-codec": elsys,
  "elsys/elt-2-codec": elsys,
  "milesight-iot/em300-th-codec": milesight("em300-th"),
  "milesight-iot/em300-zld-codec": milesight("em300-zld"),
  "milesight-iot/em300-di-codec": milesight("em300-di"),
  "milesight-iot/am307-codec": milesight("am307"),
  "milesight-iot/am319-codec": milesight("am319"),
  "milesight-iot/em310-udl-codec": milesight("em310-udl"),
  "milesight-iot/em500-udl-codec": milesight("em500-udl"),
  "milesight-iot/em400-mud-codec": milesight("em400-mud"),
  "milesight-iot/ws202-codec": milesight("ws202"),
  "milesight-iot/vs133-codec": vs133,
  "milesight-iot/vs121-codec": milesight("vs121"),
  "decentlab/dl-pm-codec": decentlab("dl-pm"),
  "decentlab/dl-lp8p-codec": decentlab("dl-lp8p"),
  "decentlab/dl-mbx-codec": decentlab("dl-mbx"),
  "netvox/ra0715-codec": netvox("ra0715"),
  "netvox/r718ab-codec": netvox("r718ab"),
  "netvox/r311w-codec": netvox("r311w"),
  "bosch/tps110-0292-codec": bosch,
  "imbuildings/imbuildings-codec": imbuildings,
  "adeunis/pulse-codec": adeunis,
  "sensative/strips-codec": sensative,
  "dragino/lht65-codec": lht65,
  "dragino/laq4-codec": laq4,
  "example/windsensor-codec": windsensor,
};
