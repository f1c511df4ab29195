/**
 * The benchmark's fleet and traffic: 160 devices, 20 of each own profile, each reporting every
 * 10 minutes a frame of its profile with plausible, slowly varying values — the payloads the
 * codecs would get from the street, so decoding and storage do their real work.
 */
import { codec } from "../../codecs/src/node.ts";

export const PROFILES = ["env", "noise", "footfall", "waste", "meter", "mobility", "furniture", "infra"] as const;
export const DEVICES = 160;
export const REPORT_EVERY_MS = 600_000;
const T0 = Date.UTC(2026, 0, 1);

export function devEuiOf(d: number): string {
  return `0c1abe${d.toString(16).padStart(10, "0")}`;
}

export function profileOf(d: number): (typeof PROFILES)[number] {
  return PROFILES[d % PROFILES.length]!;
}

/** The registry import for the fleet (POST /v1/admin/devices/import). */
export function fleetCsv(): string {
  const communes = ["13001", "13055", "13005", "13056"];
  const lines = ["devEui,name,commune,profile,latitude,longitude,public"];
  for (let d = 0; d < DEVICES; d++) {
    lines.push(`${devEuiOf(d)},bench ${profileOf(d)} ${d},${communes[d % communes.length]},${profileOf(d)},${(43.3 + d / 1000).toFixed(4)},${(5.4 + d / 1000).toFixed(4)},true`);
  }
  return lines.join("\n");
}

function reading(profile: (typeof PROFILES)[number], n: number, d: number): Record<string, unknown> {
  const w = Math.sin(n / 20 + d);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  switch (profile) {
    case "env":
      return {
        air: { temperature: r2(18 + 5 * w), relativeHumidity: Math.round((50 + 20 * w) * 2) / 2, pressure: r1(1013 + 5 * w), no2: Math.round(30 + 20 * w), o3: Math.round(60 + 30 * w), pm1: r1(6 + 3 * w), pm2_5: r1(11 + 5 * w), pm10: r1(21 + 8 * w) },
        battery: r2(3.6 - n * 0.0001),
      };
    case "noise":
      return { sound: { laeq: r1(60 + 8 * w), lamax: r1(75 + 8 * w), lamin: r1(45 + 5 * w), la10: r1(65 + 8 * w), la90: r1(50 + 5 * w) }, battery: 3.55 };
    case "footfall":
      return { count: { in: Math.round(100 + 80 * w), out: Math.round(90 + 70 * w), period: 600 }, battery: 3.6 };
    case "waste":
      return { level: { fill: Math.round(50 + 40 * w), distance: Math.round(800 - 300 * w) }, air: { temperature: Math.round((20 + 3 * w) * 2) / 2 }, tilt: { angle: 2 }, battery: 3.58 };
    case "meter":
      return { metering: { water: { total: 100000 + n * 37 } }, battery: 3.6 };
    case "mobility":
      return { vehicles: { bike: Math.round(5 + 4 * w), ebike: 3, scooter: 2, car: 0 }, docks: { available: Math.round(10 - 4 * w) }, station: { status: "open" } };
    case "furniture":
      return { furniture: { state: "on" }, light: { dimming: 80 }, metering: { electricity: { total: 50000 + n * 12 } }, electricity: { power: Math.round(60 + 10 * w) }, usage: { count: 3 }, battery: 3.6 };
    case "infra":
      return { vibration: { rms: r2(0.2 + 0.1 * w), peak: r2(1 + 0.5 * w) }, tilt: { angle: r2(0.5 * w) }, air: { temperature: r1(20 + 3 * w) }, water: { level: Math.round(100 + 20 * w) }, device: { faultCode: 0 }, battery: 3.6 };
  }
}

/** Uplink i of the run as a ChirpStack v4 `up` event (JSON), with the fields ChirpStack always sends. */
export function uplinkBody(i: number): string {
  const d = i % DEVICES;
  const n = Math.floor(i / DEVICES);
  const profile = profileOf(d);
  const { bytes, fPort } = codec.encodeUplink(profile, reading(profile, n, d) as never);
  const time = new Date(T0 + n * REPORT_EVERY_MS + d * 3517);
  const hex = (i + 1).toString(16).padStart(12, "0");
  return JSON.stringify({
    deduplicationId: `b3c4d5e6-0000-4000-8000-${hex}`,
    time: time.toISOString().replace("Z", "000000+00:00"),
    deviceInfo: {
      tenantId: "0b7e1c44-4a1d-4d2f-8f55-3c1c6f0d9a10",
      tenantName: "Métropole Aix-Marseille-Provence",
      applicationId: "1f3a9c2e-7b64-4c1e-9d0a-5e2f8b7c6a41",
      applicationName: `cigale-${profile}`,
      deviceProfileId: "6c2d1e0f-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
      deviceProfileName: `cigale-${profile}-eu868`,
      deviceName: `bench-${d}`,
      devEui: devEuiOf(d),
      deviceClassEnabled: "CLASS_A",
      tags: {},
    },
    devAddr: "260b4c1d",
    adr: true,
    dr: 5,
    fCnt: n,
    fPort,
    confirmed: false,
    data: Buffer.from(bytes).toString("base64"),
    rxInfo: [
      {
        gatewayId: "0016c001f1530a01",
        uplinkId: i,
        nsTime: new Date(time.getTime() + 40).toISOString().replace("Z", "000000+00:00"),
        rssi: -90 - (i % 25),
        snr: 7.25 + (i % 8),
        channel: i % 8,
        context: "AAAAAA==",
        metadata: { region_config_id: "eu868", region_common_name: "EU868" },
        crcStatus: "CRC_OK",
      },
    ],
    txInfo: { frequency: 868100000 + (i % 8) * 200000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: "CR_4_5" } } },
    regionConfigId: "eu868",
  });
}
