// Decentlab DL-PM, DL-LP8P, DL-MBX (vendor/decentlab/dl-*.js) and the shared Decentlab downlink
// codec (dl-downlink-codec.js).
//
// Uplink: [0] protocol version (2), [1..2] device id u16 BE, [3..4] sensor flags u16 BE, then for
// each sensor group i whose flag bit i is set, n u16 BE words. Each reading is written as
// {displayName, unit?, value}. Downlink (fPort 1, 6 bytes): command u16 BE, parameter u16 BE,
// CRC-16/MODBUS of those four bytes, big-endian.
import {
  arg,
  argNumber,
  beginText,
  close,
  dropText,
  emit16be,
  endText,
  fail,
  failText,
  kNum,
  kObject,
  kStr,
  openObject,
  setPort,
  str,
  text,
  textEqualsArg,
  textInt,
  truncated,
  u16be,
  byte,
  warnText,
  input,
} from "./io";
import * as P from "./protocol";

const PROTOCOL_VERSION = 2;

// Units as the vendor spells them.
const VOLT = "V";
const CELSIUS = "°C";
const PERCENT = "%";
const PASCAL = "Pa";
const MASS_CONCENTRATION = "µg⋅m⁻³";

/** Words in sensor group `group` of device `codec` (0 = no such group). */
function groupWords(codec: i32, group: i32): i32 {
  switch (codec) {
    case P.DECENTLAB_DL_PM:
      // battery · particulate matter · temperature/humidity · pressure
      return group == 0 ? 1 : group == 1 ? 10 : group == 2 ? 2 : group == 3 ? 1 : 0;
    case P.DECENTLAB_DL_LP8P:
      // temperature/humidity · barometer · CO2 sensor · battery
      return group == 0 ? 2 : group == 1 ? 2 : group == 2 ? 8 : group == 3 ? 1 : 0;
    case P.DECENTLAB_DL_MBX:
      // ultrasonic distance · battery
      return group == 0 ? 2 : group == 1 ? 1 : 0;
  }
  return 0;
}

let groupBase = 0;
// @ts-ignore: decorator
@inline function w(k: i32): f64 {
  return <f64>u16be(groupBase + 2 * k);
}

function reading(key: string, displayName: string, unit: string | null, value: f64): void {
  kObject(key);
  kStr("displayName", displayName);
  if (unit !== null) kStr("unit", unit);
  kNum("value", value);
  close();
}

function battery(): void {
  reading("battery_voltage", "Battery voltage", VOLT, w(0) / 1000);
}

/** Sensirion SHT temperature and humidity from words 0 and 1. */
function sht(): void {
  reading("air_temperature", "Air temperature", CELSIUS, (175.72 * w(0)) / 65536 - 46.85);
  reading("air_humidity", "Air humidity", PERCENT, (125 * w(1)) / 65536 - 6);
}

function group(codec: i32, g: i32): void {
  if (codec == P.DECENTLAB_DL_PM) {
    if (g == 0) return battery();
    if (g == 1) {
      reading("pm1_0_mass_concentration", "PM1.0 mass concentration", MASS_CONCENTRATION, w(0) / 10);
      reading("pm2_5_mass_concentration", "PM2.5 mass concentration", MASS_CONCENTRATION, w(1) / 10);
      reading("pm4_mass_concentration", "PM4 mass concentration", MASS_CONCENTRATION, w(2) / 10);
      reading("pm10_mass_concentration", "PM10 mass concentration", MASS_CONCENTRATION, w(3) / 10);
      reading("typical_particle_size", "Typical particle size", "nm", w(4));
      // No unit on the number concentrations in dl-pm-codec.yaml @56ac631e (dl-pm.js @0a254aaa adds "1⋅cm⁻³").
      reading("pm0_5_number_concentration", "PM0.5 number concentration", null, w(5) / 10);
      reading("pm1_0_number_concentration", "PM1.0 number concentration", null, w(6) / 10);
      reading("pm2_5_number_concentration", "PM2.5 number concentration", null, w(7) / 10);
      reading("pm4_number_concentration", "PM4 number concentration", null, w(8) / 10);
      reading("pm10_number_concentration", "PM10 number concentration", null, w(9) / 10);
      return;
    }
    if (g == 2) return sht();
    return reading("barometric_pressure", "Barometric pressure", PASCAL, w(0) * 2);
  }
  if (codec == P.DECENTLAB_DL_LP8P) {
    if (g == 0) return sht();
    if (g == 1) {
      reading("barometer_temperature", "Barometer temperature", CELSIUS, (w(0) - 5000) / 100);
      reading("barometric_pressure", "Barometric pressure", PASCAL, w(1) * 2);
      return;
    }
    if (g == 2) {
      reading("co2_concentration", "CO2 concentration", "ppm", w(0) - 32768);
      reading("co2_concentration_lpf", "CO2 concentration LPF", "ppm", w(1) - 32768);
      reading("co2_sensor_temperature", "CO2 sensor temperature", CELSIUS, (w(2) - 32768) / 100);
      reading("capacitor_voltage_1", "Capacitor voltage 1", VOLT, w(3) / 1000);
      reading("capacitor_voltage_2", "Capacitor voltage 2", VOLT, w(4) / 1000);
      reading("co2_sensor_status", "CO2 sensor status", null, w(5));
      reading("raw_ir_reading", "Raw IR reading", null, w(6));
      reading("raw_ir_reading_lpf", "Raw IR reading LPF", null, w(7));
      return;
    }
    return battery();
  }
  // DL-MBX
  if (g == 0) {
    reading("distance", "Distance", "mm", w(0));
    reading("number_of_valid_samples", "Number of valid samples", null, w(1));
    return;
  }
  battery();
}

