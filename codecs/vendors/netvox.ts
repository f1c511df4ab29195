// Netvox RA07 series (RA0715 / R72615 / RA0715Y), R718AB, R311W
// (vendor/netvox/payload/ra0715_r72615_ra0715y_r72615a.js, r711_r718a_r718ab_r720a.js, r311w.js).
//
// Every frame is 11 bytes. fPort 6 reports: [0] version, [1] device type, [2] report type
// (0 = startup version report), [3] battery (bit 7 = low battery, volts = (b & 0x7F) / 10), then
// the device's readings. fPort 7: configuration commands and their responses, both directions.
import {
  arg,
  argIs,
  argScaled,
  argType,
  beginText,
  close,
  emit,
  emit16be,
  endText,
  fail,
  failText,
  kNum,
  kStr,
  num,
  openObject,
  outputLength,
  s16be,
  setPort,
  str,
  text,
  textDecimal,
  textHex2,
  truncated,
  u16be,
  u32be,
  byte,
  unknownPort,
  warnText,
} from "./io";
import * as P from "./protocol";

const FRAME = 11;
const PORT_REPORT = 6;
const PORT_CONFIG = 7;

const CONFIG_REPORT_REQ = 0x01;
const READ_CONFIG_REPORT_REQ = 0x02;
const CONFIG_REPORT_RSP = 0x81;
const READ_CONFIG_REPORT_RSP = 0x82;

const NO_SENSOR = "NoSensor";

/** The device name for device type `type` under codec `codec`, or null if the codec does not cover it. */
function deviceName(codec: i32, type: i32): string | null {
  if (codec == P.NETVOX_RA0715) {
    // "RA07 Series" as in ra0715-codec.yaml @65308d78 (the JS @0a254aaa says "RA07Series").
    if (type == 0x05) return "RA07 Series";
    if (type == 0x09) return "R726 Series";
    if (type == 0x0d) return "RA07**Y Series";
    return null;
  }
  if (codec == P.NETVOX_R718AB) return type == 0x13 ? "R718AB" : null;
  if (codec == P.NETVOX_R311W) return type == 0x06 ? "R311W" : null;
  return null;
}

function defaultType(codec: i32): i32 {
  return codec == P.NETVOX_RA0715 ? 0x05 : codec == P.NETVOX_R718AB ? 0x13 : 0x06;
}

function unknownDevice(type: i32): i32 {
  beginText();
  text("device type 0x");
  textHex2(type);
  text(" is not covered by this codec");
  return failText(P.ERR_INVALID_FRAME);
}

/** "Volt": a number, or "x(low battery)" when bit 7 is set. */
function volt(b: i32): void {
  str("Volt");
  if (b & 0x80) {
    beginText();
    textDecimal(b & 0x7f, 10);
    text("(low battery)");
    endText();
  } else {
    num(<f64>b / 10);
  }
}

/** An unsigned 16-bit slot: 0xFFFF means no sensor fitted. */
function slot(key: string, at: i32, divisor: f64): void {
  const raw = u16be(at);
  if (raw == 0xffff) kStr(key, NO_SENSOR);
  else kNum(key, <f64>raw / divisor);
}
/** A signed 16-bit slot (0xFFFF still means no sensor). */
function signedSlot(key: string, at: i32, divisor: f64): void {
  const raw = u16be(at);
  if (raw == 0xffff) kStr(key, NO_SENSOR);
  else kNum(key, <f64>s16be(at) / divisor);
}

