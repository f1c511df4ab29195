import { env } from "cloudflare:workers";
import { newDevEui } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { registerDevice, type Registry, setUpRegistry } from "../helpers/registry.ts";
import { deviceId, seedReadings } from "../indicators/seed.ts";

/**
 * A small world for the public routes: public and private devices in Aix (13001), Marseille
 * (13055) and Toulon (83137, territory tpm), with readings around a fixed day, device states, and
 * read keys of each kind. Readings go straight to D1 in stored units, as ingest stores them.
 */

export const DAY = Date.parse("2026-03-10T00:00:00Z");
export const HOUR = 3_600_000;

export interface World {
  reg: Registry;
  /** Public env station in Aix: NO2 hourly over 2026-03-10 (UTC), temperature, battery, interval 600 s; heard recently. */
  aixAir: string;
  /** Private water meter in Aix (a building meter): read:private only. */
  aixMeter: string;
  /** Public noise monitor in Marseille. */
  marseilleNoise: string;
  /** Public env station in Toulon (territory tpm), never heard. */
  toulonAir: string;
  keys: { read: string; private: string; privateMarseille: string; tpm: string };
}

async function readKey(admin: string, body: Record<string, unknown>): Promise<string> {
  const r = await call<{ key: string }>("POST", "/v1/admin/api-keys", { token: admin, json: { name: `key ${crypto.randomUUID()}`, ...body } });
  if (r.status !== 201) throw new Error(`read key: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.key;
}

async function seenAt(devEui: string, time: number, battery: number | null): Promise<void> {
  await env.DB.prepare("INSERT INTO device_state (device_id, last_seen_at, f_cnt, f_port, rssi, snr, dr, battery) VALUES (?1, ?2, 7, 2, -97, 6.5, 5, ?3)")
    .bind(await deviceId(devEui), time, battery)
    .run();
}

/** NO2 of hour h (0–23) on DAY at :00 and :30: 20 + h and 22 + h µg/m³. */
export const no2At = (h: number, half: 0 | 1) => 20 + h + 2 * half;

export async function seedWorld(): Promise<World> {
  const reg = await setUpRegistry();
  const w: World = {
    reg,
    aixAir: newDevEui(),
    aixMeter: newDevEui(),
    marseilleNoise: newDevEui(),
    toulonAir: newDevEui(),
    keys: {
      read: await readKey(reg.admin, { scope: "read" }),
      private: await readKey(reg.admin, { scope: "read:private" }),
      privateMarseille: await readKey(reg.admin, { scope: "read:private", commune: "13055" }),
      tpm: await readKey(reg.admin, { scope: "read:private", territory: "tpm" }),
    },
  };
  await registerDevice(reg.admin, w.aixAir, { name: "Aix air", commune: "13001", profile: "env", public: true });
  await registerDevice(reg.admin, w.aixMeter, { name: "Aix meter", commune: "13001", profile: "meter", public: false });
  await registerDevice(reg.admin, w.marseilleNoise, { name: "Marseille noise", commune: "13055", profile: "noise", public: true });
  await registerDevice(reg.admin, w.toulonAir, { name: "Toulon air", commune: "83137", profile: "env", public: true });

  const halfHours = Array.from({ length: 48 }, (_, i) => [DAY + i * 1_800_000, no2At(Math.floor(i / 2), (i % 2) as 0 | 1)] as const);
  await seedReadings(w.aixAir, "air.no2", halfHours);
  await seedReadings(w.aixAir, "air.temperature", [[DAY, 11.25], [DAY + 23 * HOUR, 14.5]]);
  await seedReadings(w.aixAir, "battery", [[DAY + 23 * HOUR, 3.61]]);
  await seedReadings(w.aixAir, "device.interval", [[DAY, 600]]);
  await seedReadings(w.aixMeter, "metering.water.total", [[DAY, 1000], [DAY + HOUR, 1012]]);
  await seedReadings(w.marseilleNoise, "sound.laeq", [[DAY + HOUR, 61.5], [DAY + 2 * HOUR, 58]]);
  await seenAt(w.aixAir, Date.now() - 60_000, 3.61);
  await seenAt(w.aixMeter, Date.now() - 60_000, null);
  // Heard 2 days ago: offline for the default 1 h interval.
  await seenAt(w.marseilleNoise, Date.now() - 2 * 86_400_000, null);
  return w;
}
