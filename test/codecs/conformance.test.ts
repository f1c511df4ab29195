// The one conformance suite (conformance.ts) against every build of the codec engine.
import { PROFILES } from "../../codecs/profiles/index.ts";
import type { ProfileId } from "../../codecs/src/data.ts";
import { type DecodeOutcome, describeConformance } from "./conformance.ts";
import { chirpstackScript, wasm2jsCodec, wasmCodec } from "./paths.ts";
import { type EntryPoint, runChirpStackScript } from "./quickjs.ts";

describeConformance("codecs.wasm", (profile, fPort, bytes) => wasmCodec.decodeUplink(profile as ProfileId, fPort, bytes), {
  decodeDownlink: (profile, fPort, bytes) => wasmCodec.decodeDownlink(profile as ProfileId, fPort, bytes),
});

describeConformance("wasm2js", (profile, fPort, bytes) => wasm2jsCodec.decodeUplink(profile as ProfileId, fPort, bytes), {
  decodeDownlink: (profile, fPort, bytes) => wasm2jsCodec.decodeDownlink(profile as ProfileId, fPort, bytes),
});

// The TS013 entry points of each profile's ChirpStack script, one fresh QuickJS-NG runtime per call.
// No recvTime here (it adds sample times the vectors leave out); quickjs.test.ts passes it.
const scripts = new Map(PROFILES.map((p) => [p.id as string, chirpstackScript(p.id)]));
const inQuickJs = (entry: EntryPoint) => (profile: string, fPort: number, bytes: Uint8Array): DecodeOutcome => {
  const out = runChirpStackScript(scripts.get(profile) as string, entry, { bytes: Array.from(bytes), fPort });
  if (!out.ok) throw new Error(`${profile}.js ${entry} threw: ${out.error}`);
  const { data, errors, warnings } = out.value as { data?: unknown; errors?: string[]; warnings?: string[] };
  return { data, errors: errors ?? [], ...(warnings ? { warnings } : {}) };
};

describeConformance("ChirpStack scripts in QuickJS-NG", inQuickJs("decodeUplink"), { decodeDownlink: inQuickJs("decodeDownlink") });
