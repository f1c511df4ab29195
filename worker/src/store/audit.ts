import { d1 } from "./db.ts";

/** One admin write: who (the admin key), what (action, target, details), when. */
export interface AuditEntry {
  id: number;
  at: number;
  adminKeyId: number | null;
  adminKeyPrefix: string;
  action: string;
  target: string | null;
  territory: string | null;
  details: Record<string, unknown>;
}

interface AuditRow {
  id: number;
  at: number;
  admin_key_id: number | null;
  admin_key_prefix: string;
  action: string;
  target: string | null;
  territory: string | null;
  details: string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  adminKeyId: r.admin_key_id,
  adminKeyPrefix: r.admin_key_prefix,
  action: r.action,
  target: r.target,
  territory: r.territory,
  details: JSON.parse(r.details) as Record<string, unknown>,
});

export async function insertAuditEntry(db: D1Database, e: Omit<AuditEntry, "id">): Promise<void> {
  await d1(() =>
    db
      .prepare(
        `INSERT INTO audit_log (at, admin_key_id, admin_key_prefix, action, target, territory_id, details)
         VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM territories WHERE code = ?6), ?7)`,
      )
      .bind(e.at, e.adminKeyId, e.adminKeyPrefix, e.action, e.target, e.territory, JSON.stringify(e.details))
      .run(),
  );
}

export interface AuditFilter {
  action?: string | undefined;
  since?: number | undefined;
  /** Only entries about this territory (a territory-scoped reader). */
  territory?: string | null | undefined;
  /** Entries older than this id (the page cursor). */
  before?: number | undefined;
  limit: number;
}

/** Newest first, keyset-paginated on the id. */
export async function listAuditEntries(db: D1Database, f: AuditFilter): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const bind = (sql: string, value: string | number) => {
    params.push(value);
    where.push(sql.replace("?", `?${params.length}`));
  };
  if (f.action !== undefined) bind("a.action = ?", f.action);
  if (f.since !== undefined) bind("a.at >= ?", f.since);
  if (f.territory) bind("t.code = ?", f.territory);
  if (f.before !== undefined) bind("a.id < ?", f.before);
  params.push(f.limit);
  const sql = `SELECT a.id, a.at, a.admin_key_id, a.admin_key_prefix, a.action, a.target, t.code AS territory, a.details
    FROM audit_log a LEFT JOIN territories t ON t.id = a.territory_id
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY a.id DESC LIMIT ?${params.length}`;
  const { results } = await d1(() => db.prepare(sql).bind(...params).all<AuditRow>());
  return results.map(toEntry);
}
