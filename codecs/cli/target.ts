/**
 * What `decode` and `export-chirpstack` work on. Today a Cigale profile (`--profile <id>`); a
 * commercial-sensor codec (`--codec <id>`) is one more entry in TARGET_OPTIONS and one more branch
 * in each function below.
 */
import type { DecodeResult } from "../src/data.ts";
import type { OptionSpecs, OptionValues } from "./command.ts";
import { profileOption, PROFILE_IDS } from "./inputs.ts";
import { loadCodec } from "./runtime.ts";

export const TARGET_OPTIONS: OptionSpecs = {
  profile: { type: "string", short: "p", value: "<id>", help: `sensor profile: ${PROFILE_IDS.join(", ")}` },
};

export interface Decoder {
  /** What the payload is decoded as, for messages ("profile env"). */
  readonly label: string;
  decodeUplink(fPort: number, bytes: Uint8Array, recvTime?: Date): DecodeResult<unknown>;
  /** Undefined when the target has no downlink format. */
  decodeDownlink?(fPort: number, bytes: Uint8Array): DecodeResult<unknown>;
}

export async function decoderFor(values: OptionValues): Promise<Decoder> {
  const id = profileOption(values);
  const codec = await loadCodec();
  return {
    label: `profile ${id}`,
    decodeUplink: (fPort, bytes, recvTime) => codec.decodeUplink(id, fPort, bytes, recvTime ? { recvTime } : {}),
    decodeDownlink: (fPort, bytes) => codec.decodeDownlink(id, fPort, bytes),
  };
}

export interface ScriptSource {
  /** Default file name of the exported script. */
  readonly fileName: string;
  /** Writes the TS013 script to `outFile`; returns its size in bytes. */
  write(outFile: string): Promise<number>;
}

export async function scriptFor(values: OptionValues): Promise<ScriptSource> {
  const id = profileOption(values);
  const { buildChirpstackScript } = await import("../scripts/chirpstack-script.ts");
  return { fileName: `${id}.js`, write: (outFile) => buildChirpstackScript(id, outFile) };
}
