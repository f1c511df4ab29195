import { CigaleError } from "./errors.ts";

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  fetch: typeof fetch;
  /** Aborts every request of the client. */
  signal?: AbortSignal | undefined;
  /** Per attempt, ms. */
  timeoutMs: number;
  /** Attempts after the first, on 429, 5xx and network errors. */
  retries: number;
  /** First backoff, ms; doubled each retry, with jitter, unless Retry-After says otherwise. */
  backoffMs: number;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

function retryAfterSeconds(response: Response): number | null {
  const header = response.headers.get("retry-after");
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const aborted = (signal: AbortSignal) => new CigaleError(0, "ABORTED", "the request was aborted", null, { cause: signal.reason });

/** One signal that fires when any of `signals` does. */
function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  const controller = new AbortController();
  for (const s of present) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener("abort", () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}

const RETRIED = (status: number) => status === 429 || status >= 500;

/** The absolute URL of `path` under the client's base URL, with the query's defined parameters. */
export function urlOf(t: Pick<TransportOptions, "baseUrl">, path: string, query: Query = {}): URL {
  const url = new URL(path.replace(/^\//, ""), t.baseUrl.endsWith("/") ? t.baseUrl : `${t.baseUrl}/`);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  return url;
}

export interface SendOptions {
  /** GET (default) or HEAD. */
  method?: "GET" | "HEAD";
  /** The Accept header (default application/json). */
  accept?: string;
  /** More request headers (Range, If-None-Match…). */
  headers?: Record<string, string>;
}

/**
 * GET `path` with `query`: retries 429, 5xx and network errors with exponential backoff (honouring
 * Retry-After), each attempt bounded by the timeout, all of it by the signals. Answers the
 * Response once its headers are in (2xx, or 304 to a conditional request), its body unread: a
 * large file streams from there. The timeout stops applying once the headers are in; the signals
 * still abort the body.
 */
export async function send(t: TransportOptions, path: string, query: Query = {}, signal?: AbortSignal, o: SendOptions = {}): Promise<Response> {
  const url = urlOf(t, path, query);
  const method = o.method ?? "GET";
  const headers: Record<string, string> = { accept: o.accept ?? "application/json", ...o.headers };
  if (t.apiKey) headers["authorization"] = `Bearer ${t.apiKey}`;
  const outer = anySignal([t.signal, signal]);
  for (let attempt = 0; ; attempt++) {
    if (outer?.aborted) throw aborted(outer);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new CigaleError(0, "TIMEOUT", `no answer within ${t.timeoutMs} ms`)), t.timeoutMs);
    let response: Response;
    try {
      response = await t.fetch(url.toString(), { method, headers, signal: anySignal([outer, timeout.signal]) ?? null });
    } catch (error) {
      clearTimeout(timer);
      if (outer?.aborted) throw aborted(outer);
      const failure = timeout.signal.aborted
        ? new CigaleError(0, "TIMEOUT", `${method} ${url.pathname}: no answer within ${t.timeoutMs} ms`)
        : new CigaleError(0, "NETWORK_ERROR", `${method} ${url.pathname}: ${error instanceof Error ? error.message : String(error)}`, null, { cause: error });
      if (attempt >= t.retries) throw failure;
      await sleep(backoff(t, attempt, null), outer);
      continue;
    }
    clearTimeout(timer);
    if (response.ok || response.status === 304) return response;
    const retryAfter = retryAfterSeconds(response);
    if (RETRIED(response.status) && attempt < t.retries) {
      await response.body?.cancel();
      await sleep(backoff(t, attempt, retryAfter), outer);
      continue;
    }
    throw await errorOf(response, retryAfter);
  }
}

/** GET `path` with `query`, JSON answer (send, then the body parsed). */
export async function getJson<T>(t: TransportOptions, path: string, query: Query = {}, signal?: AbortSignal, o: SendOptions = {}): Promise<T> {
  const response = await send(t, path, query, signal, o);
  return (await response.json()) as T;
}

function backoff(t: TransportOptions, attempt: number, retryAfter: number | null): number {
  if (retryAfter !== null) return retryAfter * 1000;
  const base = t.backoffMs * 2 ** attempt;
  return base / 2 + Math.random() * (base / 2);
}

async function errorOf(response: Response, retryAfter: number | null): Promise<CigaleError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") return new CigaleError(response.status, body.error.code, String(body.error.message ?? ""), retryAfter);
  } catch {
    // not the API's error body (a proxy's page): fall through
  }
  return new CigaleError(response.status, `HTTP_${response.status}`, text.slice(0, 200) || response.statusText, retryAfter);
}
