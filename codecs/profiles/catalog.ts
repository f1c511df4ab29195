import {
  COMMAND_VERSION,
  KIND_ACK,
  KIND_ALARM,
  KIND_COMMAND,
  KIND_MEASUREMENT,
  KIND_STATUS,
} from "../assembly/protocol.ts";
import { ACK, COMMANDS, STATUS, THRESHOLD_ALARM_FIELDS } from "./common.ts";
import { num } from "./fields.ts";
import { PROFILES } from "./index.ts";
import type { Field, NumberField, Profile } from "./schema.ts";

/**
 * The flat list of every frame layout the engine knows, in a fixed order. The generator writes
 * it into the WASM tables and the TypeScript runtime reads it back to name what the WASM
 * decoded: both sides see the same indices because both derive them here.
 */
export interface CatalogLayout {
  /** Profile code, or 0 for layouts every profile shares (status, ack, commands). */
  readonly profile: number;
  readonly kind: number;
  /** Format version; for commands, the command code. */
  readonly sub: number;
  readonly version: number;
  readonly sparse: boolean;
  readonly fields: readonly Field[];
  /** Command name, for command and ack layouts. */
  readonly command?: string;
}

export interface Catalog {
  /** Gaps (null) only in catalogs trimmed to one profile; positions are table indices. */
  readonly layouts: ReadonlyArray<CatalogLayout | null>;
  /** Per profile code: the number fields a `fieldRef` can name (thresholds), in stable order. */
  readonly refTargets: ReadonlyMap<number, readonly NumberField[]>;
}

/** The full catalog, no gaps: what the generator writes into the WASM tables. */
export interface FullCatalog extends Catalog {
  readonly layouts: readonly CatalogLayout[];
}

/** The downlink token that pairs a command with its acknowledgement. */
export const TOKEN = num("token", 0, 254, 1, "pairs a command with its acknowledgement");

export function buildCatalog(profiles: readonly Profile[] = PROFILES): FullCatalog {
  const layouts: CatalogLayout[] = [];
  const refTargets = new Map<number, readonly NumberField[]>();
  for (const p of profiles) {
    for (const l of p.measurement) {
      layouts.push({ profile: p.code, kind: KIND_MEASUREMENT, sub: l.version, version: l.version, sparse: !!l.sparse, fields: l.fields });
    }
    for (const l of p.alarm) {
      const fields = [...THRESHOLD_ALARM_FIELDS, ...l.fields];
      layouts.push({ profile: p.code, kind: KIND_ALARM, sub: l.version, version: l.version, sparse: !!l.sparse, fields });
    }
    refTargets.set(p.code, refTargetsOf(p));
  }
  for (const l of STATUS) {
    layouts.push({ profile: 0, kind: KIND_STATUS, sub: l.version, version: l.version, sparse: false, fields: l.fields });
  }
  for (const l of ACK) {
    layouts.push({ profile: 0, kind: KIND_ACK, sub: l.version, version: l.version, sparse: false, fields: l.fields });
  }
  COMMANDS.forEach((c, i) => {
    layouts.push({
      profile: 0,
      kind: KIND_COMMAND,
      sub: i + 1,
      version: COMMAND_VERSION,
      sparse: false,
      fields: [TOKEN, ...c.fields],
      command: c.name,
    });
  });
  return { layouts, refTargets };
}

/**
 * Number fields of every measurement layout the profile ever had, first appearance first, each
 * with its latest definition. Appending keeps old indices valid; changing a field's range is a
 * breaking change and needs a new key.
 */
function refTargetsOf(p: Profile): NumberField[] {
  const byKey = new Map<string, NumberField>();
  for (const l of p.measurement) {
    for (const f of l.fields) if (f.kind === "number") byKey.set(f.key, f);
  }
  return [...byKey.values()];
}