/** RA07 series readings by report type; false for a report type this decoder does not know. */
function ra07Readings(report: i32): bool {
  switch (report) {
    case 1:
    case 2:
      slot("PM1_0", 4, 1);
      slot("PM2_5", 6, 1);
      slot("PM10", 8, 1);
      return true;
    case 3:
      slot("um0_3", 4, 1);
      slot("um0_5", 6, 1);
      slot("um1_0", 8, 1);
      return true;
    case 4:
      slot("um2_5", 4, 1);
      slot("um5_0", 6, 1);
      slot("um10", 8, 1);
      return true;
    case 5:
      slot("O3", 4, 10);
      slot("CO", 6, 10);
      slot("NO", 8, 10);
      return true;
    case 6:
      slot("NO2", 4, 10);
      slot("SO2", 6, 10);
      slot("H2S", 8, 10);
      return true;
    case 7:
      slot("CO2", 4, 10);
      slot("NH3", 6, 10);
      slot("Noise", 8, 10);
      return true;
    case 8:
      slot("PH", 4, 100);
      signedSlot("TempPH", 6, 100);
      signedSlot("ORP", 8, 1);
      return true;
    case 9:
      slot("NTU", 4, 10);
      signedSlot("TempNTU", 6, 100);
      slot("EC5SoildHumi", 8, 100);
      return true;
    case 10:
      // Layout of the last two slots unverified (the only example has them absent).
      slot("SoildHumi5TE", 4, 100);
      signedSlot("SoildTemp5TE", 6, 100);
      slot("WaterLevel", 8, 1);
      if (byte(10) == 0xff) kStr("EC5TE", NO_SENSOR);
      else kNum("EC5TE", byte(10));
      return true;
    case 11:
      signedSlot("TempLDO", 4, 100);
      slot("LDO_DO", 6, 100);
      slot("LDO_Sat", 8, 10);
      return true;
    case 12:
      signedSlot("Temperature", 4, 100);
      slot("Humidity", 6, 100);
      slot("WindSpeed", 8, 100);
      return true;
    case 13: {
      slot("WindDirection", 4, 1);
      const pressure = u32be(6);
      if (pressure == 4294967295.0) kStr("Atomsphere", NO_SENSOR);
      else kNum("Atomsphere", pressure / 100);
      return true;
    }
    case 14:
      slot("VOC", 4, 10);
      return true;
  }
  return false;
}

function warnReportType(report: i32): void {
  beginText();
  text("report type 0x");
  textHex2(report);
  text(" not decoded");
  warnText();
}

export function netvoxUplink(codec: i32, port: i32, length: i32): i32 {
  if (port != PORT_REPORT && port != PORT_CONFIG) return unknownPort();
  if (length < FRAME) return truncated(length, 0, FRAME);
  const type = byte(1);
  const device = deviceName(codec, type);
  if (device === null) return unknownDevice(type);
  if (port == PORT_CONFIG) return configUplink(codec, changetype<string>(device));
  openObject();
  kStr("Device", changetype<string>(device));
  const report = byte(2);
  if (report == 0) {
    kNum("SWver", <f64>byte(3) / 10);
    kNum("HWver", byte(4));
    str("Datecode");
    beginText();
    for (let i = 5; i <= 8; i++) textHex2(byte(i));
    endText();
    close();
    return P.OK;
  }
  volt(byte(3));
  let known = false;
  if (codec == P.NETVOX_RA0715) {
    known = ra07Readings(report);
  } else if (codec == P.NETVOX_R718AB && report == 1) {
    kNum("Temp", <f64>s16be(4) / 100);
    kNum("Humi", <f64>u16be(6) / 100);
    known = true;
  } else if (codec == P.NETVOX_R311W && report == 1) {
    kStr("WaterLeak_1", byte(4) == 0 ? "NoLeak" : "Leak");
    kStr("WaterLeak_2", byte(5) == 0 ? "NoLeak" : "Leak");
    known = true;
  }
  close();
  if (!known) warnReportType(report);
  return P.OK;
}

function configUplink(codec: i32, device: string): i32 {
  const cmd = byte(0);
  if (cmd == CONFIG_REPORT_RSP) {
    openObject();
    kStr("Cmd", "ConfigReportRsp");
    kStr("Device", device);
    kStr("Status", byte(2) == 0 ? "Success" : "Failure");
    close();
    return P.OK;
  }
  if (cmd == READ_CONFIG_REPORT_RSP) {
    openObject();
    kStr("Cmd", "ReadConfigReportRsp");
    kStr("Device", device);
    configValues(codec);
    close();
    return P.OK;
  }
  return unknownCommand(cmd);
}

