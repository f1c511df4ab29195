import type { IngestEvent } from "./event.ts";

/**
 * How far after the Worker received it an event may be dated and still be believed. The network
 * server and the Worker both keep NTP time, so honest clocks differ by well under a second; the
 * margin covers a network server that takes a while to post. Beyond it the date comes from a
 * wrong clock (a gateway without GPS, a device's own clock), and storing it would write readings
 * in the future and hold the device state there: every later uplink would look older.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Null if the event's time is plausible, else why it goes to quarantine. The check is against the
 * time the Worker received it, not the time it is processed: a spool replay or a quarantine
 * redecode hours later judges the event as it was when it arrived. Old events are always
 * plausible: a backlog after an outage, a replay or a history import is stored whatever its age.
 */
export function implausibleTime(event: IngestEvent): { code: string; message: string } | null {
  if (event.time <= event.receivedAt + FUTURE_TOLERANCE_MS) return null;
  const ahead = Math.round((event.time - event.receivedAt) / 60_000);
  return {
    code: "FUTURE_TIME",
    message:
      `the ${event.kind} event of device ${event.devEui} is dated ${new Date(event.time).toISOString()}, ${ahead} min after the Worker received it ` +
      `(${new Date(event.receivedAt).toISOString()}; at most ${FUTURE_TOLERANCE_MS / 60_000} min is believed): a gateway or network-server clock is wrong. ` +
      "It is kept here, not stored as readings, so that it cannot hold the device state in the future",
  };
}
