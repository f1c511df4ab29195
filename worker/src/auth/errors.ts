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
