import { buildCatalog } from "../../../../codecs/profiles/catalog.ts";
import { QUANTITIES } from "../../../../codecs/profiles/quantities.ts";
import type { QuantitySpec, ValueEncoding } from "../../store/quantities.ts";

/**
 * How each quantity of the codecs' registry is stored as a number in `readings.value`:
 * - number: as is;
 * - boolean: 1 true, 0 false;
 * - enum: the label's index in `labels` (the profile's declaration order, which the codecs never
 *   reorder: `station.status` open = 0, noRentals = 1, noReturns = 2, closed = 3);
 * - version: "major.minor.patch" as major·65536 + minor·256 + patch (`device.firmware` 1.2.3 = 66051).
 * The kind comes from the profile fields that carry the key (codecs/profiles); keys no own
 * profile uses (commercial sensors only) are numbers.
 */
export function quantitySpecs(): QuantitySpec[] {
  const kinds = new Map<string, { encoding: ValueEncoding; labels: string[] | null }>();
  for (const layout of buildCatalog().layouts) {
    for (const field of layout.fields) {
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
    return { key: q.key, unit: q.unit, encoding: kind?.encoding ?? "number", labels: kind?.labels ?? null };
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
