// The Cigale frame engine: one table-driven encoder and decoder for every profile and message.
// Frames: a header byte (format version in bits 7–5; sample count − 1 for measurements, command
// code for config frames), then fields bit-packed MSB first at their declared resolution.
import { allOnes, bitsLeft, bitsWritten, readBits, readOverrun, startReading, startWriting, unzigzag, widthOf, writeBits, writeOverrun, zigzag } from "./bits";
import * as P from "./protocol";
import {
  fieldBits,
  fieldCodeCount,
  fieldEnumCount,
  fieldKind,
  fieldMin,
  fieldScale,
  fieldStep,
  findLayout,
  latestVersion,
  layoutField,
  layoutFieldCount,
  layoutFieldStart,
  layoutSparse,
  layoutSub,
  profileExists,
  refTarget,
  widthOfField,
} from "./tables";

/** Frame bytes in (decode) and out (encode). */
export const frameIn = memory.data(P.MAX_FRAME);
export const frameOut = memory.data(P.MAX_FRAME);
/** Physical values, sample-major: values[sample × MAX_FIELDS + field]; NaN = absent. */
export const values = memory.data(P.MAX_FIELDS * P.MAX_SAMPLES * 8);
/** Field codes of the frame being processed, same indexing as `values`. */
const codes = memory.data(P.MAX_FIELDS * P.MAX_SAMPLES * 8);
/** Marks a field left out of a sparse frame (codes are whole numbers ≥ 0 held in f64). */
const NOT_PRESENT: f64 = -1;

// Result registers, read by the host after decode/encode.
export let resultLayout: i32 = -1;
export let resultVersion: i32 = 0;
export let resultCount: i32 = 0;
export let resultInterval: i32 = 0;
/** Age in seconds of the newest sample of a delayed measurement, −1 when the frame has none. */
export let resultAge: i32 = -1;
export let resultCommand: i32 = 0;
export let resultWarnings: i32 = 0;
export let resultTrailingBytes: i32 = 0;
export let errorField: i32 = -1;
export let errorSample: i32 = -1;
export let errorDetail: f64 = 0;

function reset(): void {
  resultLayout = -1;
  resultVersion = 0;
  resultCount = 0;
  resultInterval = 0;
  resultAge = -1;
  resultCommand = 0;
  resultWarnings = 0;
  resultTrailingBytes = 0;
  errorField = -1;
  errorSample = -1;
  errorDetail = 0;
}

function fail(code: i32, field: i32 = -1, sample: i32 = -1, detail: f64 = 0): i32 {
  errorField = field;
  errorSample = sample;
  errorDetail = detail;
  return code;
}

// @ts-ignore: decorator
@inline function codeAt(sample: i32, field: i32): f64 {
  return load<f64>(codes + (<usize>(sample * P.MAX_FIELDS + field) << 3));
}
// @ts-ignore: decorator
@inline function setCode(sample: i32, field: i32, code: f64): void {
  store<f64>(codes + (<usize>(sample * P.MAX_FIELDS + field) << 3), code);
}
// @ts-ignore: decorator
@inline function valueAt(sample: i32, field: i32): f64 {
  return load<f64>(values + (<usize>(sample * P.MAX_FIELDS + field) << 3));
}
// @ts-ignore: decorator
@inline function setValue(sample: i32, field: i32, value: f64): void {
  store<f64>(values + (<usize>(sample * P.MAX_FIELDS + field) << 3), value);
}

/**
 * Decodes `length` bytes of `frameIn` sent on `port` to (downlink ≠ 0) or from a device of
 * `profile`; returns 0 or an error code.
 */
