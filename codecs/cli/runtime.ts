/** Loads the compiled codec lazily, so `--help`, `list` and `describe` work before `npm run build`. */
import type { Codec } from "../src/codec.ts";
import { ToolError } from "./errors.ts";

let loaded: Promise<Codec> | undefined;

export function loadCodec(): Promise<Codec> {
  loaded ??= import("../src/node.ts").then(
    (m) => m.codec,
    (e: unknown) => {
      throw new ToolError(`cannot load the codec engine: ${(e as Error).message}`);
    },
  );
  return loaded;
}
