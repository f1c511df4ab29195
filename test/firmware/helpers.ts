import { codec } from "../../codecs/src/node.ts";
import type { ProfileId } from "../../codecs/src/data.ts";
import { type Environment, FirmwareDevice, type DeviceOptions, type Uplink } from "../../firmware/src/device.ts";

export type Json = Record<string, unknown>;

/** A device of `profile` booted at clock 0 with a scripted environment. */
export function device(profile: ProfileId, env: Environment, options: Partial<DeviceOptions> = {}): FirmwareDevice {
  return new FirmwareDevice({ profile, env, ...options }).boot();
}

/** The decoded data of an uplink (throws when the codec refuses it). */
export function decoded(profile: ProfileId, u: Uplink): Json {
  const r = codec.decodeUplink(profile, u.fPort, u.bytes);
  if (!r.data) throw new Error(`firmware sent a frame the codec refuses: ${r.errors.join("; ")}`);
  return r.data as unknown as Json;
}

export function messages(profile: ProfileId, d: FirmwareDevice, message: string): Json[] {
  return d.uplinks.map((u) => decoded(profile, u)).filter((m) => m["message"] === message);
}

/** Samples of every measurement uplink, with the clock time each one stands for (reception + offset). */
export function samplesOf(profile: ProfileId, d: FirmwareDevice): Array<Json & { at: number }> {
  return d.uplinks.flatMap((u) => {
    const m = decoded(profile, u);
    if (m["message"] !== "measurement") return [];
    return (m["samples"] as Json[]).map((s) => ({ ...s, at: u.clock + (s["offset"] as number) }));
  });
}

export function get(node: Json, key: string): unknown {
  let at: unknown = node;
  for (const part of key.split(".")) at = at !== null && typeof at === "object" ? (at as Json)[part] : undefined;
  return at;
}

export function downlink(d: FirmwareDevice, profile: ProfileId, command: Parameters<typeof codec.encodeDownlink>[1]): void {
  const f = codec.encodeDownlink(profile, command);
  d.downlink(f.fPort, f.bytes);
}

/** Battery channel of each profile: the battery is the last field of its measurement layout. */
export const ENV_BASE = [20, 50, 1013, 40, 60, 8, 12, 20, 3.6];
export const envSensor = (overrides: Record<number, (t: number) => number> = {}) => (ch: number, t: number) =>
  overrides[ch] ? (overrides[ch] as (t: number) => number)(t) : ch < ENV_BASE.length ? (ENV_BASE[ch] as number) : Number.NaN;
