import { prepareInsertQuarantined } from "../../store/quarantine.ts";
import type { DecodeStatus } from "../../store/uplinks.ts";
import { type EventKind, globalEventKey, type IngestEvent } from "../event.ts";
import type { Scope } from "../scope.ts";

/** What happened to one event; the ingest routes and the admin replays answer with it. */
export type Outcome =
  | { result: "stored"; kind: EventKind; devEui: string; time: number; readings: number; decode?: DecodeReport }
  | { result: "duplicate"; kind: EventKind; devEui: string; time: number }
  | { result: "quarantined"; kind: EventKind; devEui: string; time: number; reason: Reason };

/** An event the pipeline could not settle now (D1 unavailable, or this invocation's queries spent): retry it. */
export interface Failure {
  result: "failed";
  kind: EventKind;
  devEui: string;
  time: number;
  error: unknown;
}

export type ItemResult = Outcome | Failure;

export interface DecodeReport {
  status: DecodeStatus;
  note: string | null;
  issue: { code: string; message: string } | null;
  /** Readings this uplink decoded that an earlier uplink of the device had written already (kept those). */
  heldByEarlier?: number;
}

export interface Reason {
  code: string;
  message: string;
}

const head = (ev: IngestEvent) => ({ kind: ev.kind, devEui: ev.devEui, time: ev.time });

export const duplicate = (ev: IngestEvent): Outcome => ({ ...head(ev), result: "duplicate" });
export const quarantined = (ev: IngestEvent, reason: Reason): Outcome => ({ ...head(ev), result: "quarantined", reason });
export const failed = (ev: IngestEvent, error: unknown): Failure => ({ ...head(ev), result: "failed", error });

export function unknownDevice(devEui: string): Reason {
  return {
    code: "UNKNOWN_DEVICE",
    message: `device ${devEui} is not registered: register it with POST /v1/admin/devices, then POST /v1/admin/redecode {"quarantine": true}`,
  };
}

export function conflictingUplink(ev: IngestEvent & { fCnt: number }): Reason {
  return {
    code: "CONFLICTING_UPLINK",
    message: `device ${ev.devEui} already has a different uplink with frame counter ${ev.fCnt} at ${new Date(ev.time).toISOString()}`,
  };
}

export function revokedToken(tokenId: number): Reason {
  return {
    code: "TOKEN_REVOKED",
    message: `ingest token ${tokenId}, which sent this event, is revoked or deleted: its events are no longer replayed into the readings`,
  };
}

/** D1 refused what this event writes (not an outage): the event is kept aside with D1's words. */
export function refusedByStorage(error: unknown): Reason {
  const message = error instanceof Error ? error.message : String(error);
  return { code: "STORE_REFUSED", message: `D1 refused to store this event: ${message.slice(0, 500)}` };
}

/** What the quarantine keeps of an event: the event itself and the scope it was accepted under. */
export interface QuarantinedPayload {
  event: IngestEvent;
  scope: Scope;
}

/** Insert-if-new of the whole event, with its scope and the reason, into the quarantine. */
export function prepareQuarantine(db: D1Database, ev: IngestEvent, scope: Scope, reason: Reason): D1PreparedStatement {
  const payload: QuarantinedPayload = { event: ev, scope };
  return prepareInsertQuarantined(db, {
    eventKey: globalEventKey(ev),
    receivedAt: ev.receivedAt,
    source: ev.source,
    kind: ev.kind,
    devEui: ev.devEui,
    time: ev.time,
    reasonCode: reason.code,
    reason: reason.message,
    tokenId: scope.tokenId,
    event: JSON.stringify(payload),
  });
}
