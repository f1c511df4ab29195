// Exports of firmware.wasm (the host ABI's other half, firmware/README.md).
import { frameIn } from "../../codecs/assembly/engine";

export { init, tick, onDownlink, onJoin, buffered, droppedSamples, reportingInterval, nextTransmission, threshold, pendingAlarms } from "./app";

/** Where the host writes a downlink's bytes before calling onDownlink (256 bytes). */
export function downlinkPtr(): usize {
  return frameIn;
}
