// Milesight EM300-TH / -ZLD / -DI, AM307 / AM319, EM310-UDL, EM500-UDL, EM400-MUD, WS202, VS133, VS121
// (vendor/milesight-iot/<model>.js). Frame: a run of [channel u8][type u8][value], values
// little-endian unless stated; fPort is ignored. Decoding stops at the first channel/type pair the
// device's decoder does not know (reported as a warning; the vendor decoders drop it silently).
import {
  beginText,
  close,
  kArray,
  kNum,
  kObject,
  kStr,
  num,
  openObject,
  s16le,
  str,
  text,
  textHex2,
  textInt,
  truncated,
  u16be,
  u16le,
  u32le,
  byte,
  warnText,
} from "./io";
import * as P from "./protocol";

// Channel (high byte) and type (low byte) pairs.
const BATTERY = 0x0175; // u8 %
const TEMPERATURE = 0x0367; // s16 /10 °C
const HUMIDITY = 0x0468; // u8 /2 %
const AM_PIR = 0x0500; // u8: 0 idle, else trigger (key "activity" in am319.js, "pir" in am307l.js)
const AM_LIGHT_LEVEL = 0x06cb; // u8 level 0…5
const AM_CO2 = 0x077d; // u16 ppm
const AM_TVOC = 0x087d; // u16
const AM_PRESSURE = 0x0973; // u16 /10 hPa
const AM_HCHO = 0x0a7d; // u16 /100 mg/m³
const AM_PM2_5 = 0x0b7d; // u16 µg/m³ (key "pm2.5" in am319.js, "pm2_5" in am307l.js)
const AM_PM10 = 0x0c7d; // u16 µg/m³
const AM_O3 = 0x0d7d; // u16 /100 ppm
const AM_BEEP = 0x0e01; // u8: 0 no, else yes
const UDL_DISTANCE = 0x0382; // u16 mm (EM310-UDL, EM500-UDL: raw millimetres)
const EM310_TILT = 0x0400; // u8: 0 normal, else tilt
const MUD_DISTANCE = 0x0482; // u16 mm
const MUD_POSITION = 0x0500; // u8: 0 normal, else tilt
const MUD_TEMPERATURE_ALARM = 0x8367; // s16 /10 °C, then u8 abnormal flag
const MUD_DISTANCE_ALARM = 0x8482; // u16 mm, then u8 alarm flag
const WS202_PIR = 0x0300; // u8: 0 normal, else trigger
const WS202_LIGHT = 0x0400; // u8: 0 dark, else light
const ZLD_LEAK = 0x0500; // u8: 0 normal, else leak
const DI_GPIO = 0x0500; // u8
const DI_PULSE = 0x05c8; // u32 pulse count
const DI_HISTORY = 0x20ce; // 13 bytes: ts u32, temp s16 /10, hum u8 /2, mode u8, gpio u8, pulse u32
const VS121_PEOPLE = 0x04c9; // total u8, region count u8, region mask u16 BE

/** Bytes of the value after `pair` for device `codec`, or −1 when its decoder does not know the pair. */
function valueSize(codec: i32, pair: i32): i32 {
  const ambience = codec == P.MILESIGHT_AM307 || codec == P.MILESIGHT_AM319;
  const em300 = codec == P.MILESIGHT_EM300_TH || codec == P.MILESIGHT_EM300_ZLD || codec == P.MILESIGHT_EM300_DI;
  if (pair == BATTERY) return codec == P.MILESIGHT_VS121 ? -1 : 1;
  if (pair == TEMPERATURE) return em300 || ambience || codec == P.MILESIGHT_EM400_MUD ? 2 : -1;
  if (pair == HUMIDITY) return em300 || ambience ? 1 : -1;
  if (ambience) {
    switch (pair) {
      case AM_PIR:
      case AM_LIGHT_LEVEL:
      case AM_BEEP:
        return 1;
      case AM_CO2:
      case AM_TVOC:
      case AM_PRESSURE:
      case AM_HCHO:
      case AM_PM2_5:
      case AM_PM10:
      case AM_O3:
        return 2;
    }
    return -1;
  }
  switch (codec) {
    case P.MILESIGHT_EM310_UDL:
      return pair == UDL_DISTANCE ? 2 : pair == EM310_TILT ? 1 : -1;
    case P.MILESIGHT_EM500_UDL:
      return pair == UDL_DISTANCE ? 2 : -1;
    case P.MILESIGHT_EM400_MUD:
      if (pair == MUD_DISTANCE) return 2;
      if (pair == MUD_POSITION) return 1;
      if (pair == MUD_TEMPERATURE_ALARM || pair == MUD_DISTANCE_ALARM) return 3;
      return -1;
    case P.MILESIGHT_WS202:
      return pair == WS202_PIR || pair == WS202_LIGHT ? 1 : -1;
    case P.MILESIGHT_EM300_ZLD:
      return pair == ZLD_LEAK ? 1 : -1;
    case P.MILESIGHT_EM300_DI:
      return pair == DI_GPIO ? 1 : pair == DI_PULSE ? 4 : pair == DI_HISTORY ? 13 : -1;
    case P.MILESIGHT_VS121:
      return pair == VS121_PEOPLE ? 4 : -1;
  }
  return -1;
}

