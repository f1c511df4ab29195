import { d1 } from "./db.ts";
import { notFound, StoreError } from "./errors.ts";

export interface AdminKey {
  id: number;
  name: string;
  prefix: string;
  /** The territory this key administers; null: every territory (the platform's operators). */
  territory: string | null;
  createdAt: number;
  revokedAt: number | null;
}

interface KeyRow {
  id: number;
  name: string;
  prefix: string;
  territory: string | null;
  created_at: number;
  revoked_at: number | null;
}

const SELECT = "SELECT k.id, k.name, k.prefix, t.code AS territory, k.created_at, k.revoked_at FROM admin_keys k LEFT JOIN territories t ON t.id = k.territory_id";

const toKey = (r: KeyRow): AdminKey => ({ id: r.id, name: r.name, prefix: r.prefix, territory: r.territory, createdAt: r.created_at, revokedAt: r.revoked_at });

/** Stores a new key's hash; its territory, if any, must exist (the API checks it first). */
export async function insertAdminKey(db: D1Database, k: { name: string; hash: Uint8Array; prefix: string; territory?: string | null }, now: number): Promise<AdminKey> {
  const row = await d1(() =>
    db
      .prepare("INSERT INTO admin_keys (name, hash, prefix, territory_id, created_at) VALUES (?1, ?2, ?3, (SELECT id FROM territories WHERE code = ?4), ?5) RETURNING id")
      .bind(k.name, k.hash, k.prefix, k.territory ?? null, now)
      .first<{ id: number }>(),
  );
  return (await findAdminKey(db, (row as { id: number }).id)) as AdminKey;
}

export async function findAdminKey(db: D1Database, id: number): Promise<AdminKey | null> {
  const row = await d1(() => db.prepare(`${SELECT} WHERE k.id = ?1`).bind(id).first<KeyRow>());
  return row ? toKey(row) : null;
}

export async function findActiveAdminKeyByHash(db: D1Database, hash: Uint8Array): Promise<(AdminKey & { hash: ArrayBuffer }) | null> {
  const row = await d1(() => db.prepare(`${SELECT.replace("SELECT ", "SELECT k.hash, ")} WHERE k.hash = ?1 AND k.revoked_at IS NULL`).bind(hash).first<KeyRow & { hash: ArrayBuffer }>());
  return row ? { ...toKey(row), hash: row.hash } : null;
}

/** Every key, or those scoped to one territory. */
export async function listAdminKeys(db: D1Database, territory: string | null = null): Promise<AdminKey[]> {
  const statement = db.prepare(`${SELECT} ${territory === null ? "" : "WHERE t.code = ?1"} ORDER BY k.id`);
  const { results } = await d1(() => (territory === null ? statement : statement.bind(territory)).all<KeyRow>());
  return results.map(toKey);
}

/**
 * Revokes a key, unless it is the last active key of the whole platform (nobody could administer
 * it any more). Only platform-wide keys count as "last": territory keys cannot administer the rest.
 */
export async function revokeAdminKey(db: D1Database, id: number, now: number): Promise<AdminKey> {
  const result = await d1(() =>
    db
      .prepare(
        `UPDATE admin_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL
           AND (territory_id IS NOT NULL OR (SELECT count(*) FROM admin_keys WHERE revoked_at IS NULL AND territory_id IS NULL) > 1)`,
      )
      .bind(id, now)
      .run(),
  );
  const key = await findAdminKey(db, id);
  if (!key) throw notFound("admin key", String(id));
  if (result.meta.changes === 0 && key.revokedAt === null) {
    throw new StoreError("conflict", "LAST_ADMIN_KEY", `admin key ${id} is the last active platform-wide one: create another before revoking it`);
  }
  return key;
}
