// Dragino LHT65 (vendor/dragino/lht65.js) and LAQ4 (vendor/dragino/laq4.js): fixed 11-byte frames
// on fPort 2, big-endian.
import { close, kNum, kStr, openObject, s16be, sbyte, truncated, u16be, byte, unknownPort, warn } from "./io";
import * as P from "./protocol";

const PORT = 2;
const FRAME = 11;

/**
 * LHT65: [0..1] battery (bits 15–14 status, bits 13–0 mV), [2..3] SHT temperature s16 /100,
 * [4..5] SHT humidity (12 bits) /10, [6] external sensor type (low nibble), [7..10] its reading.
 */
export function lht65Uplink(port: i32, length: i32): i32 {
  if (port != PORT) return unknownPort();
  if (length < FRAME) return truncated(length, 0, FRAME);
  openObject();
  kNum("BatV", <f64>(u16be(0) & 0x3fff) / 1000);
  kNum("Bat_status", byte(0) >> 6);
  kNum("TempC_SHT", <f64>s16be(2) / 100);
  kNum("Hum_SHT", <f64>(u16be(4) & 0x0fff) / 10);
  const ext = byte(6) & 0x0f;
  let known = true;
  switch (ext) {
    case 0:
      kStr("Ext_sensor", "No external sensor");
      break;
    case 1:
      kStr("Ext_sensor", "Temperature Sensor");
      kNum("TempC_DS", <f64>s16be(7) / 100);
      break;
    case 4:
      kStr("Ext_sensor", "Interrupt Sensor send");
      kStr("Exti_pin_level", byte(7) != 0 ? "High" : "Low");
      kStr("Exti_status", byte(8) != 0 ? "True" : "False");
      break;
    case 5:
      kStr("Ext_sensor", "Illumination Sensor");
      kNum("ILL_lx", u16be(7));
      break;
    case 6:
      kStr("Ext_sensor", "ADC Sensor");
      kNum("ADC_V", <f64>u16be(7) / 1000);
      break;
    case 7:
      kStr("Ext_sensor", "Interrupt Sensor count");
      kNum("Exit_count", u16be(7));
      break;
    default:
      known = false;
  }
  close();
  if (!known) warn("external sensor type not decoded");
  return P.OK;
}

/**
 * LAQ4: [0..1] battery mV, [2] mode in bits 6–2 and alarm flag in bit 0. Mode 1 (CO2): TVOC ppb,
 * CO2 ppm, SHT temperature s16 /10, humidity /10. Mode 31: the alarm thresholds.
 */
export function laq4Uplink(port: i32, length: i32): i32 {
  if (port != PORT) return unknownPort();
  if (length < FRAME) return truncated(length, 0, FRAME);
  openObject();
  kNum("Bat_V", <f64>u16be(0) / 1000);
  const mode = (byte(2) & 0x7c) >> 2;
  let known = true;
  if (mode == 1) {
    kStr("Work_mode", "CO2");
    kStr("Alarm_status", (byte(2) & 1) != 0 ? "TRUE" : "FALSE");
    kNum("TVOC_ppb", u16be(3));
    kNum("CO2_ppm", u16be(5));
    kNum("TempC_SHT", <f64>s16be(7) / 10);
    kNum("Hum_SHT", <f64>u16be(9) / 10);
  } else if (mode == 31) {
    kStr("Work_mode", "ALARM");
    kNum("SHTTEMPMIN", sbyte(3));
    kNum("SHTTEMPMAX", sbyte(4));
    kNum("SHTHUMMIN", byte(5));
    kNum("SHTHUMMAX", byte(6));
    kNum("CO2MIN", u16be(7));
    kNum("CO2MAX", u16be(9));
  } else {
    known = false;
  }
  close();
  if (!known) warn("work mode not decoded");
  return P.OK;
}
