import { d1 } from "./db.ts";
import { notFound, StoreError, unknownReference } from "./errors.ts";

export interface Commune {
  insee: string;
  name: string;
  territory: string;
  createdAt: number;
  updatedAt: number;
}

interface CommuneRow {
  insee: string;
  name: string;
  territory: string;
  created_at: number;
  updated_at: number;
}

const SELECT = "SELECT c.insee, c.name, t.code AS territory, c.created_at, c.updated_at FROM communes c JOIN territories t ON t.id = c.territory_id";
const toCommune = (r: CommuneRow): Commune => ({ insee: r.insee, name: r.name, territory: r.territory, createdAt: r.created_at, updatedAt: r.updated_at });

export async function insertCommune(db: D1Database, input: { insee: string; name: string; territory: string }, now: number): Promise<Commune> {
  const [inserted] = await d1(() =>
    db.batch([
      db
        .prepare(
          `INSERT INTO communes (insee, name, territory_id, created_at, updated_at)
           SELECT ?1, ?2, id, ?4, ?4 FROM territories WHERE code = ?3
           ON CONFLICT (insee) DO NOTHING`,
        )
        .bind(input.insee, input.name, input.territory, now),
    ]),
  );
  if (!inserted || inserted.meta.changes === 0) {
    const existing = await findCommune(db, input.insee);
    if (existing) throw new StoreError("already_exists", "COMMUNE_EXISTS", `commune ${input.insee} already exists (${existing.name})`);
    throw unknownReference("territory", input.territory, "create it with POST /v1/admin/territories");
  }
  return (await findCommune(db, input.insee)) as Commune;
}

export async function findCommune(db: D1Database, insee: string): Promise<Commune | null> {
  const row = await d1(() => db.prepare(`${SELECT} WHERE c.insee = ?1`).bind(insee).first<CommuneRow>());
  return row ? toCommune(row) : null;
}

export async function requireCommune(db: D1Database, insee: string): Promise<Commune> {
  const found = await findCommune(db, insee);
  if (!found) throw notFound("commune", insee);
  return found;
}

export async function listCommunes(db: D1Database, filter: { territory?: string | undefined }): Promise<Commune[]> {
  const { results } = await d1(() =>
    db
      .prepare(`${SELECT} WHERE ?1 IS NULL OR t.code = ?1 ORDER BY c.insee`)
      .bind(filter.territory ?? null)
      .all<CommuneRow>(),
  );
  return results.map(toCommune);
}

export async function updateCommune(
  db: D1Database,
  insee: string,
  patch: { name?: string | undefined; territory?: string | undefined },
  now: number,
): Promise<Commune> {
  await requireCommune(db, insee);
  if (patch.territory !== undefined) {
    const t = await d1(() => db.prepare("SELECT id FROM territories WHERE code = ?1").bind(patch.territory).first<{ id: number }>());
    if (!t) throw unknownReference("territory", patch.territory, "create it with POST /v1/admin/territories");
  }
  await d1(() =>
    db
      .prepare(
        `UPDATE communes SET name = coalesce(?2, name),
           territory_id = coalesce((SELECT id FROM territories WHERE code = ?3), territory_id), updated_at = ?4
         WHERE insee = ?1`,
      )
      .bind(insee, patch.name ?? null, patch.territory ?? null, now)
      .run(),
  );
  return requireCommune(db, insee);
}

/** Deletes a commune without devices; one that still has devices or active tokens is refused. */
export async function deleteCommune(db: D1Database, insee: string): Promise<void> {
  await requireCommune(db, insee);
  const uses = await d1(() =>
    db
      .prepare(
        `SELECT (SELECT count(*) FROM devices WHERE commune = ?1) AS devices,
                (SELECT count(*) FROM ingest_tokens WHERE commune = ?1 AND revoked_at IS NULL) AS tokens`,
      )
      .bind(insee)
      .first<{ devices: number; tokens: number }>(),
  );
  if (uses && uses.devices > 0) {
    throw new StoreError("conflict", "COMMUNE_NOT_EMPTY", `commune ${insee} still has ${uses.devices} device(s): move or delete them first`);
  }
  if (uses && uses.tokens > 0) {
    throw new StoreError("conflict", "COMMUNE_IN_USE", `commune ${insee} still scopes ${uses.tokens} active ingest token(s): revoke them first`);
  }
  await d1(() =>
    db.batch([
      db.prepare("DELETE FROM ingest_tokens WHERE commune = ?1 AND revoked_at IS NOT NULL").bind(insee),
      db.prepare("DELETE FROM communes WHERE insee = ?1").bind(insee),
    ]),
  );
}