export function decode(profile: i32, port: i32, length: i32, downlink: i32): i32 {
  reset();
  if (length <= 0) return fail(P.ERR_EMPTY);
  if (length > P.MAX_FRAME) return fail(P.ERR_TOO_LARGE, -1, -1, <f64>length);
  if (!profileExists(profile)) return fail(P.ERR_UNKNOWN_PROFILE, -1, -1, <f64>profile);
  startReading(frameIn, length);
  const header = <i32>readBits(8);
  let version = header >>> 5;
  const low = header & 31;
  let kind: i32;
  let count = 1;
  if (downlink != 0) {
    if (port != P.PORT_CONFIG) return fail(P.ERR_UNSUPPORTED_PORT, -1, -1, <f64>port);
    const layout = findLayout(profile, P.KIND_COMMAND, low);
    if (layout < 0) return fail(P.ERR_UNKNOWN_COMMAND, -1, -1, <f64>low);
    if (version != P.COMMAND_VERSION) return fail(P.ERR_UNKNOWN_VERSION, -1, -1, <f64>version);
    resultLayout = layout;
    resultVersion = version;
    resultCount = 1;
    resultCommand = low;
    return decodeBody(profile, layout, 1);
  }
  if (port == P.PORT_MEASUREMENT) {
    kind = P.KIND_MEASUREMENT;
    count = low + 1;
  } else if (port == P.PORT_STATUS) {
    kind = P.KIND_STATUS;
  } else if (port == P.PORT_ALARM) {
    kind = P.KIND_ALARM;
  } else if (port == P.PORT_CONFIG) {
    kind = P.KIND_ACK;
  } else {
    return fail(P.ERR_UNSUPPORTED_PORT, -1, -1, <f64>port);
  }
  if (kind == P.KIND_MEASUREMENT && version == P.VERSION_DELAYED) {
    version = <i32>readBits(P.VERSION_BITS);
    const age = <i32>readBits(P.AGE_BITS);
    if (readOverrun) return fail(P.ERR_TRUNCATED);
    resultAge = age;
  }
  const layout = findLayout(profile, kind, version);
  if (layout < 0) return fail(P.ERR_UNKNOWN_VERSION, -1, -1, <f64>version);
  if ((kind == P.KIND_STATUS || kind == P.KIND_ALARM) && low != 0) return fail(P.ERR_RESERVED_BITS, -1, -1, <f64>low);
  if (kind == P.KIND_ACK) {
    if (findLayout(profile, P.KIND_COMMAND, low) < 0) return fail(P.ERR_UNKNOWN_COMMAND, -1, -1, <f64>low);
    resultCommand = low;
  }
  if (count > 1) {
    resultInterval = <i32>readBits(16);
    if (readOverrun) return fail(P.ERR_TRUNCATED);
    if (resultInterval == 0) return fail(P.ERR_BAD_INTERVAL);
  }
  resultLayout = layout;
  resultVersion = version;
  resultCount = count;
  return decodeBody(profile, layout, count);
}

/** Decodes the fields of a frame body, then turns codes into values. */
function decodeBody(profile: i32, layout: i32, count: i32): i32 {
  const start = layoutFieldStart(layout);
  const n = layoutFieldCount(layout);
  const present: u32 = layoutSparse(layout) ? readBits(n) : <u32>allOnes(n);
  if (readOverrun) return fail(P.ERR_TRUNCATED);
  // First sample: every present field at full width.
  let target = -1;
  for (let i = 0; i < n; i++) {
    const field = layoutField(start + i);
    if (((present >>> <u32>(n - 1 - i)) & 1) == 0) {
      setCode(0, i, NOT_PRESENT);
      continue;
    }
    const code = <f64>readBits(widthOfField(field, target));
    if (readOverrun) return fail(P.ERR_TRUNCATED, i, 0);
    setCode(0, i, code);
    if (fieldKind(field) == P.FIELD_REF_KEY) {
      target = code == allOnes(fieldBits(field)) ? -1 : refTarget(profile, <i32>code);
      if (target < 0 && code != allOnes(fieldBits(field))) return fail(P.ERR_INVALID_CODE, i, 0, <f64>code);
    }
  }
  // Further samples: one column per field, raw or zigzag deltas of a declared width.
  for (let i = 0; i < n && count > 1; i++) {
    const first = codeAt(0, i);
    if (first == NOT_PRESENT) {
      for (let s = 1; s < count; s++) setCode(s, i, NOT_PRESENT);
      continue;
    }
    const bits = fieldBits(layoutField(start + i));
    const mode = <i32>readBits(4);
    let previous = first;
    for (let s = 1; s < count; s++) {
      let code: f64;
      if (mode == P.MODE_RAW) {
        code = <f64>readBits(bits);
      } else {
        code = previous + unzigzag(<f64>readBits(mode));
        if (code < 0 || code > allOnes(bits)) return fail(P.ERR_INVALID_CODE, i, s, code);
      }
      if (readOverrun) return fail(P.ERR_TRUNCATED, i, s);
      setCode(s, i, code);
      previous = code;
    }
  }
  const status = codesToValues(profile, start, n, count);
  if (status != P.OK) return status;
  const trailing = bitsLeft();
  if (trailing >= 8) {
    resultWarnings |= P.WARN_TRAILING_BYTES;
    resultTrailingBytes = trailing >> 3;
  }
  return P.OK;
}