export function decentlabUplink(codec: i32, length: i32): i32 {
  if (length < 1) return truncated(length, 0, 5);
  const version = byte(0);
  if (version != PROTOCOL_VERSION) {
    beginText();
    text("protocol version ");
    textInt(version);
    text(" doesn't match v2");
    return failText(P.ERR_INVALID_FRAME);
  }
  if (length < 5) return truncated(length, 0, 5);
  const flags = u16be(3);
  let end = 5;
  for (let g = 0; g < 16; g++) {
    if ((flags >> g) & 1) end += 2 * groupWords(codec, g);
  }
  if (end > length) return truncated(length, 5, end - 5);
  openObject();
  kNum("protocol_version", version);
  kNum("device_id", u16be(1));
  groupBase = 5;
  for (let g = 0; g < 16; g++) {
    const words = groupWords(codec, g);
    if (words == 0 || ((flags >> g) & 1) == 0) continue;
    group(codec, g);
    groupBase += 2 * words;
  }
  close();
  if (end < length) {
    beginText();
    textInt(length - end);
    text(" trailing bytes ignored");
    warnText();
  }
  return P.OK;
}

// ————— downlink —————

const DOWNLINK_PORT = 1;

/** Settings of commands 0x0001…0x001E: odd codes set the value, even codes set it and save. */
const SETTINGS: StaticArray<string> = [
  "period",
  "dr",
  "adr on",
  "adr off",
  "dr_min",
  "dr_max",
  "pwridx_min",
  "pwridx_max",
  "send_period",
  "join_period",
  "pwridx",
  "linkcheck_period",
  "linkcheck_tolerance",
  "linkcheck_limit",
  "port",
];
const RESET = 0xfefe;
const FACTORY_RESET = 0xfef0;
const SLEEP = 0xfef1;

/** Writes the name of command `code` as text (after beginText); false if the code is unknown. */
function commandName(code: i32): bool {
  if (code >= 0x01 && code <= 0x1e) {
    text("set ");
    text(unchecked(SETTINGS[(code - 1) >> 1]));
    if (((code - 1) & 1) == 1) text(" + save");
    return true;
  }
  if (code >= 0x20 && code <= 0x3f) {
    text("set param ");
    textInt(code & 0x0f);
    if (code >= 0x30) text(" + save");
    return true;
  }
  if ((code >= 0x50 && code <= 0x59) || (code >= 0x60 && code <= 0x69)) {
    text("set sensor_period ");
    textInt(code & 0x0f);
    if (code >= 0x60) text(" + save");
    return true;
  }
  if (code == RESET) text("reset");
  else if (code == FACTORY_RESET) text("factory reset");
  else if (code == SLEEP) text("sleep");
  else return false;
  return true;
}

/** Commands sent without a parameter (ADR on/off, reset, factory reset, sleep). */
function takesNoParameter(code: i32): bool {
  return (code >= 0x05 && code <= 0x08) || code >= 0xfef0;
}

/** The codes a command name can map to, in table order. */
function nextCode(code: i32): i32 {
  if (code < 0x1e) return code + 1;
  if (code == 0x1e) return 0x20;
  if (code < 0x3f) return code + 1;
  if (code == 0x3f) return 0x50;
  if (code < 0x59) return code + 1;
  if (code == 0x59) return 0x60;
  if (code < 0x69) return code + 1;
  if (code == 0x69) return RESET;
  if (code == RESET) return FACTORY_RESET;
  if (code == FACTORY_RESET) return SLEEP;
  return -1;
}

function crc16(length: i32): i32 {
  let crc = 0xffff;
  for (let i = 0; i < length; i++) {
    crc ^= byte(i);
    for (let bit = 0; bit < 8; bit++) {
      const odd = crc & 1;
      crc >>= 1;
      if (odd) crc ^= 0xa001;
    }
  }
  return crc;
}

export function decentlabEncode(): i32 {
  const command = arg("command");
  let code = 0x01;
  while (code >= 0) {
    beginText();
    const known = commandName(code);
    const same = known && textEqualsArg(command);
    dropText();
    if (same) break;
    code = nextCode(code);
  }
  if (code < 0) return fail(P.ERR_INVALID_INPUT, "invalid command");
  let parameter: f64 = 0;
  if (!takesNoParameter(code)) {
    parameter = argNumber(arg("parameter"));
    if (!(parameter >= 0 && parameter <= 65535) || parameter != Math.floor(parameter)) {
      return fail(P.ERR_INVALID_INPUT, "invalid parameter");
    }
  }
  // The CRC runs over the input buffer: stage the four bytes there.
  store<u8>(input, <u8>(code >> 8));
  store<u8>(input, <u8>(code & 0xff), 1);
  store<u8>(input, <u8>(<i32>parameter >> 8), 2);
  store<u8>(input, <u8>(<i32>parameter & 0xff), 3);
  emit16be(code);
  emit16be(<i32>parameter);
  emit16be(crc16(4));
  setPort(DOWNLINK_PORT);
  return P.OK;
}

export function decentlabDecode(port: i32, length: i32): i32 {
  if (length != 6) return fail(P.ERR_INVALID_FRAME, "invalid message length");
  if (port != DOWNLINK_PORT) return fail(P.ERR_UNKNOWN_PORT, "invalid FPort");
  const code = u16be(0);
  beginText();
  const known = commandName(code);
  dropText();
  if (!known) return fail(P.ERR_INVALID_FRAME, "invalid command");
  if (u16be(4) != crc16(4)) return fail(P.ERR_INVALID_FRAME, "invalid CRC");
  openObject();
  str("command");
  beginText();
  commandName(code);
  endText();
  if (!takesNoParameter(code)) kNum("parameter", u16be(2));
  close();
  return P.OK;
}
