import { z } from "zod";
import { parseJson } from "../body.ts";
import { malformed } from "../errors.ts";
import type { IngestEvent } from "../event.ts";
import { ulidToHex } from "../encoding.ts";
import { checkFrmPayload } from "../lorawan.ts";
import { bytes, devEui, float, fPort, int32, parseOrThrow, timestamp, uint32 } from "../schema.ts";

/**
 * The Things Stack v3 webhook messages (lorawan-stack-docs, data formats). snake_case, empty,
 * zero and false fields omitted, DevEUI in upper case, `Z` timestamps, frequency as a string.
 * Uplink messages become `up` events and join-accepts `join` events. The other message types a
 * webhook can send, and uplinks the console simulated, carry no measurement: they are answered
 * "ignored" (a 2xx: The Things Stack counts a webhook's failures, and a webhook it stops for
 * failing would stop delivering uplinks too) with the webhook setting to change.
 */

const endDeviceIds = z.object(
  {
    device_id: z.string().optional(),
    dev_eui: devEui,
    dev_addr: z.string().optional(),
  },
  { error: "end_device_ids is required" },
);

const uplinkMessage = z.object({
  f_port: fPort.default(0),
  f_cnt: uint32.default(0),
  frm_payload: bytes.default(""),
  confirmed: z.boolean().default(false),
  rx_metadata: z
    .array(
      z.object({
        rssi: int32.optional(),
        channel_rssi: int32.optional(),
        snr: float.optional(),
      }),
    )
    .default([]),
  settings: z
    .object({
      data_rate: z
        .object({
          lora: z.object({ bandwidth: uint32.optional(), spreading_factor: uint32.optional() }).optional(),
          fsk: z.object({}).optional(),
        })
        .optional(),
    })
    .optional(),
  received_at: timestamp.optional(),
});

export const ttnMessage = z.object({
  end_device_ids: endDeviceIds,
  correlation_ids: z.array(z.string()).default([]),
  received_at: timestamp.optional(),
  /** Set on uplinks made with the console's "Simulate uplink": no radio frame behind it. */
  simulated: z.boolean().default(false),
  uplink_message: uplinkMessage.optional(),
  join_accept: z.object({ received_at: timestamp.optional() }).optional(),
});

/** Message types of The Things Stack's ApplicationUp that carry no measurement (its `api.swagger.json`). */
export const TTN_IGNORED_TYPES = [
  "uplink_normalized",
  "downlink_ack",
  "downlink_nack",
  "downlink_sent",
  "downlink_failed",
  "downlink_queued",
  "downlink_queue_invalidated",
  "location_solved",
  "service_data",
] as const;

const WEBHOOK_SETTING = 'enable only the "Uplink message" and "Join accept" message types of the webhook';

/** A message ingest answers without keeping it. */
export interface IgnoredMessage {
  messageType: string;
  devEui: string;
  time: number;
  message: string;
}

export type TtnMessage = { event: IngestEvent; ignored?: undefined } | { event?: undefined; ignored: IgnoredMessage };

/** EU868 data rate index from the modulation (the metropolis runs EU868): SF12/125 kHz = DR0 … SF7/250 kHz = DR6, FSK = DR7. */
function eu868DataRate(dr: { lora?: { bandwidth?: number | undefined; spreading_factor?: number | undefined } | undefined; fsk?: object | undefined } | undefined): number | null {
  if (!dr) return null;
  if (dr.fsk) return 7;
  const sf = dr.lora?.spreading_factor;
  const bw = dr.lora?.bandwidth;
  if (sf === undefined) return null;
  if (bw === 250000 && sf === 7) return 6;
  if (bw === 125000 && sf >= 7 && sf <= 12) return 12 - sf;
  return null;
}

/** The Application Server's uplink correlation id (`as:up:<ULID>`): stable across webhook retries. */
function applicationUplinkId(correlationIds: readonly string[]): string | null {
  for (const id of correlationIds) {
    if (id.startsWith("as:up:")) return ulidToHex(id.slice(6));
  }
  return null;
}

export function parseTtn(body: Uint8Array, receivedAt: number): TtnMessage {
  const raw = parseJson(body);
  const m = parseOrThrow(ttnMessage, raw, "The Things Stack webhook message", "the webhook must use the JSON format");
  const ids = m.end_device_ids;
  const time = m.received_at ?? receivedAt;
  if (m.uplink_message && m.simulated) {
    return {
      ignored: {
        messageType: "uplink_message",
        devEui: ids.dev_eui,
        time: m.uplink_message.received_at ?? time,
        message: "a simulated uplink (The Things Stack console, \"Simulate uplink\"): no device sent it, so it is not stored as a measurement",
      },
    };
  }
  if (m.uplink_message) {
    const u = m.uplink_message;
    checkFrmPayload(u.frm_payload, "uplink_message.frm_payload");
    let best: { rssi: number | null; snr: number | null } = { rssi: null, snr: null };
    for (const r of u.rx_metadata) {
      const snr = r.snr ?? null;
      const rssi = r.rssi ?? r.channel_rssi ?? null;
      if (best.snr === null || (snr !== null && (snr > best.snr || (snr === best.snr && (rssi ?? -999) > (best.rssi ?? -999))))) {
        if (snr !== null || rssi !== null) best = { rssi, snr };
      }
    }
    const event: IngestEvent = {
      kind: "up",
      source: "ttn",
      devEui: ids.dev_eui,
      // The Network Server's receive time: gateway clocks without GPS cannot be trusted.
      time: u.received_at ?? m.received_at ?? receivedAt,
      nsTime: u.received_at ?? null,
      receivedAt,
      dedupId: applicationUplinkId(m.correlation_ids),
      fCnt: u.f_cnt,
      fPort: u.f_port,
      payload: u.frm_payload,
      devAddr: ids.dev_addr?.toLowerCase() ?? null,
      confirmed: u.confirmed,
      rssi: best.rssi,
      snr: best.snr,
      dr: eu868DataRate(u.settings?.data_rate),
      gateways: u.rx_metadata.length,
    };
    return { event };
  }
  if (m.join_accept) {
    const event: IngestEvent = {
      kind: "join",
      source: "ttn",
      devEui: ids.dev_eui,
      time: m.join_accept.received_at ?? m.received_at ?? receivedAt,
      receivedAt,
      dedupId: null,
      devAddr: ids.dev_addr?.toLowerCase() ?? null,
    };
    return { event };
  }
  const type = TTN_IGNORED_TYPES.find((t) => typeof raw === "object" && raw !== null && t in raw);
  if (type) {
    return {
      ignored: {
        messageType: type,
        devEui: ids.dev_eui,
        time,
        message: `a ${type} message carries no measurement and is not stored: ${WEBHOOK_SETTING}`,
      },
    };
  }
  throw malformed(
    "UNSUPPORTED_MESSAGE",
    `this webhook message has none of the message types The Things Stack sends (uplink_message, join_accept, ${TTN_IGNORED_TYPES.join(", ")}): ${WEBHOOK_SETTING}, with the JSON format`,
  );
}
