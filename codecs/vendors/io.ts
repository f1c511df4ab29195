// Input reads and output writes shared by every vendor decoder. Everything lives in static
// buffers (memory.data) and module globals: the stub runtime never allocates, a call never
// traps, and the host reads the result straight out of linear memory.
//
// Output is a tape of 32-bit words describing one JSON value (see protocol.ts): the host walks it
// and builds the vendor-shaped object. Numbers travel as doubles, so the host gets the exact
// value the decoder computed — no decimal printing, no rounding.
import * as P from "./protocol";

// ————— input —————

/** Frame bytes (uplink or downlink) written by the host before a call. */
export const input = memory.data(P.MAX_INPUT);

// @ts-ignore: decorator
@inline export function byte(i: i32): i32 {
  return <i32>load<u8>(input + <usize>i);
}
// @ts-ignore: decorator
@inline export function sbyte(i: i32): i32 {
  return <i32>load<i8>(input + <usize>i);
}
export function u16be(i: i32): i32 {
  return (byte(i) << 8) | byte(i + 1);
}
export function s16be(i: i32): i32 {
  return <i32>(<i16>u16be(i));
}
export function u16le(i: i32): i32 {
  return byte(i) | (byte(i + 1) << 8);
}
export function s16le(i: i32): i32 {
  return <i32>(<i16>u16le(i));
}
/** Unsigned 32-bit values are returned as doubles (exact; no i64 in this module). */
export function u32be(i: i32): f64 {
  return <f64>(<u32>((byte(i) << 24) | (byte(i + 1) << 16) | (byte(i + 2) << 8) | byte(i + 3)));
}
export function u32le(i: i32): f64 {
  return <f64>(<u32>(byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) << 24)));
}

// ————— output tape —————

export const tape = memory.data(P.TAPE_WORDS * 4);
export const numbers = memory.data(P.MAX_NUMBERS * 8);
export const chars = memory.data(P.MAX_CHARS * 2);
export const messages = memory.data(P.MAX_MESSAGES * 16);
/** Encoded downlink bytes. */
export const output = memory.data(P.MAX_OUTPUT);

export let tapeLength = 0;
export let numberCount = 0;
export let charCount = 0;
export let messageCount = 0;
export let outputLength = 0;
export let outputPort = 0;
/** Set when a buffer filled up; the call then fails with ERR_OUTPUT_OVERFLOW. */
export let overflow = false;

export function reset(): void {
  tapeLength = 0;
  numberCount = 0;
  charCount = 0;
  messageCount = 0;
  outputLength = 0;
  outputPort = 0;
  overflow = false;
}

// @ts-ignore: decorator
@inline function put(word: i32): void {
  if (tapeLength >= P.TAPE_WORDS) {
    overflow = true;
    return;
  }
  store<i32>(tape + (<usize>tapeLength << 2), word);
  tapeLength++;
}

export function openObject(): void {
  put(P.OP_OBJECT);
}
export function openArray(): void {
  put(P.OP_ARRAY);
}
export function close(): void {
  put(P.OP_END);
}
export function str(s: string): void {
  put(P.OP_STRING);
  put(<i32>changetype<usize>(s));
  put(s.length);
}
export function num(v: f64): void {
  if (numberCount >= P.MAX_NUMBERS) {
    overflow = true;
    return;
  }
  store<f64>(numbers + (<usize>numberCount << 3), v);
  put(P.OP_NUMBER);
  put(numberCount);
  numberCount++;
}
export function boolean(v: bool): void {
  put(v ? P.OP_TRUE : P.OP_FALSE);
}
export function nil(): void {
  put(P.OP_NULL);
}

// Key–value shorthands for object members.
export function kNum(key: string, v: f64): void {
  str(key);
  num(v);
}
export function kStr(key: string, v: string): void {
  str(key);
  str(v);
}
export function kBool(key: string, v: bool): void {
  str(key);
  boolean(v);
}
export function kObject(key: string): void {
  str(key);
  openObject();
}
export function kArray(key: string): void {
  str(key);
  openArray();
}

// ————— strings built during a call (UTF-16 in `chars`) —————

let textStart = 0;

