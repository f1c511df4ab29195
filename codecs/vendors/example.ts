// The Things Network's reference Wind Sensor (vendor/example/windsensor.js): the generic TS013
// conformance example. Uplink fPort 1: direction index u8 (N, E, S, W), speed u8 in knots.
// Downlink fPort 2: LED colour index u8 (red, green).
import { arg, argIs, close, emit, fail, kNum, kStr, openObject, setPort, truncated, byte, unknownPort } from "./io";
import * as P from "./protocol";

const DIRECTIONS: StaticArray<string> = ["N", "E", "S", "W"];
const COLORS: StaticArray<string> = ["red", "green"];
const LED_PORT = 2;

export function windUplink(port: i32, length: i32): i32 {
  if (port != 1) return unknownPort();
  if (length < 2) return truncated(length, 0, 2);
  const direction = byte(0);
  if (direction > 3) return fail(P.ERR_INVALID_FRAME, "invalid direction");
  openObject();
  kStr("direction", unchecked(DIRECTIONS[direction]));
  kNum("speed", byte(1));
  close();
  return P.OK;
}

export function windEncodeDownlink(): i32 {
  const led = arg("led");
  for (let i = 0; i < COLORS.length; i++) {
    if (argIs(led, unchecked(COLORS[i]))) {
      emit(i);
      setPort(LED_PORT);
      return P.OK;
    }
  }
  return fail(P.ERR_INVALID_INPUT, "invalid LED color");
}

export function windDecodeDownlink(port: i32, length: i32): i32 {
  if (port != LED_PORT) return unknownPort();
  if (length < 1) return truncated(length, 0, 1);
  const color = byte(0);
  if (color >= COLORS.length) return fail(P.ERR_INVALID_FRAME, "invalid LED color");
  openObject();
  kStr("led", unchecked(COLORS[color]));
  close();
  return P.OK;
}
