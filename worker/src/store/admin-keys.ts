import { d1 } from "./db.ts";
import { notFound, StoreError } from "./errors.ts";

export interface AdminKey {
  id: number;
  name: string;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

interface KeyRow {
  id: number;
  name: string;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
}

const toKey = (r: KeyRow): AdminKey => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at });

export async function insertAdminKey(db: D1Database, k: { name: string; hash: Uint8Array; prefix: string }, now: number): Promise<AdminKey> {
  const row = await d1(() =>
    db
      .prepare("INSERT INTO admin_keys (name, hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id, name, prefix, created_at, revoked_at")
      .bind(k.name, k.hash, k.prefix, now)
      .first<KeyRow>(),
  );
  return toKey(row as KeyRow);
}

export async function findActiveAdminKeyByHash(db: D1Database, hash: Uint8Array): Promise<(AdminKey & { hash: ArrayBuffer }) | null> {
  const row = await d1(() =>
    db.prepare("SELECT id, name, prefix, created_at, revoked_at, hash FROM admin_keys WHERE hash = ?1 AND revoked_at IS NULL").bind(hash).first<KeyRow & { hash: ArrayBuffer }>(),
  );
  return row ? { ...toKey(row), hash: row.hash } : null;
}

export async function listAdminKeys(db: D1Database): Promise<AdminKey[]> {
  const { results } = await d1(() => db.prepare("SELECT id, name, prefix, created_at, revoked_at FROM admin_keys ORDER BY id").all<KeyRow>());
  return results.map(toKey);
}

/** Revokes a key, unless it is the last active one (nobody could administer the platform any more). */
export async function revokeAdminKey(db: D1Database, id: number, now: number): Promise<AdminKey> {
  const result = await d1(() =>
    db
      .prepare(
        `UPDATE admin_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL
           AND (SELECT count(*) FROM admin_keys WHERE revoked_at IS NULL) > 1`,
      )
      .bind(id, now)
      .run(),
  );
  const row = await d1(() => db.prepare("SELECT id, name, prefix, created_at, revoked_at FROM admin_keys WHERE id = ?1").bind(id).first<KeyRow>());
  if (!row) throw notFound("admin key", String(id));
  if (result.meta.changes === 0 && row.revoked_at === null) {
    throw new StoreError("conflict", "LAST_ADMIN_KEY", `admin key ${id} is the last active one: create another before revoking it`);
  }
  return toKey(row);
}
