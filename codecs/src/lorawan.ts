/**
 * LoRaWAN EU868 facts the codecs need: payload limits per data rate and time on air.
 * Source: LoRaWAN Regional Parameters RP002-1.0.4, EU863-870 (maximum FRMPayload size N with no
 * FOpts); Semtech AN1200.13 for the time-on-air formula.
 */

/** Largest FRMPayload in bytes at EU868 DR0…DR7 (no FOpts, repeater-compatible values). */
export const EU868_MAX_PAYLOAD: readonly number[] = [51, 51, 51, 115, 222, 222, 222, 222];

/** Spreading factor and bandwidth of EU868 DR0…DR6 (DR7 is FSK). */
export const EU868_DATA_RATES: ReadonlyArray<{ readonly dr: number; readonly sf: number; readonly bandwidthKHz: number }> = [
  { dr: 0, sf: 12, bandwidthKHz: 125 },
  { dr: 1, sf: 11, bandwidthKHz: 125 },
  { dr: 2, sf: 10, bandwidthKHz: 125 },
  { dr: 3, sf: 9, bandwidthKHz: 125 },
  { dr: 4, sf: 8, bandwidthKHz: 125 },
  { dr: 5, sf: 7, bandwidthKHz: 125 },
  { dr: 6, sf: 7, bandwidthKHz: 250 },
];

/** LoRaWAN MAC overhead around the FRMPayload: MHDR 1 + FHDR 7 + FPort 1 + MIC 4 bytes. */
export const LORAWAN_OVERHEAD_BYTES = 13;

/**
 * Time on air in milliseconds of an uplink carrying `payloadBytes` of application payload,
 * LoRa modulation, explicit header, CRC on, coding rate 4/5, 8-symbol preamble; low data rate
 * optimisation on for SF11/SF12 at 125 kHz as LoRaWAN requires.
 */
export function timeOnAirMs(payloadBytes: number, sf: number, bandwidthKHz = 125): number {
  const phyBytes = payloadBytes + LORAWAN_OVERHEAD_BYTES;
  const symbolMs = 2 ** sf / bandwidthKHz;
  const lowDataRate = bandwidthKHz === 125 && sf >= 11 ? 1 : 0;
  const codingRate = 1; // 4/5
  const payloadSymbols =
    8 + Math.max(Math.ceil((8 * phyBytes - 4 * sf + 28 + 16) / (4 * (sf - 2 * lowDataRate))) * (codingRate + 4), 0);
  return (8 + 4.25 + payloadSymbols) * symbolMs;
}