function flag(key: string, v: i32, off: string, on: string): void {
  kStr(key, v == 0 ? off : on);
}

/** Writes the members of one channel whose value starts at `v`. */
function channel(codec: i32, pair: i32, v: i32): void {
  if (pair == BATTERY) return kNum("battery", byte(v));
  if (pair == TEMPERATURE) return kNum("temperature", <f64>s16le(v) / 10);
  if (pair == HUMIDITY) return kNum("humidity", <f64>byte(v) / 2);
  if (codec == P.MILESIGHT_AM307 || codec == P.MILESIGHT_AM319) {
    const am319 = codec == P.MILESIGHT_AM319;
    switch (pair) {
      case AM_PIR:
        return flag(am319 ? "activity" : "pir", byte(v), "idle", "trigger");
      case AM_LIGHT_LEVEL:
        return kNum("light_level", byte(v));
      case AM_CO2:
        return kNum("co2", u16le(v));
      case AM_TVOC:
        return kNum("tvoc", u16le(v));
      case AM_PRESSURE:
        return kNum("pressure", <f64>u16le(v) / 10);
      case AM_HCHO:
        return kNum("hcho", <f64>u16le(v) / 100);
      case AM_PM2_5:
        return kNum(am319 ? "pm2.5" : "pm2_5", u16le(v));
      case AM_PM10:
        return kNum("pm10", u16le(v));
      case AM_O3:
        return kNum("o3", <f64>u16le(v) / 100);
      case AM_BEEP:
        return flag("beep", byte(v), "no", "yes");
    }
    return;
  }
  switch (codec) {
    case P.MILESIGHT_EM310_UDL:
    case P.MILESIGHT_EM500_UDL:
      if (pair == UDL_DISTANCE) return kNum("distance", u16le(v));
      return flag("tilt", byte(v), "normal", "tilt");
    case P.MILESIGHT_EM400_MUD:
      if (pair == MUD_DISTANCE) return kNum("distance", u16le(v));
      if (pair == MUD_POSITION) return flag("position", byte(v), "normal", "tilt");
      if (pair == MUD_TEMPERATURE_ALARM) {
        kNum("temperature", <f64>s16le(v) / 10);
        return flag("temperature_alarm", byte(v + 2), "normal", "abnormal");
      }
      kNum("distance", u16le(v));
      return flag("distance_alarm", byte(v + 2), "normal", "alarm");
    case P.MILESIGHT_WS202:
      if (pair == WS202_PIR) return flag("pir", byte(v), "normal", "trigger");
      return flag("light", byte(v), "dark", "light");
    case P.MILESIGHT_EM300_ZLD:
      // Key "water" as in em300-zld-codec.yaml @e81f6590 (em300-zld.js @0a321c68 says "water_leak").
      return flag("water", byte(v), "normal", "leak");
    case P.MILESIGHT_EM300_DI:
      if (pair == DI_GPIO) return kNum("gpio", byte(v));
      if (pair == DI_PULSE) return kNum("pulse", u32le(v));
      return; // history records are gathered into one array after the first pass
    case P.MILESIGHT_VS121:
      return vs121People(v);
  }
}

/**
 * VS121 people counter. The vendor decoder tests `(mask > index) & 1` where `(mask >> index) & 1`
 * was meant; the published example (mask 0x0002 → regions 1, 1, 0) depends on it, so it is kept.
 */
function vs121People(v: i32): void {
  kNum("people_counter_all", byte(v));
  const regions = byte(v + 1);
  kNum("region_count", regions);
  const mask = u16be(v + 2);
  kArray("regions");
  for (let index = 0; index < regions; index++) {
    openObject();
    kNum("count", mask > index ? 1 : 0);
    kNum("index", index);
    close();
  }
  close();
}

function warnUnknownPair(pair: i32, offset: i32, length: i32): void {
  beginText();
  text("decoding stopped at unknown channel 0x");
  textHex2(pair >> 8);
  text(" type 0x");
  textHex2(pair & 0xff);
  text(" (offset ");
  textInt(offset);
  text("): ");
  textInt(length - offset);
  text(" bytes ignored");
  warnText();
}

