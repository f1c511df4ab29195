/** What can go wrong in the storage layer; `http/errors.ts` maps each kind to a status once. */
/**
 * `unavailable`: D1 could not do the work now (outage, overload, this invocation's query budget):
 * the same work later will do. `refused`: D1 refused a statement for what it holds (a value too
 * big, a type or constraint it breaks): the same work later fails again, so ingest isolates it.
 */
export type StoreErrorKind = "not_found" | "invalid_reference" | "already_exists" | "conflict" | "refused" | "unavailable";

export class StoreError extends Error {
  readonly kind: StoreErrorKind;
  readonly code: string;
  constructor(kind: StoreErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.kind = kind;
    this.code = code;
  }
}

export function notFound(what: string, id: string): StoreError {
  return new StoreError("not_found", "NOT_FOUND", `${what} ${id} does not exist`);
}

/** A request names something that does not exist (a device in an unknown commune). */
export function unknownReference(what: string, id: string, hint: string): StoreError {
  return new StoreError("invalid_reference", `UNKNOWN_${what.toUpperCase()}`, `${what} ${id} does not exist: ${hint}`);
}

/** True when D1 itself failed (outage, timeout, overload): the caller may keep the work for later. */
export function isStorageUnavailable(error: unknown): boolean {
  return error instanceof StoreError && error.kind === "unavailable";
}
