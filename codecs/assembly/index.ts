// The exports of codecs.wasm. The host writes frame bytes or values into the static buffers,
// calls decode/encode, then reads the result registers.
import * as engine from "./engine";
import { MAX_FIELDS, MAX_FRAME, MAX_SAMPLES } from "./protocol";

export { decode, encode, fitSamples } from "./engine";

export function frameInPtr(): usize {
  return engine.frameIn;
}
export function frameOutPtr(): usize {
  return engine.frameOut;
}
export function valuesPtr(): usize {
  return engine.values;
}
export function limits(): i32 {
  return (MAX_FRAME << 16) | (MAX_SAMPLES << 8) | MAX_FIELDS;
}
export function resultLayout(): i32 {
  return engine.resultLayout;
}
export function resultVersion(): i32 {
  return engine.resultVersion;
}
export function resultCount(): i32 {
  return engine.resultCount;
}
export function resultInterval(): i32 {
  return engine.resultInterval;
}
export function resultAge(): i32 {
  return engine.resultAge;
}
export function resultCommand(): i32 {
  return engine.resultCommand;
}
export function resultWarnings(): i32 {
  return engine.resultWarnings;
}
export function resultTrailingBytes(): i32 {
  return engine.resultTrailingBytes;
}
export function errorField(): i32 {
  return engine.errorField;
}
export function errorSample(): i32 {
  return engine.errorSample;
}
export function errorDetail(): f64 {
  return engine.errorDetail;
}