/**
 * Walks the channels: returns the length of the part that decodes (the rest is unknown) or,
 * for a channel cut short, −1 − (offset of its value) with the needed size in `cutSize`.
 */
let cutSize = 0;
function scan(codec: i32, length: i32, write: bool): i32 {
  let i = 0;
  while (i + 2 <= length) {
    const pair = (byte(i) << 8) | byte(i + 1);
    const size = valueSize(codec, pair);
    if (size < 0) return i;
    if (i + 2 + size > length) {
      cutSize = size;
      return -1 - (i + 2);
    }
    if (write) channel(codec, pair, i + 2);
    i += 2 + size;
  }
  return i;
}

export function milesightUplink(codec: i32, length: i32): i32 {
  if (codec == P.MILESIGHT_VS133) return vs133(length);
  const end = scan(codec, length, false);
  if (end < 0) return truncated(length, -1 - end, cutSize);
  openObject();
  scan(codec, end, true);
  if (codec == P.MILESIGHT_EM300_DI) diHistory(end);
  close();
  if (end < length) {
    if (end + 2 <= length) warnUnknownPair((byte(end) << 8) | byte(end + 1), end, length);
    else warnUnknownPair(byte(end) << 8, end, length);
  }
  return P.OK;
}

/** EM300-DI history records (20 CE), in frame order, as one `history` array. */
function diHistory(end: i32): void {
  let opened = false;
  let i = 0;
  while (i + 2 <= end) {
    const pair = (byte(i) << 8) | byte(i + 1);
    const size = valueSize(P.MILESIGHT_EM300_DI, pair);
    if (pair == DI_HISTORY) {
      if (!opened) {
        kArray("history");
        opened = true;
      }
      const v = i + 2;
      const mode = byte(v + 7);
      openObject();
      kNum("timestamp", u32le(v));
      kNum("temperature", <f64>s16le(v + 4) / 10);
      kNum("humidity", <f64>byte(v + 6) / 2);
      // Work mode 1 = digital input (gpio), 2 = pulse counter.
      if (mode != 2) kNum("gpio", byte(v + 8));
      if (mode != 1) kNum("pulse", u32le(v + 9));
      close();
    }
    i += 2 + size;
  }
  if (opened) close();
}

// ————— VS133: four counting lines —————

const LINE_KEYS: StaticArray<string> = ["line_1", "line_2", "line_3", "line_4"];
/** Per line: total_in, total_out, period_in, period_out (NaN = absent). */
const lineValues = memory.data(4 * 4 * 8);

// @ts-ignore: decorator
@inline function setLine(line: i32, field: i32, v: f64): void {
  store<f64>(lineValues + (<usize>(line * 4 + field) << 3), v);
}
// @ts-ignore: decorator
@inline function lineValue(line: i32, field: i32): f64 {
  return load<f64>(lineValues + (<usize>(line * 4 + field) << 3));
}

function vs133(length: i32): i32 {
  for (let k = 0; k < 16; k++) setLine(k >> 2, k & 3, NaN);
  let i = 0;
  let stopped = -1;
  while (i + 2 <= length) {
    const ch = byte(i);
    const type = byte(i + 1);
    // Channels 03…0E: three per line (total in, total out, period in/out).
    const line = (ch - 3) / 3;
    const role = (ch - 3) % 3;
    const known = ch >= 3 && ch <= 0x0e && ((role < 2 && type == 0xd2) || (role == 2 && type == 0xcc));
    if (!known) {
      stopped = i;
      break;
    }
    const size = 4;
    if (i + 2 + size > length) return truncated(length, i + 2, size);
    const v = i + 2;
    if (role == 0) setLine(line, 0, u32le(v));
    else if (role == 1) setLine(line, 1, u32le(v));
    else {
      setLine(line, 2, u16le(v));
      setLine(line, 3, u16le(v + 2));
    }
    i = v + size;
  }
  if (stopped < 0 && i < length) stopped = i;
  openObject();
  for (let line = 0; line < 4; line++) {
    let any = false;
    for (let f = 0; f < 4; f++) any = any || !isNaN(lineValue(line, f));
    if (!any) continue;
    kObject(unchecked(LINE_KEYS[line]));
    lineMember("total_in", lineValue(line, 0));
    lineMember("total_out", lineValue(line, 1));
    lineMember("period_in", lineValue(line, 2));
    lineMember("period_out", lineValue(line, 3));
    close();
  }
  close();
  if (stopped >= 0) {
    const pair = stopped + 2 <= length ? (byte(stopped) << 8) | byte(stopped + 1) : byte(stopped) << 8;
    warnUnknownPair(pair, stopped, length);
  }
  return P.OK;
}

function lineMember(key: string, v: f64): void {
  if (isNaN(v)) return;
  str(key);
  num(v);
}
