// Sensative Strips (vendor/sensative/strips.js). fPort 1: history sequence number u16 BE, then
// [type u8][value] pairs; type bit 7 marks an entry replayed from history (prevHistSeqNr − 1).
// Most readings are wrapped as {value}; battery is a bare percentage.
import { close, fail, kBool, kNum, kObject, openObject, s16be, truncated, u16be, byte, unknownPort, warnStopped } from "./io";
import * as P from "./protocol";

const BATTERY = 1; // u8 %
const TEMPERATURE = 2; // s16 /10 °C
const TEMPERATURE_ALARM = 3; // bit 0 high, bit 1 low
const HUMIDITY = 6; // u8 /2 %
const LUX = 7; // u16 lx
const DOOR = 9; // bool
const FLOOD = 13; // u8 %
const FLOOD_ALARM = 14; // bool
const USER_SWITCH_1_ALARM = 16; // bool
const DOOR_COUNT = 17; // u16
const PRESENCE = 18; // bool

function valueSize(id: i32): i32 {
  switch (id) {
    case BATTERY:
    case TEMPERATURE_ALARM:
    case HUMIDITY:
    case DOOR:
    case FLOOD:
    case FLOOD_ALARM:
    case USER_SWITCH_1_ALARM:
    case PRESENCE:
      return 1;
    case TEMPERATURE:
    case LUX:
    case DOOR_COUNT:
      return 2;
  }
  return -1;
}

function wrapped(key: string, v: f64): void {
  kObject(key);
  kNum("value", v);
  close();
}
function wrappedBool(key: string, v: i32): void {
  kObject(key);
  kBool("value", v != 0);
  close();
}

export function sensativeUplink(port: i32, length: i32): i32 {
  if (port == 2) {
    return fail(P.ERR_UNSUPPORTED, "history frames (fPort 2) are not decoded: their timestamps depend on the time of decoding");
  }
  if (port != 1) return unknownPort();
  if (length < 2) return truncated(length, 0, 2);
  const sequence = u16be(0);
  let previous = <f64>sequence;
  openObject();
  kNum("historySeqNr", sequence);
  let i = 2;
  while (i < length) {
    const type = byte(i);
    const id = type & 0x7f;
    const size = valueSize(id);
    if (size < 0) {
      warnStopped("unknown type", type, i, length);
      break;
    }
    if (i + 1 + size > length) return truncated(length, i + 1, size);
    if (type & 0x80) previous -= 1;
    const v = i + 1;
    switch (id) {
      case BATTERY:
        kNum("battery", byte(v));
        break;
      case TEMPERATURE:
        wrapped("temperature", <f64>s16be(v) / 10);
        break;
      case TEMPERATURE_ALARM:
        kObject("tempAlarm");
        kBool("highAlarm", (byte(v) & 1) != 0);
        kBool("lowAlarm", (byte(v) & 2) != 0);
        close();
        break;
      case HUMIDITY:
        wrapped("humidity", <f64>byte(v) / 2);
        break;
      case LUX:
        wrapped("lux", u16be(v));
        break;
      case DOOR:
        wrappedBool("door", byte(v));
        break;
      case FLOOD:
        wrapped("flood", byte(v));
        break;
      case FLOOD_ALARM:
        wrappedBool("floodAlarm", byte(v));
        break;
      case USER_SWITCH_1_ALARM:
        wrappedBool("userSwitch1Alarm", byte(v));
        break;
      case DOOR_COUNT:
        wrapped("doorCount", u16be(v));
        break;
      case PRESENCE:
        wrappedBool("presence", byte(v));
        break;
    }
    i = v + size;
  }
  kNum("prevHistSeqNr", previous);
  close();
  return P.OK;
}
