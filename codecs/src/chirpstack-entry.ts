// Entry of the ChirpStack / The Things Stack scripts: the wasm2js translation of codecs.wasm
// driven by the same runtime as everywhere else. The build defines the profile and a catalog
// trimmed to it (CIGALE_SCRIPT), so a script carries only its own profile's names.
import * as engine from "../build/codecs.wasm2js.js";
import type { CatalogLayout } from "../profiles/catalog.ts";
import type { NumberField } from "../profiles/schema.ts";
import { Codec } from "./codec.ts";
import type { ProfileId } from "./data.ts";
import { asEngine } from "./engine.ts";
import { Layouts } from "./layouts.ts";
import { ts013 } from "./ts013.ts";

declare const CIGALE_SCRIPT: {
  profile: { id: ProfileId; code: number };
  layouts: Array<CatalogLayout | null>;
  refTargets: NumberField[];
  ttnKeys: string[];
};

const { profile, layouts, refTargets, ttnKeys } = CIGALE_SCRIPT;
const catalog = { layouts, refTargets: new Map([[profile.code, refTargets]]) };
const codec = new Codec(asEngine(engine as unknown as Record<string, unknown>), new Layouts(catalog, [profile]));

export const api = ts013(codec, profile.id, new Set(ttnKeys));
