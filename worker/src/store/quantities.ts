import { d1 } from "./db.ts";

export type ValueEncoding = "number" | "boolean" | "enum" | "version";

/** What the quantities table says about one key (ingest/decode/quantities.ts builds these from the codecs). */
export interface QuantitySpec {
  key: string;
  unit: string;
  encoding: ValueEncoding;
  labels: readonly string[] | null;
  /** Numbers are stored × 10^decimals. Fixed when the key is first stored: stored values depend on it. */
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

export async function listQuantities(db: D1Database): Promise<QuantityRecord[]> {
  const { results } = await d1(() => db.prepare("SELECT id, key, unit, encoding, labels, decimals FROM quantities ORDER BY id").all<QuantityRow>());
  return results.map(toRecord);
}

const same = (a: QuantitySpec, b: QuantitySpec) =>
  a.unit === b.unit && a.encoding === b.encoding && JSON.stringify(a.labels) === JSON.stringify(b.labels);

/**
 * Makes the table hold every spec and returns key → record. Keys already there keep their id and
 * their decimals (stored readings depend on both); new keys get the next id; unit, encoding and
 * labels follow the codecs. Writes only when something differs, so a warm database costs one read.
 */
export async function syncQuantities(db: D1Database, specs: readonly QuantitySpec[]): Promise<Map<string, QuantityRecord>> {
  let rows = await listQuantities(db);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const stale = specs.filter((s) => {
    const row = byKey.get(s.key);
    return !row || !same(row, s);
  });
  if (stale.length > 0) {
    await d1(() =>
      db.batch(
        stale.map((s) =>
          db
            .prepare(
              `INSERT INTO quantities (key, unit, encoding, labels, decimals) VALUES (?1, ?2, ?3, ?4, ?5)
               ON CONFLICT (key) DO UPDATE SET unit = excluded.unit, encoding = excluded.encoding, labels = excluded.labels`,
            )
            .bind(s.key, s.unit, s.encoding, s.labels ? JSON.stringify(s.labels) : null, s.decimals),
        ),
      ),
    );
    rows = await listQuantities(db);
  }
  return new Map(rows.map((r) => [r.key, r]));
}
