import { StoreError } from "./errors.ts";

/**
 * D1's production limits, in the one place the store layer reads them. The local simulator
 * (Miniflare's SQLite) enforces none of them, so code that only passes tests locally could fail
 * in production on the first big batch: every multi-row statement is built under these bounds
 * and every invocation counts its queries.
 *
 * Sources: Cloudflare's D1 limits page (paid plan), as summarised in docs: 100 bound parameters
 * per query, 100 KB per SQL statement (each statement of a batch too), 2 MB per string, BLOB or
 * row, 1,000 queries per Worker invocation.
 */
export const D1_LIMITS = {
  /** Bound parameters per statement. */
  boundParameters: 100,
  /** Bytes of one SQL statement. */
  statementBytes: 100_000,
  /** Bytes of one string or BLOB value (a JSON parameter included), and of one row. */
  valueBytes: 2_000_000,
  /** Queries one Worker invocation may run; each statement of a batch counts. */
  queriesPerInvocation: 1_000,
} as const;

/**
 * How many bytes of rows one JSON parameter carries. Kept under the statement size rather than the
 * 2 MB value limit: if D1 ever counts bound values toward the statement, a statement still fits.
 * 100 uplinks of 242-byte frames (~60 KB of JSON) travel in one statement.
 */
export const ROWS_JSON_BYTES = D1_LIMITS.statementBytes - 10_000;

/**
 * Splits rows into groups whose JSON stays under `maxBytes` (one statement each). A single row
 * larger than that is a group of its own; the statement check below refuses it if it cannot fit
 * D1's value limit.
 */
export function chunkRows<T>(rows: readonly T[], maxBytes = ROWS_JSON_BYTES): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 2; // "[]"
  for (const row of rows) {
    const size = utf8Length(JSON.stringify(row)) + 1;
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 2;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

const byteLengthOf = (value: unknown): number =>
  typeof value === "string" ? utf8Length(value) : value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? value.byteLength : 8;

/** What a statement breaks of D1's limits, or null. Exported for tests. */
export function statementViolation(sql: string, params: readonly unknown[]): string | null {
  if (params.length > D1_LIMITS.boundParameters) return `${params.length} bound parameters (D1 allows ${D1_LIMITS.boundParameters})`;
  const sqlBytes = utf8Length(sql);
  if (sqlBytes > D1_LIMITS.statementBytes) return `a ${sqlBytes}-byte statement (D1 allows ${D1_LIMITS.statementBytes})`;
  for (const p of params) {
    const size = byteLengthOf(p);
    if (size > D1_LIMITS.valueBytes) return `a ${size}-byte value (D1 allows ${D1_LIMITS.valueBytes})`;
  }
  return null;
}

/**
 * prepare + bind, refusing a statement D1 would refuse in production (a StoreError "refused"
 * named TOO_BIG: not an outage, so ingest isolates the event that made it instead of retrying).
 */
export function prepareWithin(db: D1Database, sql: string, ...params: unknown[]): D1PreparedStatement {
  const violation = statementViolation(sql, params);
  if (violation) throw new StoreError("refused", "TOO_BIG", `statement beyond D1's limits: ${violation}`);
  return db.prepare(sql).bind(...params);
}

/**
 * The queries one invocation may still run. Ingest steps charge it before each D1 call; a step
 * that would go beyond it stops with a StoreError "unavailable" (QUERY_BUDGET): its events wait
 * for the next invocation, exactly like during an outage, and are never half-stored.
 */
export class QueryBudget {
  private used = 0;
  readonly limit: number;
  constructor(limit: number = D1_LIMITS.queriesPerInvocation) {
    this.limit = limit;
  }

  get remaining(): number {
    return this.limit - this.used;
  }

  /** Takes `queries` from the budget, or throws if they are not there (nothing taken). */
  spend(queries: number): void {
    if (queries > this.remaining) {
      throw new StoreError(
        "unavailable",
        "QUERY_BUDGET",
        `this invocation has ${this.remaining} of D1's ${this.limit} queries left, ${queries} needed: the rest waits for the next one`,
      );
    }
    this.used += queries;
  }
}
