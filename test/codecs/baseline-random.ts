/** Random valid inputs of the frame format, for the baseline ≡ codec tests (deterministic seeds). */
import { codeCount, decimalsOf, type Field, type NumberField } from "../../codecs/profiles/schema.ts";



type Json = Record<string, unknown>;

function put(target: Json, key: string, value: unknown): void {
  const path = key.split(".");
  let node = target;
  for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Json;
  node[path[path.length - 1] as string] = value;
}

const numberAt = (f: NumberField, code: number) => {
  const scale = 10 ** decimalsOf(f.resolution);
  return (Math.round(f.min * scale) + code * Math.round(f.resolution * scale)) / scale;
};

/** A random input for `fields`: every value on the field's grid, some left absent. */
export function randomInput(fields: readonly Field[], refTargets: readonly NumberField[], rnd: () => number, codes?: Map<string, number>): Json {
  const out: Json = {};
  let target: NumberField | undefined;
  for (const f of fields) {
    if (rnd() < 0.15 && f.kind !== "fieldRef") continue;
    switch (f.kind) {
      case "number": {
        const code = codes?.get(f.key) ?? Math.floor(rnd() * codeCount(f));
        put(out, f.key, numberAt(f, code));
        break;
      }
      case "boolean":
        put(out, f.key, rnd() < 0.5);
        break;
      case "enum":
        put(out, f.key, f.values[Math.floor(rnd() * f.values.length)]);
        break;
      case "version":
        put(out, f.key, [0, 0, 0].map(() => Math.floor(rnd() * 256)).join("."));
        break;
      case "fieldRef":
        target = rnd() < 0.2 ? undefined : refTargets[Math.floor(rnd() * refTargets.length)];
        if (target) put(out, f.key, target.key);
        break;
      case "ref":
        if (target) put(out, f.key, numberAt(target, Math.floor(rnd() * codeCount(target))));
        break;
    }
  }
  return out;
}

/** Samples whose codes walk (small deltas) or jump (raw columns). */
export function randomSamples(fields: readonly Field[], count: number, rnd: () => number): Json[] {
  const walk = rnd() < 0.7;
  const codes = new Map<string, number>();
  return Array.from({ length: count }, () => {
    for (const f of fields) {
      if (f.kind !== "number") continue;
      const n = codeCount(f);
      const previous = codes.get(f.key) ?? Math.floor(rnd() * n);
      const next = walk ? previous + Math.round((rnd() - 0.5) * 2 ** Math.floor(rnd() * 10)) : Math.floor(rnd() * n);
      codes.set(f.key, Math.min(n - 1, Math.max(0, next)));
    }
    return randomInput(fields, [], rnd, codes);
  });
}

