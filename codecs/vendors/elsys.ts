// Elsys ERS, ERS CO2, ERS Sound, ELT Ultrasonic, ELT-2 (one decoder: vendor/elsys/elsys.js).
// Frame: a run of [type u8][value] pairs, values big-endian, no length byte; fPort is ignored.
// Decoding stops at the first unknown type (what is left is reported as a warning).
import { close, kNum, openObject, s16be, sbyte, truncated, u16be, u32be, byte, warnStopped } from "./io";
import { OK } from "./protocol";

const TEMPERATURE = 0x01; // s16 /10 °C
const HUMIDITY = 0x02; // u8 %
const ACCELERATION = 0x03; // x, y, z: s8 each
const LIGHT = 0x04; // u16 lux
const MOTION = 0x05; // u8 PIR count
const CO2 = 0x06; // u16 ppm
const VDD = 0x07; // u16 mV
const PULSE1 = 0x0a; // u16, relative
const PULSE_ABS = 0x0b; // u32
const EXTERNAL_TEMPERATURE = 0x0c; // s16 /10 °C
const DIGITAL = 0x0d; // u8
const DISTANCE = 0x0e; // u16 mm
const OCCUPANCY = 0x11; // u8
const WATERLEAK = 0x12; // u8
const PRESSURE = 0x14; // u32 /1000 hPa
const SOUND = 0x15; // peak u8, average u8 (dB)
const PULSE2 = 0x16; // u16
const PULSE_ABS2 = 0x17; // u32
const TVOC = 0x1c; // u16 ppb

/** Bytes of the value that follows `type`, or −1 for a type this decoder does not know. */
function valueSize(type: i32): i32 {
  switch (type) {
    case HUMIDITY:
    case MOTION:
    case DIGITAL:
    case OCCUPANCY:
    case WATERLEAK:
      return 1;
    case TEMPERATURE:
    case LIGHT:
    case CO2:
    case VDD:
    case PULSE1:
    case EXTERNAL_TEMPERATURE:
    case DISTANCE:
    case SOUND:
    case PULSE2:
    case TVOC:
      return 2;
    case ACCELERATION:
      return 3;
    case PULSE_ABS:
    case PRESSURE:
    case PULSE_ABS2:
      return 4;
  }
  return -1;
}

export function elsysUplink(length: i32): i32 {
  openObject();
  let i = 0;
  while (i < length) {
    const type = byte(i);
    const size = valueSize(type);
    if (size < 0) {
      warnStopped("unknown type", type, i, length);
      break;
    }
    if (i + 1 + size > length) return truncated(length, i + 1, size);
    const v = i + 1;
    switch (type) {
      case TEMPERATURE:
        kNum("temperature", <f64>s16be(v) / 10);
        break;
      case HUMIDITY:
        kNum("humidity", byte(v));
        break;
      case ACCELERATION:
        kNum("x", sbyte(v));
        kNum("y", sbyte(v + 1));
        kNum("z", sbyte(v + 2));
        break;
      case LIGHT:
        kNum("light", u16be(v));
        break;
      case MOTION:
        kNum("motion", byte(v));
        break;
      case CO2:
        kNum("co2", u16be(v));
        break;
      case VDD:
        kNum("vdd", u16be(v));
        break;
      case PULSE1:
        kNum("pulse1", u16be(v));
        break;
      case PULSE_ABS:
        kNum("pulseAbs", u32be(v));
        break;
      case EXTERNAL_TEMPERATURE:
        kNum("externalTemperature", <f64>s16be(v) / 10);
        break;
      case DIGITAL:
        kNum("digital", byte(v));
        break;
      case DISTANCE:
        kNum("distance", u16be(v));
        break;
      case OCCUPANCY:
        kNum("occupancy", byte(v));
        break;
      case WATERLEAK:
        kNum("waterleak", byte(v));
        break;
      case PRESSURE:
        kNum("pressure", u32be(v) / 1000);
        break;
      case SOUND:
        kNum("soundPeak", byte(v));
        kNum("soundAvg", byte(v + 1));
        break;
      case PULSE2:
        kNum("pulse2", u16be(v));
        break;
      case PULSE_ABS2:
        kNum("pulseAbs2", u32be(v));
        break;
      case TVOC:
        kNum("tvoc", u16be(v));
        break;
    }
    i = v + size;
  }
  close();
  return OK;
}
