// Entry of the vendor decoders' WebAssembly module. The host writes a frame into `input` (or the
// downlink arguments into `args`), calls decodeUplink / decodeDownlink / encodeDownlink with a
// codec number (protocol.ts), then reads the status, the output tape, the messages and, for
// encodeDownlink, the bytes and fPort.
//
// FAMILY is set on the asc command line (--use FAMILY=n): 0 builds every family into
// vendors.wasm; n builds one family only (the ChirpStack scripts), the rest folds away.
import { adeunisUplink } from "./adeunis";
import { boschUplink } from "./bosch";
import { decentlabDecode, decentlabEncode, decentlabUplink } from "./decentlab";
import { laq4Uplink, lht65Uplink } from "./dragino";
import { elsysUplink } from "./elsys";
import { windDecodeDownlink, windEncodeDownlink, windUplink } from "./example";
import { imbuildingsUplink } from "./imbuildings";
import * as io from "./io";
import { milesightUplink } from "./milesight";
import { netvoxDecodeDownlink, netvoxEncodeDownlink, netvoxUplink } from "./netvox";
import * as P from "./protocol";
import { sensativeUplink } from "./sensative";

// @ts-ignore: decorator
@inline function has(family: i32): bool {
  // @ts-ignore: FAMILY comes from --use
  return FAMILY == 0 || FAMILY == family;
}

export function family(): i32 {
  // @ts-ignore: FAMILY comes from --use
  return FAMILY;
}

export function inputPtr(): usize {
  return io.input;
}
export function tapePtr(): usize {
  return io.tape;
}
export function numbersPtr(): usize {
  return io.numbers;
}
export function charsPtr(): usize {
  return io.chars;
}
export function messagesPtr(): usize {
  return io.messages;
}
export function outputPtr(): usize {
  return io.output;
}
export function argsPtr(): usize {
  return io.args;
}
export function argNumbersPtr(): usize {
  return io.argNumbers;
}
export function argCharsPtr(): usize {
  return io.argChars;
}
export function tapeLength(): i32 {
  return io.tapeLength;
}
export function messageCount(): i32 {
  return io.messageCount;
}
export function outputLength(): i32 {
  return io.outputLength;
}
export function outputPort(): i32 {
  return io.outputPort;
}

function start(length: i32): i32 {
  io.reset();
  if (length < 0 || length > P.MAX_INPUT) return io.fail(P.ERR_TOO_LONG, "payload longer than 256 bytes");
  return P.OK;
}

function finish(status: i32): i32 {
  if (io.overflow) {
    io.reset();
    return io.fail(P.ERR_OUTPUT_OVERFLOW, "decoded output too large");
  }
  if (status != P.OK && io.messageCount == 0) io.fail(status, "decoding failed");
  return status;
}

function unknownCodec(): i32 {
  return io.fail(P.ERR_UNKNOWN_CODEC, "unknown codec");
}

function noDownlink(): i32 {
  return io.fail(P.ERR_UNSUPPORTED, "this codec has no downlink");
}

/** Decodes the uplink of `length` bytes in `input` received on `port`. */
export function decodeUplink(codec: i32, port: i32, length: i32): i32 {
  const s = start(length);
  if (s != P.OK) return s;
  return finish(uplink(codec, port, length));
}

function uplink(codec: i32, port: i32, length: i32): i32 {
  const f = codec >> 4;
  if (has(P.FAMILY_ELSYS) && f == P.FAMILY_ELSYS && codec <= P.ELSYS_ELT_2) return elsysUplink(length);
  if (has(P.FAMILY_MILESIGHT) && f == P.FAMILY_MILESIGHT && codec <= P.MILESIGHT_VS121) return milesightUplink(codec, length);
  if (has(P.FAMILY_DECENTLAB) && f == P.FAMILY_DECENTLAB && codec <= P.DECENTLAB_DL_MBX) return decentlabUplink(codec, length);
  if (has(P.FAMILY_NETVOX) && f == P.FAMILY_NETVOX && codec <= P.NETVOX_R311W) return netvoxUplink(codec, port, length);
  if (has(P.FAMILY_BOSCH) && codec == P.BOSCH_TPS110) return boschUplink(port, length);
  if (has(P.FAMILY_IMBUILDINGS) && codec == P.IMBUILDINGS_PEOPLE_COUNTER) return imbuildingsUplink(length);
  if (has(P.FAMILY_ADEUNIS) && codec == P.ADEUNIS_PULSE) return adeunisUplink(length);
  if (has(P.FAMILY_SENSATIVE) && codec == P.SENSATIVE_STRIPS) return sensativeUplink(port, length);
  if (has(P.FAMILY_DRAGINO) && codec == P.DRAGINO_LHT65) return lht65Uplink(port, length);
  if (has(P.FAMILY_DRAGINO) && codec == P.DRAGINO_LAQ4) return laq4Uplink(port, length);
  if (has(P.FAMILY_EXAMPLE) && codec == P.EXAMPLE_WINDSENSOR) return windUplink(port, length);
  return unknownCodec();
}

/** Encodes a downlink from the `count` arguments the host wrote into `args`. */
export function encodeDownlink(codec: i32, count: i32): i32 {
  io.reset();
  io.setArgCount(count);
  const f = codec >> 4;
  let status: i32;
  if (has(P.FAMILY_DECENTLAB) && f == P.FAMILY_DECENTLAB && codec <= P.DECENTLAB_DL_MBX) status = decentlabEncode();
  else if (has(P.FAMILY_NETVOX) && f == P.FAMILY_NETVOX && codec <= P.NETVOX_R311W) status = netvoxEncodeDownlink(codec);
  else if (has(P.FAMILY_EXAMPLE) && codec == P.EXAMPLE_WINDSENSOR) status = windEncodeDownlink();
  else status = noDownlink();
  if (status != P.OK) io.clearOutput();
  return finish(status);
}

/** Decodes a downlink of `length` bytes in `input` sent on `port` (the inverse of encodeDownlink). */
export function decodeDownlink(codec: i32, port: i32, length: i32): i32 {
  const s = start(length);
  if (s != P.OK) return s;
  const f = codec >> 4;
  let status: i32;
  if (has(P.FAMILY_DECENTLAB) && f == P.FAMILY_DECENTLAB && codec <= P.DECENTLAB_DL_MBX) status = decentlabDecode(port, length);
  else if (has(P.FAMILY_NETVOX) && f == P.FAMILY_NETVOX && codec <= P.NETVOX_R311W) status = netvoxDecodeDownlink(codec, port, length);
  else if (has(P.FAMILY_EXAMPLE) && codec == P.EXAMPLE_WINDSENSOR) status = windDecodeDownlink(port, length);
  else status = noDownlink();
  return finish(status);
}
