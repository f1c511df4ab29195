// EU868 limits the firmware obeys (LoRaWAN Regional Parameters RP002-1.0.4; Semtech AN1200.13):
// the largest payload per data rate and the time on air of a frame, for the 1 % duty cycle.

const MAX_PAYLOAD: StaticArray<i32> = [51, 51, 51, 115, 222, 222];
/** MHDR 1 + FHDR 7 + FPort 1 + MIC 4 bytes around the application payload. */
const OVERHEAD = 13;

export function maxPayload(dr: i32): i32 {
  return dr < 0 ? 0 : unchecked(MAX_PAYLOAD[dr > 5 ? 5 : dr]);
}

/**
 * Time on air in milliseconds of `payload` application bytes at EU868 DR0…DR5 (SF12…SF7, 125 kHz):
 * explicit header, CRC on, coding rate 4/5, 8-symbol preamble, low data rate optimisation at SF11/12.
 */
export function timeOnAirMs(payload: i32, dr: i32): f64 {
  const sf = 12 - (dr > 5 ? 5 : dr);
  const symbolMs = <f64>(1 << sf) / 125.0;
  const lowDataRate = sf >= 11 ? 1 : 0;
  const bits = 8 * (payload + OVERHEAD) - 4 * sf + 28 + 16;
  const per = 4 * (sf - 2 * lowDataRate);
  let blocks = (bits + per - 1) / per; // ceil for positive bits
  if (bits <= 0) blocks = 0;
  const payloadSymbols = 8 + blocks * 5;
  return (12.25 + <f64>payloadSymbols) * symbolMs;
}

/** The 1 % duty cycle: after a frame of `toaMs`, the sub-band stays silent 99 times as long. */
export function silenceAfterMs(toaMs: f64): f64 {
  return toaMs * 99.0;
}
