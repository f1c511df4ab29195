/**
 * The network-server-neutral form of everything ingest accepts. ChirpStack (JSON or protobuf)
 * and The Things Stack are parsed into these shapes at the door; every later step — storage,
 * quarantine, the spool, re-decoding — works on them only. They are plain JSON (payload in
 * base64) so the spool and the quarantine can keep them whole.
 */

export const EVENT_KINDS = ["up", "join", "status", "ack", "txack", "log", "location"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export type Source = "chirpstack" | "ttn";

interface EventBase {
  source: Source;
  /** 16 lowercase hex digits. */
  devEui: string;
  /**
   * The event's time as the network server chose it, epoch ms (UTC): ChirpStack's `time` (GPS,
   * else a gateway clock within its drift limit, else its own receive time), The Things Stack's
   * receive time. Readings are dated from it (worker/README.md, "Time").
   */
  time: number;
  /** When the Worker accepted it, epoch ms. */
  receivedAt: number;
}

export interface UplinkEvent extends EventBase {
  kind: "up";
  /**
   * The network server's own receive time, epoch ms: the earliest ChirpStack `rxInfo[].nsTime`,
   * The Things Stack `uplink_message.received_at`. Null when it did not say; absent from events
   * queued, spooled or quarantined before it was recorded.
   */
  nsTime?: number | null | undefined;
  /** ChirpStack deduplicationId or The Things Stack `as:up` ULID, as 32 hex digits. */
  dedupId: string | null;
  fCnt: number;
  /** 0 when the frame carries no application payload (MAC commands only). */
  fPort: number;
  /** FRMPayload, base64. */
  payload: string;
  devAddr: string | null;
  confirmed: boolean;
  /** Best gateway (highest SNR, then RSSI). */
  rssi: number | null;
  snr: number | null;
  dr: number | null;
  gateways: number;
}

export interface JoinEvent extends EventBase {
  kind: "join";
  dedupId: string | null;
  devAddr: string | null;
}

/** LoRaWAN DevStatusAns, as ChirpStack reports it. */
export interface StatusEvent extends EventBase {
  kind: "status";
  dedupId: string | null;
  margin: number;
  externalPower: boolean;
  /** Battery %, null when the device cannot measure it (or runs on external power). */
  batteryLevel: number | null;
}

/** The device acknowledged (or failed to acknowledge) a confirmed downlink. */
export interface AckEvent extends EventBase {
  kind: "ack";
  dedupId: string | null;
  queueItemId: string;
  acknowledged: boolean;
  fCntDown: number;
}

/** A gateway accepted a downlink for transmission (not proof it was sent). */
export interface TxAckEvent extends EventBase {
  kind: "txack";
  downlinkId: number;
  queueItemId: string;
  fCntDown: number;
  gatewayId: string | null;
  frequency: number | null;
  power: number | null;
}

export interface LogEvent extends EventBase {
  kind: "log";
  level: string;
  code: string;
  description: string;
  context: Record<string, string>;
  /** The event's time as sent (ns precision), which tells two log lines of one millisecond apart. */
  rawTime: string;
}

export interface LocationEvent extends EventBase {
  kind: "location";
  dedupId: string | null;
  latitude: number;
  longitude: number;
  altitude: number | null;
  accuracy: number | null;
  locationSource: string | null;
}

export type DeviceEvent = JoinEvent | StatusEvent | AckEvent | TxAckEvent | LogEvent | LocationEvent;
export type IngestEvent = UplinkEvent | DeviceEvent;

/**
 * What makes a redelivery of `event` a duplicate, among the events of its device and kind.
 * Uplinks: time and frame counter (the uplinks table's key); other events: the id the network
 * server gave them.
 */
export function eventKey(event: IngestEvent): string {
  switch (event.kind) {
    case "up":
      return `${event.time}:${event.fCnt}`;
    case "join":
    case "status":
    case "location":
      return event.dedupId ?? String(event.time);
    case "ack":
      return event.dedupId ? `${event.dedupId}:${event.queueItemId}` : event.queueItemId;
    case "txack":
      return String(event.downlinkId);
    case "log":
      return `${event.rawTime}:${event.code}:${fnv1a(event.description)}`;
  }
}

/** Unique over all events: the quarantine's and the spool's key. */
export function globalEventKey(event: IngestEvent): string {
  return `${event.kind}:${event.devEui}:${eventKey(event)}`;
}

/** 32-bit FNV-1a, hex: a short stable fingerprint (not a security hash). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
