import { env } from "cloudflare:workers";
import { codec } from "../../../codecs/src/worker.ts";

/** Fixture files of test/worker/fixtures (ChirpStack v4 and The Things Stack events, written from their proto and JSON definitions). */
export function fixtureBytes(name: string): Uint8Array {
  const b64 = env.TEST_FIXTURES[name];
  if (b64 === undefined) throw new Error(`no fixture ${name}`);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export type Json = Record<string, unknown>;

export function fixtureJson(name: string): Json {
  return JSON.parse(new TextDecoder().decode(fixtureBytes(name))) as Json;
}

export function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** A fresh UUID for deduplicationId. */
export const uuid = () => crypto.randomUUID();

/** ChirpStack's RFC 3339 form: nanoseconds and +00:00. */
export function chirpstackTime(ms: number, nanosTail = "000000"): string {
  return new Date(ms).toISOString().replace("Z", `${nanosTail}+00:00`);
}

let counter = 0;
/** Where this run's DevEUIs start (random, so that runs do not collide in a reused database). */
const DEV_EUI_BASE = Math.floor(Math.random() * 2 ** 39);

/** A DevEUI no other test uses. */
export function newDevEui(): string {
  counter += 1;
  // 70b3d5 + 40 bits: a random start below 2^39 for this run plus a counter below 2^39 never
  // carries into a 17th digit, and two runs against one database rarely meet.
  if (counter >= 2 ** 39) throw new Error("newDevEui: counter exhausted");
  return `70b3d5${(DEV_EUI_BASE + counter).toString(16).padStart(10, "0")}`;
}

export interface UpOptions {
  devEui: string;
  fCnt?: number;
  fPort?: number;
  data?: Uint8Array | string;
  time?: number;
  deduplicationId?: string;
}

/** The up.json fixture for another device and frame: every other field as ChirpStack sent it. */
export function chirpstackUp(o: UpOptions): Json {
  const up = fixtureJson("chirpstack/up.json");
  const deviceInfo = { ...(up["deviceInfo"] as Json), devEui: o.devEui };
  return {
    ...up,
    deduplicationId: o.deduplicationId ?? uuid(),
    time: chirpstackTime(o.time ?? Date.parse("2026-03-14T09:34:15.775Z")),
    deviceInfo,
    fCnt: o.fCnt ?? 42,
    fPort: o.fPort ?? 1,
    data: o.data === undefined ? up["data"] : typeof o.data === "string" ? o.data : base64(o.data),
  };
}

/** Any ChirpStack fixture event for another device. */
export function chirpstackEvent(kind: "join" | "status" | "ack" | "txack" | "log" | "location", devEui: string, patch: Json = {}): Json {
  const e = fixtureJson(`chirpstack/${kind}.json`);
  return { ...e, deviceInfo: { ...(e["deviceInfo"] as Json), devEui }, ...patch };
}

/** The TTS uplink fixture for another device and frame. */
export function ttnUplink(o: { devEui: string; fCnt?: number; fPort?: number; data?: Uint8Array; receivedAt?: number; asUp?: string }): Json {
  const m = fixtureJson("ttn/uplink.json");
  const ids = { ...(m["end_device_ids"] as Json), dev_eui: o.devEui.toUpperCase() };
  const up = { ...(m["uplink_message"] as Json) };
  if (o.fCnt !== undefined) up["f_cnt"] = o.fCnt;
  if (o.fPort !== undefined) up["f_port"] = o.fPort;
  if (o.data !== undefined) up["frm_payload"] = base64(o.data);
  if (o.receivedAt !== undefined) up["received_at"] = new Date(o.receivedAt).toISOString();
  const correlation = (m["correlation_ids"] as string[]).map((id) => (o.asUp && id.startsWith("as:up:") ? `as:up:${o.asUp}` : id));
  return { ...m, end_device_ids: ids, uplink_message: up, correlation_ids: correlation };
}

/** Frames of our own profiles, made by the same codec the Worker decodes with. */
export const ENV_READING = { air: { temperature: 21.35, relativeHumidity: 48, pressure: 1013.2, no2: 38, o3: 71, pm1: 8.1, pm2_5: 12.4, pm10: 19.8 }, battery: 3.61 };

export function envFrame(reading: Json = ENV_READING): { bytes: Uint8Array; fPort: number } {
  return codec.encodeUplink("env", reading as never);
}

/** A ChirpStack uplink of an env measurement (nine readings) from `devEui`. */
export function envUp(devEui: string, o: Omit<UpOptions, "devEui" | "data" | "fPort"> = {}): Json {
  const { bytes, fPort } = envFrame();
  return chirpstackUp({ ...o, devEui, fPort, data: bytes });
}

export function frame(profile: Parameters<typeof codec.encodeUplink>[0], reading: Json): { bytes: Uint8Array; fPort: number } {
  return codec.encodeUplink(profile, reading as never);
}