export function beginText(): void {
  textStart = charCount;
}
export function textChar(c: i32): void {
  if (charCount >= P.MAX_CHARS) {
    overflow = true;
    return;
  }
  store<u16>(chars + (<usize>charCount << 1), <u16>c);
  charCount++;
}
export function text(s: string): void {
  const base = changetype<usize>(s);
  for (let i = 0; i < s.length; i++) textChar(<i32>load<u16>(base + (<usize>i << 1)));
}
/** A whole number 0 … 2^53 in decimal. */
export function textUint(v: f64): void {
  if (v >= 10) textUint(Math.floor(v / 10));
  textChar(48 + <i32>(v - Math.floor(v / 10) * 10));
}
export function textInt(v: i32): void {
  if (v < 0) {
    textChar(45);
    textUint(-<f64>v);
  } else {
    textUint(<f64>v);
  }
}
/** Two lower-case hexadecimal digits. */
export function textHex2(b: i32): void {
  textChar(hexDigit((b >> 4) & 15));
  textChar(hexDigit(b & 15));
}
function hexDigit(d: i32): i32 {
  return d < 10 ? 48 + d : 87 + d;
}
/** Two decimal digits, zero-padded. */
export function text2(v: i32): void {
  textChar(48 + v / 10);
  textChar(48 + (v % 10));
}
/** Ends the string begun with beginText and writes it to the tape as a value (or a key). */
export function endText(): void {
  put(P.OP_TEXT);
  put(textStart);
  put(charCount - textStart);
}
/** Drops the string begun with beginText (used to build a name only to compare it). */
export function dropText(): void {
  charCount = textStart;
}
/** Whether the string begun with beginText equals the downlink argument string `arg`. */
export function textEqualsArg(arg: i32): bool {
  if (argType(arg) != P.ARG_STRING) return false;
  const n = charCount - textStart;
  const off = argValueOffset(arg);
  if (argValueLength(arg) != n || off < 0 || off + n > P.MAX_ARG_CHARS) return false;
  const a = chars + (<usize>textStart << 1);
  const b = argChars + (<usize>off << 1);
  for (let i = 0; i < n; i++) {
    if (load<u16>(a + (<usize>i << 1)) != load<u16>(b + (<usize>i << 1))) return false;
  }
  return true;
}

/**
 * A decimal fraction `units / divisor` as JavaScript prints it, for divisors 10 and 100 and
 * 0 ≤ units < 10^6 (Netvox's "3.6(low battery)" strings).
 */
export function textDecimal(units: i32, divisor: i32): void {
  textUint(<f64>(units / divisor));
  let frac = units % divisor;
  if (frac == 0) return;
  textChar(46);
  let scale = divisor / 10;
  while (frac != 0) {
    textChar(48 + frac / scale);
    frac = frac % scale;
    scale /= 10;
  }
}

/** `seconds` since 1970-01-01 as ISO 8601 with milliseconds and no zone ("2023-12-28T19:22:17.000"). */
export function textIsoLocal(seconds: f64): void {
  const days = Math.floor(seconds / 86400);
  let rest = <i32>(seconds - days * 86400);
  // Civil date from a day count (Howard Hinnant's algorithm), in 32-bit integers.
  const z = <i32>days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = doy - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  textUint(<f64>year);
  textChar(45);
  text2(month);
  textChar(45);
  text2(day);
  textChar(84);
  text2(rest / 3600);
  rest %= 3600;
  textChar(58);
  text2(rest / 60);
  textChar(58);
  text2(rest % 60);
  text(".000");
}

// ————— errors and warnings —————

function pushMessage(kind: i32, op: i32, at: i32, length: i32): void {
  if (messageCount >= P.MAX_MESSAGES) return;
  const m = messages + (<usize>messageCount << 4);
  store<i32>(m, kind);
  store<i32>(m, op, 4);
  store<i32>(m, at, 8);
  store<i32>(m, length, 12);
  messageCount++;
}

/** Records an error in the vendor's words and returns `status` (a failing ERR_ code). */
export function fail(status: i32, message: string): i32 {
  pushMessage(P.MESSAGE_ERROR, P.OP_STRING, <i32>changetype<usize>(message), message.length);
  return status;
}
/** Records the string begun with beginText as an error and returns `status`. */
export function failText(status: i32): i32 {
  pushMessage(P.MESSAGE_ERROR, P.OP_TEXT, textStart, charCount - textStart);
  return status;
}
export function warn(message: string): void {
  pushMessage(P.MESSAGE_WARNING, P.OP_STRING, <i32>changetype<usize>(message), message.length);
}
/** Records the string begun with beginText as a warning. */
export function warnText(): void {
  pushMessage(P.MESSAGE_WARNING, P.OP_TEXT, textStart, charCount - textStart);
}

