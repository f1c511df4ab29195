import * as P from "../assembly/protocol.ts";
import type { Catalog, CatalogLayout } from "../profiles/catalog.ts";
import { codeCount, type Field, type NumberField } from "../profiles/schema.ts";

/** What the runtime needs to know of a profile: its id and its code in the engine tables. */
export interface ProfileRef {
  readonly id: string;
  readonly code: number;
}

/** A field prepared for the runtime: its key split once into the nested path. */
export interface RuntimeField {
  readonly field: Field;
  readonly path: readonly string[];
  readonly index: number;
}

export interface RuntimeLayout extends CatalogLayout {
  readonly index: number;
  readonly runtimeFields: readonly RuntimeField[];
}

export interface RuntimeProfile {
  readonly profile: ProfileRef;
  readonly refTargets: readonly NumberField[];
  readonly refIndex: ReadonlyMap<string, number>;
}

/**
 * The catalog as the runtime reads it. Layout positions are the engine's table indices; a
 * catalog trimmed to one profile (the ChirpStack scripts) keeps the positions with gaps.
 */
export class Layouts {
  readonly layouts: ReadonlyArray<RuntimeLayout | undefined>;
  private readonly profiles: ReadonlyMap<string, RuntimeProfile>;

  constructor(catalog: Catalog, profiles: readonly ProfileRef[]) {
    this.layouts = catalog.layouts.map((l, index) =>
      l ? { ...l, index, runtimeFields: l.fields.map((field, i) => ({ field, path: field.key.split("."), index: i })) } : undefined,
    );
    this.profiles = new Map(
      profiles.map((p) => {
        const refTargets = catalog.refTargets.get(p.code) ?? [];
        return [p.id, { profile: p, refTargets, refIndex: new Map(refTargets.map((f, i) => [f.key, i])) }];
      }),
    );
  }

  /** The runtime view of profile `id`, or undefined. */
  profile(id: string): RuntimeProfile | undefined {
    return this.profiles.get(id);
  }

  profileIds(): string[] {
    return [...this.profiles.keys()];
  }

  /** The layout for (profile, kind, version or command code). */
  find(profile: ProfileRef, kind: number, sub: number): RuntimeLayout | undefined {
    const owner = kind === P.KIND_STATUS || kind === P.KIND_ACK || kind === P.KIND_COMMAND ? 0 : profile.code;
    return this.present().find((l) => l.profile === owner && l.kind === kind && l.sub === sub);
  }

  latest(profile: ProfileRef, kind: number): RuntimeLayout | undefined {
    const owner = kind === P.KIND_STATUS || kind === P.KIND_ACK ? 0 : profile.code;
    let best: RuntimeLayout | undefined;
    for (const l of this.present()) if (l.profile === owner && l.kind === kind && (!best || l.sub > best.sub)) best = l;
    return best;
  }

  /** Names of the config commands, in code order. */
  commandNames(): string[] {
    return this.present().filter((l) => l.kind === P.KIND_COMMAND).map((l) => l.command as string);
  }

  private present(): RuntimeLayout[] {
    return this.layouts.filter((l): l is RuntimeLayout => l !== undefined);
  }

  commandCode(name: string): number | undefined {
    return this.present().find((l) => l.kind === P.KIND_COMMAND && l.command === name)?.sub;
  }

  commandName(code: number): string | undefined {
    return this.present().find((l) => l.kind === P.KIND_COMMAND && l.sub === code)?.command;
  }

  versionsOf(profile: ProfileRef, kind: number): number[] {
    const owner = kind === P.KIND_STATUS || kind === P.KIND_ACK ? 0 : profile.code;
    return this.present().filter((l) => l.profile === owner && l.kind === kind).map((l) => l.sub);
  }
}

/** "min…max (step s)" for messages. */
export function rangeText(f: Field): string | undefined {
  switch (f.kind) {
    case "number":
      return `${f.min}…${f.max} in steps of ${f.resolution} (${codeCount(f)} values)`;
    case "enum":
      return f.values.join(" | ");
    case "boolean":
      return "true | false";
    default:
      return undefined;
  }
}