function unknownCommand(cmd: i32): i32 {
  beginText();
  text("unknown command 0x");
  textHex2(cmd);
  return failText(P.ERR_INVALID_FRAME);
}

/** MinTime, MaxTime and the device's report-on-change thresholds (ConfigReportReq / ReadConfigReportRsp). */
function configValues(codec: i32): void {
  kNum("MinTime", u16be(2));
  kNum("MaxTime", u16be(4));
  if (codec == P.NETVOX_RA0715) return;
  kNum("BatteryChange", <f64>byte(6) / 10);
  if (codec != P.NETVOX_R718AB) return;
  kNum("TempChange", <f64>u16be(7) / 100);
  kNum("HumiChange", <f64>u16be(9) / 100);
}

export function netvoxDecodeDownlink(codec: i32, port: i32, length: i32): i32 {
  if (port != PORT_CONFIG) return unknownPort();
  if (length < FRAME) return truncated(length, 0, FRAME);
  const type = byte(1);
  const device = deviceName(codec, type);
  if (device === null) return unknownDevice(type);
  const cmd = byte(0);
  if (cmd != CONFIG_REPORT_REQ && cmd != READ_CONFIG_REPORT_REQ) return unknownCommand(cmd);
  openObject();
  kStr("Cmd", cmd == CONFIG_REPORT_REQ ? "ConfigReportReq" : "ReadConfigReportReq");
  kStr("Device", changetype<string>(device));
  if (cmd == CONFIG_REPORT_REQ) configValues(codec);
  close();
  return P.OK;
}

/** The device type named by the `Device` argument (default: the codec's main device), or −1. */
function argDevice(codec: i32): i32 {
  const a = arg("Device");
  if (argType(a) == 0) return defaultType(codec);
  for (let type = 0; type < 0x20; type++) {
    const name = deviceName(codec, type);
    if (name !== null && argIs(a, changetype<string>(name))) return type;
  }
  return -1;
}

export function netvoxEncodeDownlink(codec: i32): i32 {
  const c = arg("Cmd");
  const cmd = argIs(c, "ConfigReportReq") ? CONFIG_REPORT_REQ : argIs(c, "ReadConfigReportReq") ? READ_CONFIG_REPORT_REQ : -1;
  if (cmd < 0) return fail(P.ERR_INVALID_INPUT, "invalid Cmd: expected ConfigReportReq or ReadConfigReportReq");
  const type = argDevice(codec);
  if (type < 0) return fail(P.ERR_INVALID_INPUT, "invalid Device for this codec");
  emit(cmd);
  emit(type);
  if (cmd == CONFIG_REPORT_REQ) {
    const minTime = argScaled("MinTime", 1, 0, 65535);
    if (isNaN(minTime)) return fail(P.ERR_INVALID_INPUT, "invalid MinTime: expected 0…65535 seconds");
    const maxTime = argScaled("MaxTime", 1, 0, 65535);
    if (isNaN(maxTime)) return fail(P.ERR_INVALID_INPUT, "invalid MaxTime: expected 0…65535 seconds");
    emit16be(<i32>minTime);
    emit16be(<i32>maxTime);
    if (codec != P.NETVOX_RA0715) {
      const battery = argScaled("BatteryChange", 10, 0, 255);
      if (isNaN(battery)) return fail(P.ERR_INVALID_INPUT, "invalid BatteryChange: expected 0…25.5 V");
      emit(<i32>battery);
    }
    if (codec == P.NETVOX_R718AB) {
      const temp = argScaled("TempChange", 100, 0, 65535);
      if (isNaN(temp)) return fail(P.ERR_INVALID_INPUT, "invalid TempChange: expected 0…655.35 °C");
      const humi = argScaled("HumiChange", 100, 0, 65535);
      if (isNaN(humi)) return fail(P.ERR_INVALID_INPUT, "invalid HumiChange: expected 0…655.35 %");
      emit16be(<i32>temp);
      emit16be(<i32>humi);
    }
  }
  while (outputLength < FRAME) emit(0);
  setPort(PORT_CONFIG);
  return P.OK;
}