/** The frame ends before `offset + size`: fails with "truncated frame: N bytes, field at M needs K". */
export function truncated(length: i32, offset: i32, size: i32): i32 {
  beginText();
  text("truncated frame: ");
  textInt(length);
  text(" bytes, but ");
  textInt(offset + size);
  text(" needed");
  return failText(P.ERR_TRUNCATED);
}

/** Warns that decoding stopped at `offset` and `length - offset` bytes were left undecoded. */
export function warnStopped(what: string, code: i32, offset: i32, length: i32): void {
  beginText();
  text("decoding stopped at ");
  text(what);
  text(" 0x");
  textHex2(code);
  text(" (offset ");
  textInt(offset);
  text("): ");
  textInt(length - offset);
  text(" bytes ignored");
  warnText();
}

export function unknownPort(): i32 {
  return fail(P.ERR_UNKNOWN_PORT, "unknown FPort");
}

// ————— downlink encoding —————

export function emit(b: i32): void {
  if (outputLength >= P.MAX_OUTPUT) {
    overflow = true;
    return;
  }
  store<u8>(output + <usize>outputLength, <u8>b);
  outputLength++;
}
export function emit16be(v: i32): void {
  emit((v >> 8) & 0xff);
  emit(v & 0xff);
}
/** Drops bytes emitted before a failure. */
export function clearOutput(): void {
  outputLength = 0;
  outputPort = 0;
}
export function setPort(port: i32): void {
  outputPort = port;
}

// ————— downlink arguments (the top-level members of the input object, written by the host) —————

export const args = memory.data(P.MAX_ARGS * 20);
export const argNumbers = memory.data(P.MAX_ARGS * 8);
export const argChars = memory.data(P.MAX_ARG_CHARS * 2);
export let argCount = 0;

export function setArgCount(n: i32): void {
  argCount = n < 0 ? 0 : n > P.MAX_ARGS ? P.MAX_ARGS : n;
}

// @ts-ignore: decorator
@inline function argWord(i: i32, w: i32): i32 {
  return load<i32>(args + <usize>(i * 20 + w * 4));
}
export function argType(i: i32): i32 {
  return i < 0 ? 0 : argWord(i, 2);
}
function argValueOffset(i: i32): i32 {
  return argWord(i, 3);
}
function argValueLength(i: i32): i32 {
  return argWord(i, 4);
}

/** Index of the argument named `key`, or −1. */
export function arg(key: string): i32 {
  const kb = changetype<usize>(key);
  const kn = key.length;
  for (let i = 0; i < argCount; i++) {
    const off = argWord(i, 0);
    if (argWord(i, 1) != kn || off < 0 || off + kn > P.MAX_ARG_CHARS) continue;
    let same = true;
    for (let c = 0; c < kn; c++) {
      if (load<u16>(argChars + (<usize>(off + c) << 1)) != load<u16>(kb + (<usize>c << 1))) {
        same = false;
        break;
      }
    }
    if (same) return i;
  }
  return -1;
}

/** The number of argument `i`, or NaN when it is absent or not a number. */
export function argNumber(i: i32): f64 {
  if (argType(i) != P.ARG_NUMBER) return NaN;
  return load<f64>(argNumbers + (<usize>i << 3));
}

/** Whether argument `i` is the string `s`. */
export function argIs(i: i32, s: string): bool {
  if (argType(i) != P.ARG_STRING) return false;
  const n = s.length;
  const off = argValueOffset(i);
  if (argValueLength(i) != n || off < 0 || off + n > P.MAX_ARG_CHARS) return false;
  const sb = changetype<usize>(s);
  for (let c = 0; c < n; c++) {
    if (load<u16>(argChars + (<usize>(off + c) << 1)) != load<u16>(sb + (<usize>c << 1))) return false;
  }
  return true;
}

/** A whole number in [min, max] from argument `key` times `scale` (rounded), or NaN. */
export function argScaled(key: string, scale: f64, min: f64, max: f64): f64 {
  const v = argNumber(arg(key));
  if (!isFinite(v)) return NaN;
  const scaled = Math.round(v * scale);
  return scaled < min || scaled > max ? NaN : scaled;
}
