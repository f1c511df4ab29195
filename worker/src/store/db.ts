import { StoreError } from "./errors.ts";

/**
 * Runs one D1 call and turns its failures into StoreErrors. D1 reports everything as a plain
 * Error whose message carries the cause: see asStoreError.
 */
export async function d1<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asStoreError(error);
  }
}

/**
 * The messages by which D1 says it cannot do the work right now, whatever the statement: the
 * connection dropped, the database object was reset or is overloaded, a transient fault, the
 * invocation used up its queries, the database is full. Only these make ingest retry a batch
 * whole; a message not listed here is taken as a refusal of what the statement holds (too big, a
 * type or constraint it breaks, too many variables), and ingest then splits the batch to find the
 * events that cause it (worker/src/ingest/pipeline/store.ts).
 */
const OUTAGE =
  /network connection lost|connection (?:reset|refused|closed)|overloaded|object to be reset|reset because|exceeded timeout|timed? ?out|transient|internal error|unavailable|too many api requests|exceeded maximum db size|database is full|SQLITE_BUSY|database is locked|SQLITE_FULL|SQLITE_IOERR/i;

export function isOutageMessage(message: string): boolean {
  return OUTAGE.test(message);
}

export function asStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isOutageMessage(message)) return new StoreError("unavailable", "STORAGE_UNAVAILABLE", `storage unavailable: ${message}`, { cause: error });
  if (/UNIQUE constraint failed/i.test(message)) {
    return new StoreError("already_exists", "ALREADY_EXISTS", message, { cause: error });
  }
  if (/constraint failed/i.test(message)) {
    return new StoreError("conflict", "CONSTRAINT", message, { cause: error });
  }
  return new StoreError("refused", "STATEMENT_REFUSED", `D1 refused the statement: ${message}`, { cause: error });
}

/** Runs statements in one D1 transaction (all or nothing); returns rows changed per statement. */
export async function runBatch(db: D1Database, statements: D1PreparedStatement[]): Promise<number[]> {
  return (await runBatchResults(db, statements)).map((r) => r.meta.changes);
}

/** Runs statements in one D1 transaction (all or nothing); returns each statement's result (rows of RETURNING too). */
export async function runBatchResults(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  if (statements.length === 0) return [];
  return d1(() => db.batch(statements));
}

/** Epoch ms → ISO 8601 (UTC), or null. */
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const b of view) out += b.toString(16).padStart(2, "0");
  return out;
}
