import { exports } from "cloudflare:workers";

/** Requests to the Worker under test, through its real fetch handler (routing, middleware, onError). */

export const BASE = "http://cigale.test";

export interface Call {
  token?: string | undefined;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
}

export function request(method: string, path: string, call: Call = {}): Request {
  const headers = new Headers(call.headers);
  if (call.token !== undefined) headers.set("authorization", `Bearer ${call.token}`);
  let body: BodyInit | undefined = call.body;
  if (call.json !== undefined) {
    body = JSON.stringify(call.json);
    headers.set("content-type", "application/json");
  }
  if (call.contentType !== undefined) headers.set("content-type", call.contentType);
  return new Request(`${BASE}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(method: string, path: string, c: Call = {}): Promise<Answer<T>> {
  const response = await exports.default.fetch(request(method, path, c));
  const text = await response.text();
  // Open-data routes answer CSV, Turtle, GeoJSON…: a body that is not JSON is given as its text.
  const json = /\bjson\b/.test(response.headers.get("content-type") ?? "");
  return { status: response.status, body: (text ? (json ? JSON.parse(text) : text) : null) as T, headers: response.headers };
}

/** The error body every failure must have. */
export interface ErrorAnswer {
  error: { code: string; message: string };
}
