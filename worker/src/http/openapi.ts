import { type Hook, OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { RequestError } from "../api/errors.ts";
import { bodyText, problems } from "../api/validate.ts";
import { errorBodySchema } from "./errors.ts";

/** The one error body, the schema component every error answer refers to. */
export const errorAnswer = errorBodySchema;
import type { AppEnv } from "./types.ts";

/**
 * The pieces every route definition shares: routers whose validation failures become the API's
 * error body, the error responses (one component each, all with the one error body), the
 * credentials, and the JSON body guard that keeps the admin API's body errors.
 */

/** What a failed validation says, by request part: 400 for a query or body, 404 for a path parameter. */
const PATH_PARAMETER: Record<string, string> = { devEui: "DevEUI", insee: "INSEE code", code: "territory code", id: "id", name: "name" };

export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (result.success) return;
  const error = result.error as z.ZodError;
  if (result.target === "param") {
    const issue = error.issues[0];
    const name = String(issue?.path[0] ?? "");
    throw new RequestError("INVALID_PATH", `${PATH_PARAMETER[name] ?? name}: ${issue?.message ?? "invalid"}`, 404);
  }
  throw new RequestError("INVALID_REQUEST", `${result.target === "json" ? "body" : result.target} is invalid — ${problems(error)}`);
};

/** A router of documented routes (`createRoute` + `.openapi`) whose validation errors use the API's error body. */
export function routes(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** Error statuses the API answers, each a shared response component with the one error body. */
export const ERROR_RESPONSES = {
  400: {
    name: "BadRequest",
    description:
      "The request cannot be served as sent; error.code says why (INVALID_JSON, INVALID_REQUEST, UNKNOWN_TERRITORY…; ingest: EMPTY_BODY, INVALID_EVENT, INVALID_PROTOBUF, UNKNOWN_EVENT, MISSING_EVENT, UNSUPPORTED_MESSAGE, PAYLOAD_TOO_LONG) and error.message which field to fix. Nothing was stored.",
  },
  401: {
    name: "Unauthorized",
    description:
      "No valid credential: MISSING_CREDENTIALS, INVALID_AUTHORIZATION, MALFORMED_CREDENTIALS (not of the form cig_<kind>_ + 43 characters), INVALID_CREDENTIALS (unknown or revoked), DEV_CREDENTIAL_REFUSED.",
    headers: { "WWW-Authenticate": { schema: { type: "string" }, description: 'Bearer realm="cigale"' } },
  },
  403: {
    name: "Forbidden",
    description:
      "The credential may not do this: WRONG_CREDENTIAL_KIND; admin: OUTSIDE_TERRITORY, TERRITORY_SCOPED_KEY (a territory-scoped admin key); public: READ_PRIVATE_REQUIRED. (Ingest never refuses a device: one outside the token's territory or commune is accepted and quarantined OUT_OF_SCOPE.)",
  },
  404: { name: "NotFound", description: "NOT_FOUND (no such resource, or one this client may not see) or INVALID_PATH (a path parameter of the wrong form)." },
  409: { name: "Conflict", description: "Already exists (…_EXISTS) or still in use (…_NOT_EMPTY, …_IN_USE, LAST_ADMIN_KEY, a device with data deleted without purge)." },
  413: { name: "PayloadTooLarge", description: "BODY_TOO_LARGE: 128 KiB for ingest, 2 MiB for the admin API." },
  415: { name: "UnsupportedMediaType", description: "UNSUPPORTED_MEDIA_TYPE: the Content-Type this route does not read." },
  429: {
    name: "TooManyRequests",
    description:
      "RATE_LIMITED: too many requests from this read key or anonymous client; TOO_MANY_FAILURES: this client address sent too many unknown credentials. Retry after Retry-After seconds.",
    headers: { "Retry-After": { schema: { type: "integer" }, description: "seconds" } },
  },
  500: { name: "InternalError", description: "INTERNAL: a fault of the Worker, logged." },
  503: {
    name: "Unavailable",
    description: "STORAGE_UNAVAILABLE: D1 (or, for ingest, both the queue and the spool) could not be reached; nothing was kept.",
    headers: { "Retry-After": { schema: { type: "integer" }, description: "seconds" } },
  },
} as const;

export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** An error answer: the one error body (a schema component), with the status's description. */
function errorResponse(status: ErrorStatus) {
  const e = ERROR_RESPONSES[status];
  return { description: e.description, ...("headers" in e ? { headers: e.headers } : {}), content: { "application/json": { schema: errorAnswer } } };
}

/** The error answers of a route for the statuses given, typed per status so handlers' answers are checked. */
export function errors<const S extends readonly ErrorStatus[]>(...statuses: S): { [K in S[number]]: ReturnType<typeof errorResponse> } {
  return Object.fromEntries(statuses.map((s) => [s, errorResponse(s)])) as { [K in S[number]]: ReturnType<typeof errorResponse> };
}

/** The statuses of a route behind a credential: its own, and what authentication and storage may answer. */
export const SECURED = [401, 403, 429, 500, 503] as const;
/** The statuses of a public read route: a read key that is not valid (401) or not a read key (403), the rate limit, storage. */
export const PUBLIC = [401, 403, 429, 500, 503] as const;

export const SECURITY_SCHEMES = {
  ingestToken: { type: "http", scheme: "bearer", description: "An ingest token (POST /v1/admin/ingest-tokens), scoped to a territory or a commune." },
  adminKey: { type: "http", scheme: "bearer", description: "An admin key (POST /v1/admin/admin-keys; the first with worker/scripts/create-admin-key.ts)." },
  readKey: {
    type: "http",
    scheme: "bearer",
    description: "A read key (cig_read_…, POST /v1/admin/api-keys): optional on public routes; scope read:private shows private devices; a larger rate limit.",
  },
} as const;

export const ADMIN_KEY = [{ adminKey: [] }];
export const INGEST_TOKEN = [{ ingestToken: [] }];
/** Public routes: anonymous, or with a read key. */
export const READ_KEY_OPTIONAL: Record<string, string[]>[] = [{}, { readKey: [] }];

/** A JSON answer described by its zod schema. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** A required JSON request body described by its zod schema. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

/**
 * Runs before the route's validators: a JSON body must say so (415), fit the admin limit (413)
 * and parse (400 INVALID_JSON) — the same answers as before routes were declared, which the
 * generic validator would give as a bare 400/415. The validator then reads the cached text.
 */
export function jsonGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const text = await bodyText(c, "application/json");
    try {
      JSON.parse(text);
    } catch (error) {
      throw new RequestError("INVALID_JSON", `body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    await next();
  };
}

/** Registers what the routes refer to beyond their own schemas: the credentials. */
export function registerComponents(app: OpenAPIHono<AppEnv>): void {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) app.openAPIRegistry.registerComponent("securitySchemes", name, scheme);
}
