/** Credential failures: 401 when the caller is not known, 403 when it may not do this. */
export type AuthErrorKind = "unauthenticated" | "forbidden";

export class AuthError extends Error {
  readonly kind: AuthErrorKind;
  readonly code: string;
  constructor(kind: AuthErrorKind, code: string, message: string) {
    super(message);
    this.name = "AuthError";
    this.kind = kind;
    this.code = code;
  }
}

/** 429: the client sent too much (too many requests, too many failed credentials); retry after `retryAfter` seconds. */
export class RateLimitedError extends Error {
  readonly code: string;
  readonly retryAfter: number;
  constructor(code: string, message: string, retryAfter: number) {
    super(message);
    this.name = "RateLimitedError";
    this.code = code;
    this.retryAfter = retryAfter;
  }
}