function codesToValues(profile: i32, start: i32, n: i32, count: i32): i32 {
  for (let s = 0; s < count; s++) {
    let target = -1;
    for (let i = 0; i < n; i++) {
      const field = layoutField(start + i);
      const code = codeAt(s, i);
      if (code == NOT_PRESENT) {
        setValue(s, i, NaN);
        continue;
      }
      const kind = fieldKind(field);
      const spec = kind == P.FIELD_REF_VALUE ? target : field;
      if (spec < 0) {
        setValue(s, i, NaN); // a ref with nothing referenced
        continue;
      }
      const absent = code == allOnes(fieldBits(spec)) && kind != P.FIELD_BOOLEAN && kind != P.FIELD_VERSION;
      if (!absent && code >= fieldCodeCount(spec)) return fail(P.ERR_INVALID_CODE, i, s, code);
      if (kind == P.FIELD_REF_KEY) target = absent ? -1 : refTarget(profile, <i32>code);
      setValue(s, i, absent ? NaN : kind == P.FIELD_NUMBER || kind == P.FIELD_REF_VALUE ? codeToNumber(spec, code) : code);
    }
  }
  return P.OK;
}

/** The physical value of a valid number code. */
// @ts-ignore: decorator
@inline function codeToNumber(field: i32, code: f64): f64 {
  // Integer arithmetic then one division by a power of ten: the result is the double nearest
  // the decimal value, so 10132 / 10 prints as 1013.2, never 1013.2000000000001.
  return (fieldMin(field) + code * fieldStep(field)) / fieldScale(field);
}

/**
 * Encodes `count` samples from `values` as a frame in `frameOut`; returns its length in bytes,
 * or −(error code). `sub` is the format version (0 = latest) or, for commands, the command code.
 * `age` ≥ 0 (measurements only) writes a delayed frame carrying the age in seconds of its newest
 * sample; −1 writes a plain frame.
 */
export function encode(profile: i32, kind: i32, sub: i32, count: i32, interval: i32, command: i32, age: i32): i32 {
  reset();
  if (!profileExists(profile)) return -fail(P.ERR_UNKNOWN_PROFILE, -1, -1, <f64>profile);
  let layout: i32;
  if (kind == P.KIND_COMMAND) {
    layout = findLayout(profile, kind, sub);
    if (layout < 0) return -fail(P.ERR_UNKNOWN_COMMAND, -1, -1, <f64>sub);
    command = sub;
  } else {
    const version = sub == 0 ? latestVersion(profile, kind) : sub;
    layout = findLayout(profile, kind, version);
    if (layout < 0) return -fail(P.ERR_UNKNOWN_VERSION, -1, -1, <f64>version);
    if (kind == P.KIND_ACK && findLayout(profile, P.KIND_COMMAND, command) < 0) {
      return -fail(P.ERR_UNKNOWN_COMMAND, -1, -1, <f64>command);
    }
  }
  if (count < 1 || count > P.MAX_SAMPLES || (count > 1 && kind != P.KIND_MEASUREMENT)) {
    return -fail(P.ERR_SAMPLE_COUNT, -1, -1, <f64>count);
  }
  if (count > 1 && (interval < 1 || interval > 65535)) return -fail(P.ERR_BAD_INTERVAL, -1, -1, <f64>interval);
  if (age >= 0 && (kind != P.KIND_MEASUREMENT || age > P.MAX_AGE)) return -fail(P.ERR_OUT_OF_RANGE, -1, -1, <f64>age);
  resultLayout = layout;
  const status = quantizeAll(profile, layout, count);
  if (status != P.OK) return -status;
  return writeFrame(profile, kind, layout, count, interval, command, age);
}

/** Turns the values of `count` samples into codes, checking each against its declared range. */
function quantizeAll(profile: i32, layout: i32, count: i32): i32 {
  const start = layoutFieldStart(layout);
  const n = layoutFieldCount(layout);
  for (let s = 0; s < count; s++) {
    let target = -1;
    for (let i = 0; i < n; i++) {
      const field = layoutField(start + i);
      const value = valueAt(s, i);
      const kind = fieldKind(field);
      let code: f64;
      if (kind == P.FIELD_NUMBER || kind == P.FIELD_REF_VALUE) {
        const spec = kind == P.FIELD_NUMBER ? field : target;
        if (spec < 0) {
          if (!isNaN(value)) return fail(P.ERR_MISSING_REF, i, s, value);
          code = 0;
        } else {
          code = quantize(spec, value);
          if (code < 0) return fail(<i32>-code, i, s, value);
        }
      } else if (kind == P.FIELD_BOOLEAN) {
        code = isNaN(value) || value == 0 ? 0 : 1;
      } else {
        // enum, version, fieldRef: a whole index
        const bits = fieldBits(field);
        if (isNaN(value)) {
          code = kind == P.FIELD_VERSION ? 0 : allOnes(bits);
        } else {
          const limit = kind == P.FIELD_ENUM ? <f64>fieldEnumCount(field) : allOnes(bits) + (kind == P.FIELD_VERSION ? 1 : 0);
          if (value != Math.floor(value) || value < 0 || value >= limit) return fail(P.ERR_OUT_OF_RANGE, i, s, value);
          code = value;
        }
        if (kind == P.FIELD_REF_KEY) {
          target = code == allOnes(bits) ? -1 : refTarget(profile, <i32>code);
          if (target < 0 && code != allOnes(bits)) return fail(P.ERR_OUT_OF_RANGE, i, s, value);
        }
      }
      setCode(s, i, code);
    }
  }
  return P.OK;
}

