/** Why ingest refused a request; `http/errors.ts` maps each kind to its status. */
export type IngestErrorKind = "malformed" | "unknown_event" | "unsupported_media_type" | "too_large" | "storage_unavailable";

export class IngestError extends Error {
  readonly kind: IngestErrorKind;
  readonly code: string;
  constructor(kind: IngestErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IngestError";
    this.kind = kind;
    this.code = code;
  }
}

export function malformed(code: string, message: string): IngestError {
  return new IngestError("malformed", code, message);
}
