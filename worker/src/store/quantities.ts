import { d1 } from "./db.ts";

export type ValueEncoding = "number" | "boolean" | "enum" | "version";

/** What the quantities table says about one key (ingest/decode/quantities.ts builds these from the codecs). */
export interface QuantitySpec {
  key: string;
  unit: string;
  encoding: ValueEncoding;
  labels: readonly string[] | null;
  /** Numbers are stored × 10^decimals. A change gives the key a new quantity row (syncQuantities). */
  decimals: number;
}

export interface QuantityRecord extends QuantitySpec {
  id: number;
}

interface QuantityRow {
  id: number;
  key: string;
  unit: string;
  encoding: ValueEncoding;
  labels: string | null;
  decimals: number;
}

const toRecord = (r: QuantityRow): QuantityRecord => ({
  id: r.id,
  key: r.key,
  unit: r.unit,
  encoding: r.encoding,
  labels: r.labels === null ? null : (JSON.parse(r.labels) as string[]),
  decimals: r.decimals,
});

/** The current row of every key (retired rows, which only old readings use, left out). */
export async function listQuantities(db: D1Database): Promise<QuantityRecord[]> {
  const { results } = await d1(() =>
    db.prepare("SELECT id, key, unit, encoding, labels, decimals FROM quantities WHERE retired_at IS NULL ORDER BY id").all<QuantityRow>(),
  );
  return results.map(toRecord);
}

/** Every row, retired ones too, by id: how each stored value reads. */
export async function listQuantityHistory(db: D1Database): Promise<(QuantityRecord & { retiredAt: number | null })[]> {
  const { results } = await d1(() =>
    db.prepare("SELECT id, key, unit, encoding, labels, decimals, retired_at FROM quantities ORDER BY id").all<QuantityRow & { retired_at: number | null }>(),
  );
  return results.map((r) => ({ ...toRecord(r), retiredAt: r.retired_at }));
}

/** What a spec change does to the stored row: nothing, an in-place update, or a new row. */
export function quantityChange(stored: QuantitySpec, spec: QuantitySpec): "same" | "append-labels" | "new-row" {
  if (stored.unit !== spec.unit || stored.encoding !== spec.encoding || stored.decimals !== spec.decimals) return "new-row";
  const a = stored.labels ?? [];
  const b = spec.labels ?? [];
  if (a.length === b.length && a.every((l, i) => l === b[i])) return (stored.labels === null) === (spec.labels === null) ? "same" : "new-row";
  // Appending labels adds stored values without changing what the stored ones mean.
  return b.length > a.length && a.every((l, i) => l === b[i]) ? "append-labels" : "new-row";
}

/**
 * Makes the table hold every spec as the current row of its key and returns key → record. A key
 * keeps its id as long as its definition reads stored values the same way (labels may be
 * appended). Any other change — unit, encoding, decimals, labels renamed or reordered — retires
 * the row (its readings keep it, and are read with it) and gives the key a new id: stored values
 * are never reinterpreted. Converting old readings to the new row is a migration's job, written
 * on purpose. Writes only when something differs, so a warm database costs one read.
 */
export async function syncQuantities(db: D1Database, specs: readonly QuantitySpec[], now = Date.now()): Promise<Map<string, QuantityRecord>> {
  let rows = await listQuantities(db);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const statements: D1PreparedStatement[] = [];
  for (const s of specs) {
    const row = byKey.get(s.key);
    const change = row ? quantityChange(row, s) : "new-row";
    if (change === "same") continue;
    const labels = s.labels ? JSON.stringify(s.labels) : null;
    if (row && change === "append-labels") {
      statements.push(db.prepare("UPDATE quantities SET labels = ?2 WHERE id = ?1").bind(row.id, labels));
      continue;
    }
    if (row) statements.push(db.prepare("UPDATE quantities SET retired_at = ?2 WHERE id = ?1").bind(row.id, now));
    // A concurrent isolate may have added the same current row: the unique index keeps one.
    statements.push(
      db
        .prepare("INSERT OR IGNORE INTO quantities (key, unit, encoding, labels, decimals) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(s.key, s.unit, s.encoding, labels, s.decimals),
    );
  }
  if (statements.length > 0) {
    await d1(() => db.batch(statements));
    rows = await listQuantities(db);
  }
  return new Map(rows.map((r) => [r.key, r]));
}
