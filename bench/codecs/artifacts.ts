/** Sizes of the build outputs against their limits. */
import { statSync } from "node:fs";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { CHIRPSTACK_SCRIPT_LIMIT } from "../../codecs/scripts/chirpstack-script.ts";
import { BUILD } from "./engines.ts";

/** Issue 2's budget for codecs.wasm (the same figure codecs/scripts/build.ts enforces). */
export const WASM_LIMIT = 32 * 1024;

export interface ArtifactRow {
  artifact: string;
  bytes: number;
  limit: number;
  /** bytes / limit. */
  share: number;
}

export function artifactSizes(): ArtifactRow[] {
  const row = (artifact: string, limit: number): ArtifactRow => {
    const bytes = statSync(new URL(artifact, BUILD)).size;
    return { artifact: `codecs/build/${artifact}`, bytes, limit, share: bytes / limit };
  };
  return [row("codecs.wasm", WASM_LIMIT), ...PROFILES.map((p) => row(`chirpstack/${p.id}.js`, CHIRPSTACK_SCRIPT_LIMIT))];
}
