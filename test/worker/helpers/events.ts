import { parseChirpstack } from "../../../worker/src/ingest/chirpstack/parse.ts";
import type { UplinkEvent } from "../../../worker/src/ingest/event.ts";
import { envUp } from "./fixtures.ts";

/** A ChirpStack uplink of the env profile, parsed as the ingest route parses it (the neutral event). */
export function chirpstackUpEvent(devEui: string, o: { fCnt?: number; time?: number } = {}, receivedAt = Date.now()): UplinkEvent {
  const event = parseChirpstack("up", "json", new TextEncoder().encode(JSON.stringify(envUp(devEui, o))), receivedAt);
  if (event.kind !== "up") throw new Error("not an uplink");
  return event;
}
