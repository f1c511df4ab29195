// IMBuildings People Counter (vendor/imbuildings/imbuildings.js), payload type 2 variant 6.
// [0] device type, [1] variant, [2..9] device id, [10] status, [11..12] battery u16 BE /100 V,
// [13..14] counter A, [15..16] counter B, [17] sensor status, [18..19] total A, [20..21] total B,
// [22] payload counter.
import { beginText, close, endText, failText, kNum, kStr, openObject, str, text, textHex2, textInt, truncated, u16be, byte } from "./io";
import * as P from "./protocol";

const PEOPLE_COUNTER = 2;
const VARIANT_6_LENGTH = 23;

export function imbuildingsUplink(length: i32): i32 {
  if (length < 2) return truncated(length, 0, 2);
  const type = byte(0);
  const variant = byte(1);
  if (type != PEOPLE_COUNTER || variant != 6) {
    beginText();
    text("unsupported payload type ");
    textInt(type);
    text(" variant ");
    textInt(variant);
    text(" (this codec decodes the People Counter, type 2 variant 6)");
    return failText(P.ERR_INVALID_FRAME);
  }
  if (length < VARIANT_6_LENGTH) return truncated(length, 0, VARIANT_6_LENGTH);
  openObject();
  kNum("device_type_identifier", type);
  kStr("device_type", "People Counter");
  kNum("device_type_variant", variant);
  str("device_id");
  beginText();
  for (let i = 2; i <= 9; i++) textHex2(byte(i));
  endText();
  kNum("device_status", byte(10));
  kNum("battery_voltage", <f64>u16be(11) / 100);
  kNum("counter_a", u16be(13));
  kNum("counter_b", u16be(15));
  kNum("sensor_status", byte(17));
  kNum("total_counter_a", u16be(18));
  kNum("total_counter_b", u16be(20));
  kNum("payload_counter", byte(22));
  close();
  return P.OK;
}
