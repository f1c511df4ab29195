// Adeunis Pulse 4 (vendor/adeunis/pulse_lib.js, codec pulse-codec.yaml). The decoded object is
// wrapped in {bytes: …} like the vendor's.
//
// [0] frame code, [1] status: frame counter bits 7–5, bit 2 timestamp present, bit 1 low battery,
// bit 0 configuration done. With the timestamp bit, the last 4 bytes are a u32 BE count of seconds
// since 2013-01-01T00:00:00Z.
import {
  beginText,
  close,
  endText,
  failText,
  kArray,
  kBool,
  kNum,
  kObject,
  kStr,
  num,
  openObject,
  str,
  text,
  textHex2,
  textInt,
  textIsoLocal,
  truncated,
  u16be,
  u32be,
  byte,
  warnText,
} from "./io";
import * as P from "./protocol";

/** 2013-01-01T00:00:00Z in Unix seconds. */
const EPOCH_2013 = 1356998400.0;

function status(s: i32): void {
  kObject("status");
  kNum("frameCounter", (s >> 5) & 7);
  kBool("hardwareError", false);
  kBool("lowBattery", ((s >> 1) & 1) == 1);
  kBool("configurationDone", (s & 1) == 1);
  kBool("timestamp", ((s >> 2) & 1) == 1);
  close();
}

function frameType(code: i32): string | null {
  switch (code) {
    case 0x5a:
      return "0x5a Pulse 4 data - channel A";
    case 0x5b:
      return "0x5b Pulse 4 data - channel B";
    case 0x46:
      return "0x46 Pulse 4 data";
    case 0x47:
      return "0x47 Pulse 4 alarm";
    case 0x30:
      return "0x30 Pulse 4 keep alive";
    case 0x10:
      return "0x10 Pulse 4 configuration";
    case 0x11:
      return "0x11 Pulse 4 configuration";
    case 0x12:
      return "0x12 Pulse 4 configuration";
  }
  return null;
}

export function adeunisUplink(length: i32): i32 {
  if (length < 2) return truncated(length, 0, 2);
  const code = byte(0);
  const type = frameType(code);
  if (type === null) {
    beginText();
    text("unknown frame type 0x");
    textHex2(code);
    return failText(P.ERR_INVALID_FRAME);
  }
  const s = byte(1);
  const stamped = ((s >> 2) & 1) == 1;
  const end = stamped ? length - 4 : length;
  const needed = code == 0x5a || code == 0x5b ? 4 : code == 0x46 ? 8 : 0;
  if (end < 2 + needed) return truncated(length, 2, needed + (stamped ? 4 : 0));
  openObject();
  kObject("bytes");
  kStr("type", changetype<string>(type));
  status(s);
  if (stamped) {
    str("timestamp");
    beginText();
    textIsoLocal(EPOCH_2013 + u32be(end));
    endText();
  }
  let leftover = 0;
  if (code == 0x5a || code == 0x5b) {
    // Absolute index at t, then u16 differences back in time: t-1 = t − d1, t-2 = t-1 − d2, …
    kStr("decodingInfo", "counterValues: [t=0, t-1, t-2, ...]");
    kArray("counterValues");
    let value = u32be(2);
    num(value);
    let at = 6;
    while (at + 2 <= end) {
      value -= <f64>u16be(at);
      num(value);
      at += 2;
    }
    close();
    leftover = end - at;
  } else if (code == 0x46) {
    kNum("counterA", u32be(2));
    kNum("counterB", u32be(6));
    leftover = end - 10;
  } else if (end > 2) {
    // Alarm and configuration frames: content kept as hex, not interpreted.
    str("payload");
    beginText();
    for (let i = 2; i < end; i++) textHex2(byte(i));
    endText();
  }
  close();
  close();
  if (leftover > 0) {
    beginText();
    textInt(leftover);
    text(" trailing bytes ignored");
    warnText();
  }
  return P.OK;
}
