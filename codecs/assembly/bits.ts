// MSB-first bit packing over the engine's static frame buffers. State lives in globals: the
// engine runs one frame at a time and the stub runtime never allocates. No 64-bit integers:
// wasm2js lowers i64 into pairs of i32 and the ChirpStack scripts would grow by a third.

let readBase: usize = 0;
let readPos: i32 = 0;
let readEnd: i32 = 0;
/** Set when a read ran past the end of the frame; the caller reports ERR_TRUNCATED. */
export let readOverrun = false;

export function startReading(base: usize, lengthBytes: i32): void {
  readBase = base;
  readPos = 0;
  readEnd = lengthBytes << 3;
  readOverrun = false;
}

export function bitsLeft(): i32 {
  return readEnd - readPos;
}

/** Reads `n` (0…32) bits as an unsigned integer; past the end it returns 0 and flags the overrun. */
export function readBits(n: i32): u32 {
  if (readPos + n > readEnd) {
    readOverrun = true;
    readPos = readEnd;
    return 0;
  }
  let value: u32 = 0;
  while (n > 0) {
    const offset = readPos & 7;
    const avail = 8 - offset;
    const take = n < avail ? n : avail;
    const byte = <u32>load<u8>(readBase + <usize>(readPos >>> 3));
    value = (value << <u32>take) | ((byte >> <u32>(avail - take)) & ((<u32>1 << <u32>take) - 1));
    readPos += take;
    n -= take;
  }
  return value;
}

let writeBase: usize = 0;
let writePos: i32 = 0;
let writeEnd: i32 = 0;
/** Set when a write did not fit the buffer; the caller reports ERR_TOO_LARGE. */
export let writeOverrun = false;

export function startWriting(base: usize, capacityBytes: i32): void {
  writeBase = base;
  writePos = 0;
  writeEnd = capacityBytes << 3;
  writeOverrun = false;
  memory.fill(base, 0, <usize>capacityBytes);
}

export function bitsWritten(): i32 {
  return writePos;
}

/** Appends the low `n` (0…32) bits of `value`, most significant first. */
export function writeBits(value: u32, n: i32): void {
  if (writePos + n > writeEnd) {
    writeOverrun = true;
    return;
  }
  while (n > 0) {
    const offset = writePos & 7;
    const room = 8 - offset;
    const put = n < room ? n : room;
    const chunk = (value >>> <u32>(n - put)) & ((<u32>1 << <u32>put) - 1);
    const at = writeBase + <usize>(writePos >>> 3);
    store<u8>(at, load<u8>(at) | <u8>(chunk << <u32>(room - put)));
    writePos += put;
    n -= put;
  }
}

/**
 * Zigzag maps signed deltas to unsigned codes so small negatives stay small: 0,−1,1,−2 → 0,1,2,3.
 * Codes are whole numbers held in f64 (exact up to 2^53): 32-bit fields have 33-bit deltas.
 */
export function zigzag(delta: f64): f64 {
  return delta >= 0 ? delta * 2 : -delta * 2 - 1;
}

export function unzigzag(code: f64): f64 {
  const half = Math.floor(code / 2);
  return code - half * 2 == 0 ? half : -half - 1;
}

/** Number of bits needed to write the whole number `x` ≥ 0 (0 for 0); 33 for anything ≥ 2^32. */
export function widthOf(x: f64): i32 {
  if (x >= 4294967296.0) return 33;
  const v = <u32>x;
  return v == 0 ? 0 : 32 - <i32>clz(v);
}

/** 2^bits − 1, the absent code of a field (bits ≤ 32). */
export function allOnes(bits: i32): f64 {
  return bits >= 32 ? 4294967295.0 : <f64>((<u32>1 << <u32>bits) - 1);
}