/** The code of a number value (≥ 0), or −(error code). */
function quantize(field: i32, value: f64): f64 {
  if (isNaN(value)) return allOnes(fieldBits(field));
  if (!isFinite(value)) return -P.ERR_NOT_A_NUMBER;
  const code = Math.round((value * fieldScale(field) - fieldMin(field)) / fieldStep(field));
  if (code < 0 || code >= fieldCodeCount(field)) return -P.ERR_OUT_OF_RANGE;
  return code == 0 ? 0 : code; // no −0
}

function writeFrame(profile: i32, kind: i32, layout: i32, count: i32, interval: i32, command: i32, age: i32): i32 {
  const start = layoutFieldStart(layout);
  const n = layoutFieldCount(layout);
  const version = kind == P.KIND_COMMAND ? P.COMMAND_VERSION : layoutSub(layout);
  const low = kind == P.KIND_MEASUREMENT ? count - 1 : kind == P.KIND_ACK || kind == P.KIND_COMMAND ? command : 0;
  startWriting(frameOut, P.MAX_PAYLOAD);
  if (age >= 0) {
    writeBits(<u32>((P.VERSION_DELAYED << 5) | low), 8);
    writeBits(<u32>version, P.VERSION_BITS);
    writeBits(<u32>age, P.AGE_BITS);
  } else {
    writeBits(<u32>((version << 5) | low), 8);
  }
  if (count > 1) writeBits(<u32>interval, 16);
  let present: u32 = <u32>allOnes(n);
  if (layoutSparse(layout)) {
    present = 0;
    for (let i = 0; i < n; i++) {
      let any = false;
      for (let s = 0; s < count && !any; s++) any = !isNaN(valueAt(s, i));
      if (any) present |= <u32>1 << <u32>(n - 1 - i);
    }
    writeBits(present, n);
  }
  let target = -1;
  for (let i = 0; i < n; i++) {
    if (((present >>> <u32>(n - 1 - i)) & 1) == 0) continue;
    const field = layoutField(start + i);
    const code = codeAt(0, i);
    writeBits(<u32>code, widthOfField(field, target));
    if (fieldKind(field) == P.FIELD_REF_KEY) target = code == allOnes(fieldBits(field)) ? -1 : refTarget(profile, <i32>code);
  }
  for (let i = 0; i < n && count > 1; i++) {
    if (((present >>> <u32>(n - 1 - i)) & 1) == 0) continue;
    const bits = fieldBits(layoutField(start + i));
    let width = 0;
    for (let s = 1; s < count; s++) {
      const w = widthOf(zigzag(codeAt(s, i) - codeAt(s - 1, i)));
      if (w > width) width = w;
    }
    if (width >= bits || width >= P.MODE_RAW) {
      writeBits(P.MODE_RAW, 4);
      for (let s = 1; s < count; s++) writeBits(<u32>codeAt(s, i), bits);
    } else {
      writeBits(<u32>width, 4);
      for (let s = 1; s < count; s++) writeBits(<u32>zigzag(codeAt(s, i) - codeAt(s - 1, i)), width);
    }
  }
  if (writeOverrun) return -fail(P.ERR_TOO_LARGE);
  return (bitsWritten() + 7) >> 3;
}

/**
 * How many of the first `count` samples in `values` fit in `maxBytes` (a data rate's payload
 * limit): the largest k whose frame fits, or −(error code) when even one sample cannot be encoded.
 * `age` as for encode (a delayed frame's header is three bytes longer).
 */
export function fitSamples(profile: i32, count: i32, interval: i32, maxBytes: i32, age: i32): i32 {
  for (let k = count; k >= 1; k--) {
    const length = encode(profile, P.KIND_MEASUREMENT, 0, k, interval, 0, age);
    if (length < 0 && -length != P.ERR_TOO_LARGE) return length;
    if (length >= 0 && length <= maxBytes) return k;
  }
  return 0;
}
