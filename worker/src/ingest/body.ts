import { IngestError } from "./errors.ts";

/**
 * Largest request body ingest reads. A ChirpStack uplink heard by 50 gateways is about 25 KiB;
 * 128 KiB leaves room and keeps a misdirected upload from costing memory.
 */
export const MAX_BODY_BYTES = 128 * 1024;

export type BodyFormat = "json" | "protobuf";

/**
 * The body format named by Content-Type. ChirpStack sends application/json or
 * application/octet-stream (protobuf); application/x-protobuf and application/protobuf are
 * accepted as the same.
 */
export function bodyFormat(contentType: string | undefined, accepted: readonly BodyFormat[]): BodyFormat {
  const media = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const format: BodyFormat | null =
    media === "application/json" || media.endsWith("+json")
      ? "json"
      : media === "application/octet-stream" || media === "application/x-protobuf" || media === "application/protobuf"
        ? "protobuf"
        : null;
  if (format && accepted.includes(format)) return format;
  const wanted = accepted.map((f) => (f === "json" ? "application/json" : "application/octet-stream (protobuf)")).join(" or ");
  throw new IngestError(
    "unsupported_media_type",
    "UNSUPPORTED_MEDIA_TYPE",
    media ? `Content-Type ${media} is not accepted here: send ${wanted}` : `Content-Type is missing: send ${wanted}`,
  );
}

/** Reads the whole body, refusing it as soon as it passes `limit` bytes (whatever Content-Length claims). */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  // A declared length frames the body (the runtime ends it there), and it is within the limit: one
  // read instead of a promise per chunk. The size is checked again, for a caller that lied.
  if (Number.isFinite(declared)) {
    const whole = new Uint8Array(await request.arrayBuffer());
    if (whole.byteLength > limit) throw tooLarge(limit);
    return whole;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function tooLarge(limit: number): IngestError {
  return new IngestError("too_large", "BODY_TOO_LARGE", `request body exceeds ${limit} bytes: post one event per request`);
}

/** JSON.parse with a 400 that points at the problem instead of a thrown SyntaxError. */
export function parseJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw new IngestError("malformed", "INVALID_JSON", "body is not valid UTF-8 text: send the event as JSON");
  }
  if (text.trim() === "") throw new IngestError("malformed", "EMPTY_BODY", "body is empty: send the event as JSON");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new IngestError("malformed", "INVALID_JSON", `body is not valid JSON (${detail}): check that the whole event was sent`);
  }
}
