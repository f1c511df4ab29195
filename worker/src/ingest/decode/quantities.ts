import { buildCatalog } from "@cigale/codecs/profiles/catalog";
import { decimalsOf, QUANTITIES } from "@cigale/codecs/profiles";
import type { QuantitySpec, ValueEncoding } from "../../store/quantities.ts";

/**
 * How each quantity of the codecs' registry is stored as a number in `readings.value`:
 * - number: × 10^decimals, decimals being the finest resolution any profile declares for the key
 *   (air.temperature 0.01 °C → 2: 21.35 is stored 2135), 2 for keys only commercial sensors use;
 *   a value finer than that is stored unrounded (× 10^decimals, non-integral), never truncated;
 * - boolean: 1 true, 0 false;
 * - enum: the label's index in `labels` (the profile's declaration order, which the codecs never
 *   reorder: `station.status` open = 0, noRentals = 1, noReturns = 2, closed = 3);
 * - version: "major.minor.patch" as major·65536 + minor·256 + patch (`device.firmware` 1.2.3 = 66051).
 * The kind comes from the profile fields that carry the key (codecs/profiles); keys no own
 * profile uses (commercial sensors only) are numbers.
 */
const DEFAULT_DECIMALS = 2;

export function quantitySpecs(): QuantitySpec[] {
  const kinds = new Map<string, { encoding: ValueEncoding; labels: string[] | null }>();
  const decimals = new Map<string, number>();
  for (const layout of buildCatalog().layouts) {
    for (const field of layout.fields) {
      if (field.kind === "number") decimals.set(field.key, Math.max(decimals.get(field.key) ?? 0, decimalsOf(field.resolution)));
      const seen = kinds.get(field.key);
      if (field.kind === "enum") {
        // Layout versions may append labels; the longest list is the current one.
        if (!seen || (seen.labels && field.values.length > seen.labels.length)) kinds.set(field.key, { encoding: "enum", labels: [...field.values] });
      } else if (!seen && field.kind === "boolean") kinds.set(field.key, { encoding: "boolean", labels: null });
      else if (!seen && field.kind === "version") kinds.set(field.key, { encoding: "version", labels: null });
    }
  }
  return QUANTITIES.map((q) => {
    const kind = kinds.get(q.key);
    const encoding = kind?.encoding ?? "number";
    return { key: q.key, unit: q.unit, encoding, labels: kind?.labels ?? null, decimals: encoding === "number" ? (decimals.get(q.key) ?? DEFAULT_DECIMALS) : 0 };
  });
}

/** Enum label lists per key as every layout declares them (tests check they agree). */
export function declaredLabels(): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const layout of buildCatalog().layouts) {
    for (const field of layout.fields) {
      if (field.kind !== "enum") continue;
      const lists = out.get(field.key) ?? [];
      lists.push([...field.values]);
      out.set(field.key, lists);
    }
  }
  return out;
}
