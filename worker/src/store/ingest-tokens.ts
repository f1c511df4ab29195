import { d1 } from "./db.ts";
import { notFound } from "./errors.ts";

/** An ingest token as the registry knows it: never the secret, only its hash and first characters. */
export interface IngestToken {
  id: number;
  name: string;
  prefix: string;
  territory: string | null;
  commune: string | null;
  createdAt: number;
  revokedAt: number | null;
}

interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  territory: string | null;
  commune: string | null;
  created_at: number;
  revoked_at: number | null;
}

const SELECT = `SELECT k.id, k.name, k.prefix, t.code AS territory, k.commune, k.created_at, k.revoked_at
  FROM ingest_tokens k LEFT JOIN territories t ON t.id = k.territory_id`;

const toToken = (r: TokenRow): IngestToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  territory: r.territory,
  commune: r.commune,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** Stores a new token's hash; the scope must exist (the API checks it first). */
export async function insertIngestToken(
  db: D1Database,
  t: { name: string; hash: Uint8Array; prefix: string; territory: string | null; commune: string | null },
  now: number,
): Promise<IngestToken> {
  const row = await d1(() =>
    db
      .prepare(
        `INSERT INTO ingest_tokens (name, hash, prefix, territory_id, commune, created_at)
         VALUES (?1, ?2, ?3, (SELECT id FROM territories WHERE code = ?4), ?5, ?6) RETURNING id`,
      )
      .bind(t.name, t.hash, t.prefix, t.territory, t.commune, now)
      .first<{ id: number }>(),
  );
  return (await findIngestToken(db, (row as { id: number }).id)) as IngestToken;
}

export async function findIngestToken(db: D1Database, id: number): Promise<IngestToken | null> {
  const row = await d1(() => db.prepare(`${SELECT} WHERE k.id = ?1`).bind(id).first<TokenRow>());
  return row ? toToken(row) : null;
}

/** The active token whose SHA-256 is `hash`, with its stored hash for the constant-time check. */
export async function findActiveIngestTokenByHash(db: D1Database, hash: Uint8Array): Promise<(IngestToken & { hash: ArrayBuffer }) | null> {
  const row = await d1(() =>
    db.prepare(`${SELECT.replace("SELECT ", "SELECT k.hash, ")} WHERE k.hash = ?1 AND k.revoked_at IS NULL`).bind(hash).first<TokenRow & { hash: ArrayBuffer }>(),
  );
  return row ? { ...toToken(row), hash: row.hash } : null;
}

/** Every token, or those of one territory (scoped to it or to one of its communes). */
export async function listIngestTokens(db: D1Database, territory: string | null = null): Promise<IngestToken[]> {
  if (territory === null) {
    const { results } = await d1(() => db.prepare(`${SELECT} ORDER BY k.id`).all<TokenRow>());
    return results.map(toToken);
  }
  const { results } = await d1(() =>
    db
      .prepare(`${SELECT} WHERE t.code = ?1 OR k.commune IN (SELECT c.insee FROM communes c JOIN territories ct ON ct.id = c.territory_id WHERE ct.code = ?1) ORDER BY k.id`)
      .bind(territory)
      .all<TokenRow>(),
  );
  return results.map(toToken);
}

export async function revokeIngestToken(db: D1Database, id: number, now: number): Promise<IngestToken> {
  await d1(() => db.prepare("UPDATE ingest_tokens SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1").bind(id, now).run());
  const token = await findIngestToken(db, id);
  if (!token) throw notFound("ingest token", String(id));
  return token;
}

/** Which of these token ids are still active (neither revoked nor deleted): one read. */
export async function findActiveIngestTokenIds(db: D1Database, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const { results } = await d1(() =>
    db
      .prepare("SELECT id FROM ingest_tokens WHERE id IN (SELECT value FROM json_each(?1)) AND revoked_at IS NULL")
      .bind(JSON.stringify(ids))
      .all<{ id: number }>(),
  );
  return new Set(results.map((r) => r.id));
}
