import { malformed } from "./errors.ts";

/**
 * The largest FRMPayload LoRaWAN carries, in bytes. LoRaWAN Regional Parameters (RP002-1.0.4)
 * give the maximum MACPayload size M per region and data rate; the largest in any region is 250
 * bytes (EU863-870 DR4-DR7, US902-928 DR4, AS923 DR3-DR7, …), and the smallest frame header
 * (FHDR of 7 bytes without FOpts, plus the 1-byte FPort) leaves N = M − 8 = 242 bytes of
 * application payload. EU868 allows only 51 bytes at DR0-DR2 and 115 at DR3, but a frame's data
 * rate is not always reported, so the bound checked is the one no region exceeds.
 */
export const MAX_FRM_PAYLOAD_BYTES = 242;

/** Decoded length of canonical (padded) base64. */
function base64Length(b64: string): number {
  const padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

/** Refuses (400 PAYLOAD_TOO_LONG) an FRMPayload no LoRaWAN device can have sent; `field` names it in the body. */
export function checkFrmPayload(b64: string, field: string): void {
  const length = base64Length(b64);
  if (length <= MAX_FRM_PAYLOAD_BYTES) return;
  throw malformed(
    "PAYLOAD_TOO_LONG",
    `${field} is ${length} bytes long, but a LoRaWAN FRMPayload is at most ${MAX_FRM_PAYLOAD_BYTES} bytes ` +
      "(a MACPayload of 250 bytes, the largest of any region and data rate, minus 8 bytes of frame header): this is not a LoRaWAN uplink",
  );
}
