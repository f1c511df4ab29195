import { z } from "zod";
import { parseJson, type BodyFormat } from "../body.ts";
import { IngestError } from "../errors.ts";
import type { IngestEvent } from "../event.ts";
import { parseOrThrow } from "../schema.ts";
import { protobufToJson } from "./protobuf.ts";
import { type ChirpstackKind, SCHEMAS, toIngestEvent } from "./schema.ts";

export const CHIRPSTACK_EVENTS = Object.keys(SCHEMAS) as ChirpstackKind[];

/** The query of every ChirpStack POST: `?event=<type>`. */
export const chirpstackQuery = z.object({ event: z.enum(CHIRPSTACK_EVENTS) });

/** The `event` query parameter ChirpStack appends to every POST, checked before the body is read. */
export function chirpstackKind(event: string | undefined): ChirpstackKind {
  if (event === undefined || event === "") {
    throw new IngestError(
      "unknown_event",
      "MISSING_EVENT",
      `query parameter "event" is missing: ChirpStack's HTTP integration adds ?event=<type> (${CHIRPSTACK_EVENTS.join(", ")})`,
    );
  }
  const kind = chirpstackQuery.shape.event.safeParse(event);
  if (!kind.success) {
    throw new IngestError("unknown_event", "UNKNOWN_EVENT", `event=${event} is not a ChirpStack v4 event: expected one of ${CHIRPSTACK_EVENTS.join(", ")}`);
  }
  return kind.data;
}

/** One ChirpStack integration POST → the neutral event (or a 400 that names the bad field). */
export function parseChirpstack(kind: ChirpstackKind, format: BodyFormat, body: Uint8Array, receivedAt: number): IngestEvent {
  const raw = format === "json" ? parseJson(body) : protobufToJson(kind, body);
  const hint =
    format === "json"
      ? "ChirpStack posts proto3 JSON (camelCase fields, base64 bytes, RFC 3339 times)"
      : "the protobuf decoded but its fields are not a valid ChirpStack event";
  const parsed = parseOrThrow(SCHEMAS[kind], raw, `ChirpStack ${kind} event`, hint);
  return toIngestEvent(kind, parsed, receivedAt);
}
