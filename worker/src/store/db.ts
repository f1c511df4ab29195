import { StoreError } from "./errors.ts";

/**
 * Runs one D1 call and turns its failures into StoreErrors. D1 reports everything as a plain
 * Error whose message carries the SQLite code: constraint failures are the caller's business
 * (conflict), anything else means the database could not do the work right now (unavailable).
 */
export async function d1<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asStoreError(error);
  }
}

export function asStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/UNIQUE constraint failed/i.test(message)) {
    return new StoreError("already_exists", "ALREADY_EXISTS", message, { cause: error });
  }
  if (/constraint failed/i.test(message)) {
    return new StoreError("conflict", "CONSTRAINT", message, { cause: error });
  }
  return new StoreError("unavailable", "STORAGE_UNAVAILABLE", `storage unavailable: ${message}`, { cause: error });
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
