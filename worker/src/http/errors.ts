import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "@hono/zod-openapi";
import { RequestError } from "../api/errors.ts";
import { AuthError, type AuthErrorKind, RateLimitedError } from "../auth/errors.ts";
import { IngestError, type IngestErrorKind } from "../ingest/errors.ts";
import { ConfigError } from "../open/publisher.ts";
import { StoreError, type StoreErrorKind } from "../store/errors.ts";

/** The one error body of the API: a stable code and a message that says what to fix. */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi("Error");
export type ErrorBody = z.output<typeof errorBodySchema>;

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

const INGEST_STATUS: Record<IngestErrorKind, ContentfulStatusCode> = {
  malformed: 400,
  unknown_event: 400,
  unsupported_media_type: 415,
  too_large: 413,
  storage_unavailable: 503,
};

const AUTH_STATUS: Record<AuthErrorKind, ContentfulStatusCode> = { unauthenticated: 401, forbidden: 403 };

const STORE_STATUS: Record<StoreErrorKind, ContentfulStatusCode> = {
  not_found: 404,
  invalid_reference: 400,
  already_exists: 409,
  conflict: 409,
  refused: 500,
  unavailable: 503,
};

/** Hono's own refusals (its validators: a body that is not JSON, a media type a route does not read). */
const HTTP_EXCEPTION_CODE: Partial<Record<number, string>> = { 400: "INVALID_JSON", 413: "BODY_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE" };

function httpExceptionMessage(error: HTTPException): string {
  if (error.status === 415) return "send the body as application/json";
  if (error.status === 400) return `body is not valid JSON: ${error.message}`;
  return error.message;
}

/** Status and body for any error a handler throws: the single place where errors become HTTP. */
export function toHttpError(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof IngestError) return { status: INGEST_STATUS[error.kind], body: errorBody(error.code, error.message) };
  if (error instanceof AuthError) return { status: AUTH_STATUS[error.kind], body: errorBody(error.code, error.message) };
  if (error instanceof StoreError) return { status: STORE_STATUS[error.kind], body: errorBody(error.code, error.message) };
  if (error instanceof RequestError) return { status: error.status, body: errorBody(error.code, error.message) };
  if (error instanceof HTTPException && error.status < 500) return { status: error.status, body: errorBody(HTTP_EXCEPTION_CODE[error.status] ?? "INVALID_REQUEST", httpExceptionMessage(error)) };
  if (error instanceof RateLimitedError) return { status: 429, body: errorBody(error.code, error.message) };
  if (error instanceof ConfigError) return { status: 500, body: errorBody(error.code, error.message) };
  return { status: 500, body: errorBody("INTERNAL", "internal error; it has been logged") };
}

/**
 * What a 5xx body says: the API's own words for what happened, never the error's text, which for
 * D1 carries table and column names, SQL and constraint details. The error itself goes to the
 * log under the request id that the body gives.
 */
function serverErrorMessage(error: unknown): string {
  // Ingest's 503 is our own sentence (nothing was kept: send it again).
  if (error instanceof IngestError) return error.message;
  // A deployment's missing or malformed setting: names the variable, holds no secret.
  if (error instanceof ConfigError) return error.message;
  if (error instanceof StoreError) {
    return error.kind === "unavailable" ? "the database is unavailable right now: try again shortly" : "the database refused this operation";
  }
  return "internal error";
}

/** Cloudflare's ray id when there is one (the dashboard's logs are searched by it), else a fresh id. */
function requestIdOf(c: Context): string {
  return c.req.header("cf-ray") ?? crypto.randomUUID();
}

export function onError(error: Error, c: Context): Response {
  const http = toHttpError(error);
  const { status } = http;
  let { body } = http;
  let requestId: string | null = null;
  if (status >= 500) {
    requestId = requestIdOf(c);
    console.error(`${c.req.method} ${c.req.path} [request ${requestId}]:`, error, error.cause ?? "");
    body = errorBody(body.error.code, `${serverErrorMessage(error)} (request ${requestId}: the details are in the Worker's log under this id)`);
  }
  const response = c.json(body, status);
  if (requestId !== null) response.headers.set("X-Request-Id", requestId);
  if (status === 503) response.headers.set("Retry-After", "30");
  if (status === 401) response.headers.set("WWW-Authenticate", 'Bearer realm="cigale"');
  if (error instanceof RateLimitedError) response.headers.set("Retry-After", String(error.retryAfter));
  return response;
}
