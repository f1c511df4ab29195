import { buildCatalog } from "../profiles/catalog.ts";
import { PROFILES } from "../profiles/index.ts";
import { QUANTITIES } from "../profiles/quantities.ts";
import { Layouts } from "./layouts.ts";

/** The runtime catalog of every profile, derived from codecs/profiles (what codecs.wasm was built from). */
export function defaultLayouts(): Layouts {
  return new Layouts(buildCatalog(), PROFILES);
}

/** Keys The Things Network's normalized payload schema accepts. */
export const TTN_KEYS: ReadonlySet<string> = new Set(QUANTITIES.filter((q) => q.origin === "ttn").map((q) => q.key));
