import { z } from "zod";
import { parseTimestamp } from "../encoding.ts";
import type { IngestEvent, UplinkEvent } from "../event.ts";
import { checkFrmPayload } from "../lorawan.ts";
import { bytes, devEui, float, fPort, int32, stringMap, timestamp, uint32, uuid } from "../schema.ts";

/**
 * ChirpStack v4 integration events in their proto3-JSON form (api/proto/integration/integration.proto).
 * Scalars of integration.* messages are always sent, but every one of them is optional here with
 * its proto3 default, as are the gw.* / common.* fields ChirpStack omits when zero.
 */

const deviceInfo = z.object(
  {
    devEui,
    deviceName: z.string().optional(),
    applicationId: z.string().optional(),
    tags: stringMap.optional(),
  },
  { error: "deviceInfo is required: it names the device (devEui)" },
);

const rxInfo = z.object({
  gatewayId: z.string().optional(),
  rssi: int32.optional(),
  snr: float.optional(),
  gwTime: timestamp.optional(),
  nsTime: timestamp.optional(),
});

const common = {
  time: timestamp.optional(),
  deviceInfo,
};

export const SCHEMAS = {
  up: z.object({
    ...common,
    deduplicationId: uuid.optional(),
    devAddr: z.string().optional(),
    dr: uint32.optional(),
    fCnt: uint32.default(0),
    fPort: fPort.default(0),
    confirmed: z.boolean().default(false),
    data: bytes.default(""),
    rxInfo: z.array(rxInfo).default([]),
  }),
  join: z.object({ ...common, deduplicationId: uuid.optional(), devAddr: z.string().optional() }),
  status: z.object({
    ...common,
    deduplicationId: uuid.optional(),
    margin: int32.default(0),
    externalPowerSource: z.boolean().default(false),
    batteryLevelUnavailable: z.boolean().default(false),
    batteryLevel: float.default(0),
  }),
  ack: z.object({
    ...common,
    deduplicationId: uuid.optional(),
    queueItemId: z.string().default(""),
    acknowledged: z.boolean().default(false),
    fCntDown: uint32.default(0),
  }),
  txack: z.object({
    ...common,
    downlinkId: uint32.default(0),
    queueItemId: z.string().default(""),
    fCntDown: uint32.default(0),
    gatewayId: z.string().default(""),
    txInfo: z.object({ frequency: uint32.optional(), power: int32.optional() }).optional(),
  }),
  log: z.object({
    ...common,
    // Kept as sent (nanoseconds): two log lines of one millisecond stay two events.
    time: z
      .string()
      .refine((t) => parseTimestamp(t) !== null, { error: (i) => `expected an RFC 3339 timestamp, got ${JSON.stringify(i.input)}` })
      .optional(),
    level: z.string().default("INFO"),
    code: z.string().default("UNKNOWN"),
    description: z.string().default(""),
    context: stringMap.default({}),
  }),
  location: z.object({
    ...common,
    deduplicationId: uuid.optional(),
    location: z.object(
      {
        latitude: float,
        longitude: float,
        altitude: float.optional(),
        source: z.string().optional(),
        accuracy: float.optional(),
      },
      { error: "location is required: a location event carries latitude and longitude" },
    ),
  }),
} as const;

export type ChirpstackKind = keyof typeof SCHEMAS;
type Parsed<K extends ChirpstackKind> = z.output<(typeof SCHEMAS)[K]>;

/** The best reception: highest SNR, then highest RSSI. */
function bestGateway(rx: Parsed<"up">["rxInfo"]): { rssi: number | null; snr: number | null } {
  let best: { rssi: number | null; snr: number | null } = { rssi: null, snr: null };
  for (const r of rx) {
    const snr = r.snr ?? null;
    const rssi = r.rssi ?? null;
    const better = best.snr === null || (snr !== null && (snr > best.snr || (snr === best.snr && (rssi ?? -999) > (best.rssi ?? -999))));
    if (better && (snr !== null || rssi !== null)) best = { rssi, snr };
  }
  return best;
}

