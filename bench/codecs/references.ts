/**
 * Reference readings of the benchmark: one realistic reading per profile (the env one is fixed
 * by issue 2), and multi-sample series as devices buffer them.
 */
import type { ProfileId } from "../../codecs/profiles/index.ts";

type Reading = Record<string, unknown>;

export const REFERENCE_READINGS: Readonly<Record<ProfileId, Reading>> = {
  env: { air: { temperature: 21.35, relativeHumidity: 48, pressure: 1013.2, no2: 38, o3: 71, pm1: 8.1, pm2_5: 12.4, pm10: 19.8 }, battery: 3.61 },
  // 10-minute levels on a busy street: LAeq 62.4 dB(A), background LA90 52.3.
  noise: { sound: { laeq: 62.4, lamax: 78.9, lamin: 48.2, la10: 66.1, la90: 52.3 }, battery: 3.58 },
  // A quarter hour at a pedestrian crossing of the Vieux-Port.
  footfall: { count: { in: 412, out: 389, period: 900 }, battery: 3.62 },
  waste: { level: { fill: 73, distance: 412 }, air: { temperature: 18.5 }, tilt: { angle: 3 }, battery: 3.55 },
  // A water meter: only its own medium (sparse layout).
  meter: { metering: { water: { total: 123456 } }, battery: 3.6 },
  mobility: { vehicles: { bike: 7, ebike: 4, scooter: 0, car: 0 }, docks: { available: 9 }, station: { status: "open" } },
  // A mains-powered streetlight: no battery.
  furniture: { furniture: { state: "dimmed" }, light: { dimming: 40 }, metering: { electricity: { total: 1834562 } }, electricity: { power: 96 }, usage: { count: 0 } },
  infra: { vibration: { rms: 0.42, peak: 3.87 }, tilt: { angle: 0.35 }, air: { temperature: 14.2 }, water: { level: 87 }, device: { faultCode: 0 }, battery: 3.59 },
};

export interface Series {
  readonly name: string;
  readonly profile: ProfileId;
  readonly interval: number;
  readonly samples: readonly Reading[];
}

/** Hourly water index over 12 hours of a school: night, morning use, lunch. */
const WATER_USE_L = [0, 0, 0, 0, 12, 48, 75, 62, 30, 41, 66, 23];

/** Ten-minute noise levels through an hour of evening traffic. */
const LAEQ = [62.4, 63.1, 61.8, 64.9, 66.2, 63.5];

/** Ten-minute air readings through an hour of morning traffic. */
const NO2 = [38, 41, 47, 52, 49, 44];

export const SERIES: readonly Series[] = [
  {
    name: "meter, 12 hourly samples",
    profile: "meter",
    interval: 3600,
    samples: WATER_USE_L.map((_, i) => ({
      metering: { water: { total: 123456 + WATER_USE_L.slice(0, i + 1).reduce((a, b) => a + b, 0) } },
      battery: 3.6,
    })),
  },
  {
    name: "noise, 6 ten-minute samples",
    profile: "noise",
    interval: 600,
    samples: LAEQ.map((laeq, i) => ({
      sound: { laeq, lamax: Math.round((laeq + 14.8 + (i % 3) * 1.3) * 10) / 10, lamin: Math.round((laeq - 13.9 + (i % 2) * 0.6) * 10) / 10, la10: Math.round((laeq + 3.6) * 10) / 10, la90: Math.round((laeq - 9.8 + (i % 2) * 0.4) * 10) / 10 },
      battery: 3.58,
    })),
  },
  {
    name: "env, 6 ten-minute samples",
    profile: "env",
    interval: 600,
    samples: NO2.map((no2, i) => ({
      air: {
        temperature: Math.round((21.35 + i * 0.12) * 100) / 100,
        relativeHumidity: 48 - (i >> 1) * 0.5,
        pressure: Math.round((1013.2 - i * 0.1) * 10) / 10,
        no2,
        o3: 71 - i * 2,
        pm1: Math.round((8.1 + i * 0.3) * 10) / 10,
        pm2_5: Math.round((12.4 + i * 0.5) * 10) / 10,
        pm10: Math.round((19.8 + i * 0.8) * 10) / 10,
      },
      battery: 3.61,
    })),
  },
];
