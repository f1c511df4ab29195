import { z } from "zod";
import { parseJson } from "../body.ts";
import { malformed } from "../errors.ts";
import type { IngestEvent } from "../event.ts";
import { ulidToHex } from "../encoding.ts";
import { bytes, devEui, float, fPort, int32, parseOrThrow, timestamp, uint32 } from "../schema.ts";

/**
 * The Things Stack v3 webhook messages (lorawan-stack-docs, data formats). snake_case, empty,
 * zero and false fields omitted, DevEUI in upper case, `Z` timestamps, frequency as a string.
 * Uplink messages become `up` events and join-accepts `join` events; other message types are
 * refused with the webhook setting to change.
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
  uplink_message: uplinkMessage.optional(),
  join_accept: z.object({ received_at: timestamp.optional() }).optional(),
});

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

export function parseTtn(body: Uint8Array, receivedAt: number): IngestEvent {
  const m = parseOrThrow(ttnMessage, parseJson(body), "The Things Stack webhook message", "the webhook must use the JSON format");
  const ids = m.end_device_ids;
  if (m.uplink_message) {
    const u = m.uplink_message;
    let best: { rssi: number | null; snr: number | null } = { rssi: null, snr: null };
    for (const r of u.rx_metadata) {
      const snr = r.snr ?? null;
      const rssi = r.rssi ?? r.channel_rssi ?? null;
      if (best.snr === null || (snr !== null && (snr > best.snr || (snr === best.snr && (rssi ?? -999) > (best.rssi ?? -999))))) {
        if (snr !== null || rssi !== null) best = { rssi, snr };
      }
    }
    return {
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
  }
  if (m.join_accept) {
    return {
      kind: "join",
      source: "ttn",
      devEui: ids.dev_eui,
      time: m.join_accept.received_at ?? m.received_at ?? receivedAt,
      receivedAt,
      dedupId: null,
      devAddr: ids.dev_addr?.toLowerCase() ?? null,
    };
  }
  throw malformed(
    "UNSUPPORTED_MESSAGE",
    "this webhook message is neither an uplink_message nor a join_accept: enable only the \"Uplink message\" and \"Join accept\" message types of the webhook",
  );
}
