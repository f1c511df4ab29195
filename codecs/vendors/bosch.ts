// Bosch TPS110 Parking Lot Sensor (vendor/bosch/tpl110-0292.js, codec tps110-0292-codec.yaml).
// The fPort says what the frame is: 1 parking status, 2 heartbeat, 3 startup, 4 device
// information, 5 device usage (both raw), 6 debug.
import { beginText, close, endText, kArray, kBool, kNum, kStr, num, openObject, sbyte, str, text, textInt, truncated, u16le, u32le, byte, unknownPort } from "./io";
import * as P from "./protocol";

const RESET_CAUSES: StaticArray<string> = ["", "watchdog", "power on", "system request", "other"];

function occupied(b: i32): void {
  kBool("occupied", (b & 1) == 1);
}

/** A 12-bit debug code: low byte, then the low nibble of the next byte as bits 8–11. */
function debugCode(at: i32): i32 {
  return ((byte(at + 1) & 0x0f) << 8) | byte(at);
}

function rawBytes(type: string, length: i32): void {
  openObject();
  kStr("type", type);
  kArray("bytes");
  for (let i = 0; i < length; i++) num(byte(i));
  close();
  close();
}

export function boschUplink(port: i32, length: i32): i32 {
  switch (port) {
    case 1:
      if (length < 1) return truncated(length, 0, 1);
      openObject();
      kStr("type", "parking status");
      occupied(byte(0));
      close();
      return P.OK;
    case 2:
      if (length < 1) return truncated(length, 0, 1);
      openObject();
      kStr("type", "heartbeat");
      occupied(byte(0));
      if (length >= 2) kNum("temperature", sbyte(1)); // °C, signed
      close();
      return P.OK;
    case 3: {
      if (length < 17) return truncated(length, 0, 17);
      openObject();
      kStr("type", "startup");
      kArray("debugCodes");
      for (let at = 0; at <= 8; at += 4) {
        const code = debugCode(at);
        if (code != 0) num(code);
      }
      close();
      str("firmwareVersion");
      beginText();
      textInt(byte(12));
      text(".");
      textInt(byte(13));
      text(".");
      textInt(byte(14));
      endText();
      const cause = byte(15);
      if (cause >= 1 && cause <= 4) kStr("resetCause", unchecked(RESET_CAUSES[cause]));
      occupied(byte(16));
      close();
      return P.OK;
    }
    case 4:
      rawBytes("device information", length);
      return P.OK;
    case 5:
      rawBytes("device usage", length);
      return P.OK;
    case 6:
      if (length < 10) return truncated(length, 0, 10);
      openObject();
      kStr("type", "debug");
      kNum("timestamp", u32le(0));
      kNum("debugCode", debugCode(4));
      kNum("sequenceNumber", u16le(8));
      close();
      return P.OK;
  }
  return unknownPort();
}
