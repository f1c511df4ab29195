import type { Presented } from "./credentials.ts";
import { AuthError } from "./errors.ts";
import { limitedClient, type RequestLike } from "./failures.ts";

/** The token of an `Authorization: Bearer <token>` header, or a 401 that says how to send it. */
export function bearerToken(header: string | undefined, what: string): string {
  if (header === undefined || header.trim() === "") {
    throw new AuthError("unauthenticated", "MISSING_CREDENTIALS", `no credentials: send the ${what} in an "Authorization: Bearer <${what}>" header`);
  }
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m) {
    throw new AuthError(
      "unauthenticated",
      "INVALID_AUTHORIZATION",
      `the Authorization header must be "Bearer <${what}>" (got the ${header.split(/\s/)[0] ?? ""} scheme)`,
    );
  }
  return m[1]!;
}

/** The bearer secret of a request and the client it comes from (for the failure count). */
export function presentedCredential(c: RequestLike, what: string): Presented {
  return { secret: bearerToken(c.req.header("authorization"), what), client: limitedClient(c) };
}
