import { d1 } from "./db.ts";
import { notFound } from "./errors.ts";

/** Read keys of the public API (`cig_read_…`), as the registry knows them: never the secret, only its hash and first characters. */
export type ReadScope = "read" | "read:private";

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  scope: ReadScope;
  /** The key's territory: the one it is limited to, or its commune's. Null: every territory. */
  territory: string | null;
  /** The commune it is limited to, if any. */
  commune: string | null;
  createdBy: number | null;
  createdAt: number;
  revokedAt: number | null;
}

interface KeyRow {
  id: number;
  name: string;
  prefix: string;
  scope: ReadScope;
  territory: string | null;
  commune: string | null;
  created_by: number | null;
  created_at: number;
  revoked_at: number | null;
}

// A commune key's territory is its commune's, so that both limits of ReadAccess hold.
const SELECT = `SELECT k.id, k.name, k.prefix, k.scope, coalesce(t.code, ct.code) AS territory, k.commune, k.created_by, k.created_at, k.revoked_at
  FROM api_keys k
  LEFT JOIN territories t ON t.id = k.territory_id
  LEFT JOIN communes c ON c.insee = k.commune
  LEFT JOIN territories ct ON ct.id = c.territory_id`;

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scope: r.scope,
  territory: r.territory,
  commune: r.commune,
  createdBy: r.created_by,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** Stores a new key's hash; the territory or commune must exist (the API checks it first). */
export async function insertApiKey(
  db: D1Database,
  k: { name: string; hash: Uint8Array; prefix: string; scope: ReadScope; territory: string | null; commune: string | null; createdBy: number | null },
  now: number,
): Promise<ApiKey> {
  const row = await d1(() =>
    db
      .prepare(
        `INSERT INTO api_keys (name, hash, prefix, scope, territory_id, commune, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, (SELECT id FROM territories WHERE code = ?5), ?6, ?7, ?8) RETURNING id`,
      )
      .bind(k.name, k.hash, k.prefix, k.scope, k.territory, k.commune, k.createdBy, now)
      .first<{ id: number }>(),
  );
  return (await findApiKey(db, (row as { id: number }).id)) as ApiKey;
}

export async function findApiKey(db: D1Database, id: number): Promise<ApiKey | null> {
  const row = await d1(() => db.prepare(`${SELECT} WHERE k.id = ?1`).bind(id).first<KeyRow>());
  return row ? toKey(row) : null;
}

/** The active key whose SHA-256 is `hash`, with its stored hash for the constant-time check. */
export async function findActiveApiKeyByHash(db: D1Database, hash: Uint8Array): Promise<(ApiKey & { hash: ArrayBuffer }) | null> {
  const row = await d1(() =>
    db.prepare(`${SELECT.replace("SELECT ", "SELECT k.hash, ")} WHERE k.hash = ?1 AND k.revoked_at IS NULL`).bind(hash).first<KeyRow & { hash: ArrayBuffer }>(),
  );
  return row ? { ...toKey(row), hash: row.hash } : null;
}

/** Every key, or those of one territory (its own and its communes'). */
export async function listApiKeys(db: D1Database, territory: string | null): Promise<ApiKey[]> {
  const where = territory === null ? "" : "WHERE coalesce(t.code, ct.code) = ?1";
  const statement = db.prepare(`${SELECT} ${where} ORDER BY k.id`);
  const { results } = await d1(() => (territory === null ? statement : statement.bind(territory)).all<KeyRow>());
  return results.map(toKey);
}

export async function revokeApiKey(db: D1Database, id: number, now: number): Promise<ApiKey> {
  await d1(() => db.prepare("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1").bind(id, now).run());
  const key = await findApiKey(db, id);
  if (!key) throw notFound("api key", String(id));
  return key;
}