/** ChirpStack's own receive time: the earliest `nsTime` of the gateways that heard the frame. */
function networkServerTime(rx: Parsed<"up">["rxInfo"]): number | null {
  const times = rx.flatMap((r) => (r.nsTime === undefined ? [] : [r.nsTime]));
  return times.length === 0 ? null : Math.min(...times);
}

function uplink(p: Parsed<"up">, receivedAt: number): UplinkEvent {
  checkFrmPayload(p.data, "data");
  const gateway = bestGateway(p.rxInfo);
  const nsTime = networkServerTime(p.rxInfo);
  // `time` is what ChirpStack settled on (uplink/helpers.rs get_rx_timestamp: GPS, else the
  // gateway's clock within its drift limit, else its own); it is a message field and may be absent.
  const time = p.time ?? nsTime ?? receivedAt;
  return {
    kind: "up",
    source: "chirpstack",
    devEui: p.deviceInfo.devEui,
    time,
    nsTime,
    receivedAt,
    dedupId: p.deduplicationId ?? null,
    fCnt: p.fCnt,
    fPort: p.fPort,
    payload: p.data,
    devAddr: p.devAddr || null,
    confirmed: p.confirmed,
    rssi: gateway.rssi,
    snr: gateway.snr,
    dr: p.dr ?? null,
    gateways: p.rxInfo.length,
  };
}

/** A validated ChirpStack event of kind `kind` → the neutral event. */
export function toIngestEvent<K extends ChirpstackKind>(kind: K, parsed: Parsed<K>, receivedAt: number): IngestEvent {
  const base = { source: "chirpstack" as const, devEui: parsed.deviceInfo.devEui, receivedAt };
  switch (kind) {
    case "up":
      return uplink(parsed as Parsed<"up">, receivedAt);
    case "join": {
      const p = parsed as Parsed<"join">;
      return { ...base, kind: "join", time: p.time ?? receivedAt, dedupId: p.deduplicationId ?? null, devAddr: p.devAddr || null };
    }
    case "status": {
      const p = parsed as Parsed<"status">;
      return {
        ...base,
        kind: "status",
        time: p.time ?? receivedAt,
        dedupId: p.deduplicationId ?? null,
        margin: p.margin,
        externalPower: p.externalPowerSource,
        // ChirpStack sends 0 both for "empty" and "unknown"; the flags say which (maccommand/dev_status.rs).
        batteryLevel: p.batteryLevelUnavailable || p.externalPowerSource ? null : p.batteryLevel,
      };
    }
    case "ack": {
      const p = parsed as Parsed<"ack">;
      return {
        ...base,
        kind: "ack",
        time: p.time ?? receivedAt,
        dedupId: p.deduplicationId ?? null,
        queueItemId: p.queueItemId,
        acknowledged: p.acknowledged,
        fCntDown: p.fCntDown,
      };
    }
    case "txack": {
      const p = parsed as Parsed<"txack">;
      return {
        ...base,
        kind: "txack",
        time: p.time ?? receivedAt,
        downlinkId: p.downlinkId,
        queueItemId: p.queueItemId,
        fCntDown: p.fCntDown,
        gatewayId: p.gatewayId || null,
        frequency: p.txInfo?.frequency ?? null,
        power: p.txInfo?.power ?? null,
      };
    }
    case "log": {
      const p = parsed as Parsed<"log">;
      return {
        ...base,
        kind: "log",
        time: (p.time !== undefined ? parseTimestamp(p.time) : null) ?? receivedAt,
        rawTime: p.time ?? String(receivedAt),
        level: p.level,
        code: p.code,
        description: p.description,
        context: p.context,
      };
    }
    case "location": {
      const p = parsed as Parsed<"location">;
      return {
        ...base,
        kind: "location",
        time: p.time ?? receivedAt,
        dedupId: p.deduplicationId ?? null,
        latitude: p.location.latitude,
        longitude: p.location.longitude,
        altitude: p.location.altitude ?? null,
        accuracy: p.location.accuracy ?? null,
        locationSource: p.location.source ?? null,
      };
    }
  }
  throw new Error(`unhandled ChirpStack event kind ${String(kind)}`);
}
