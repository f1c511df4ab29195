import { d1 } from "./db.ts";
import { notFound, StoreError } from "./errors.ts";

export interface Territory {
  id: number;
  code: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

interface TerritoryRow {
  id: number;
  code: string;
  name: string;
  created_at: number;
  updated_at: number;
}

const toTerritory = (r: TerritoryRow): Territory => ({ id: r.id, code: r.code, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at });

export async function insertTerritory(db: D1Database, input: { code: string; name: string }, now: number): Promise<Territory> {
  const row = await d1(() =>
    db
      .prepare("INSERT INTO territories (code, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) ON CONFLICT (code) DO NOTHING RETURNING *")
      .bind(input.code, input.name, now)
      .first<TerritoryRow>(),
  );
  if (!row) throw new StoreError("already_exists", "TERRITORY_EXISTS", `territory ${input.code} already exists`);
  return toTerritory(row);
}

export async function findTerritory(db: D1Database, code: string): Promise<Territory | null> {
  const row = await d1(() => db.prepare("SELECT * FROM territories WHERE code = ?1").bind(code).first<TerritoryRow>());
  return row ? toTerritory(row) : null;
}

export async function requireTerritory(db: D1Database, code: string): Promise<Territory> {
  const found = await findTerritory(db, code);
  if (!found) throw notFound("territory", code);
  return found;
}

export async function listTerritories(db: D1Database): Promise<Territory[]> {
  const { results } = await d1(() => db.prepare("SELECT * FROM territories ORDER BY code").all<TerritoryRow>());
  return results.map(toTerritory);
}

export async function updateTerritory(db: D1Database, code: string, patch: { name?: string | undefined }, now: number): Promise<Territory> {
  const row = await d1(() =>
    db
      .prepare("UPDATE territories SET name = coalesce(?2, name), updated_at = ?3 WHERE code = ?1 RETURNING *")
      .bind(code, patch.name ?? null, now)
      .first<TerritoryRow>(),
  );
  if (!row) throw notFound("territory", code);
  return toTerritory(row);
}

/** Deletes an empty territory; one that still has communes or ingest tokens is refused. */
export async function deleteTerritory(db: D1Database, code: string): Promise<void> {
  const territory = await requireTerritory(db, code);
  const uses = await d1(() =>
    db
      .prepare(
        `SELECT (SELECT count(*) FROM communes WHERE territory_id = ?1) AS communes,
                (SELECT count(*) FROM ingest_tokens WHERE territory_id = ?1 AND revoked_at IS NULL) AS tokens`,
      )
      .bind(territory.id)
      .first<{ communes: number; tokens: number }>(),
  );
  if (uses && uses.communes > 0) {
    throw new StoreError("conflict", "TERRITORY_NOT_EMPTY", `territory ${code} still has ${uses.communes} commune(s): move or delete them first`);
  }
  if (uses && uses.tokens > 0) {
    throw new StoreError("conflict", "TERRITORY_IN_USE", `territory ${code} still scopes ${uses.tokens} active ingest token(s): revoke them first`);
  }
  // Revoked tokens are dead; they go with the territory they were scoped to.
  await d1(() =>
    db.batch([
      db.prepare("DELETE FROM ingest_tokens WHERE territory_id = ?1 AND revoked_at IS NOT NULL").bind(territory.id),
      db.prepare("DELETE FROM territories WHERE id = ?1").bind(territory.id),
    ]),
  );
}
