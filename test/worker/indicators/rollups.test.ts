import { beforeAll, describe, expect, it } from "vitest";
import { localTimeToUtc, startOfLocalDay } from "../../../worker/src/indicators/paris-time.ts";
import { call } from "../helpers/http.ts";
import { registerDevice, setUpRegistry } from "../helpers/registry.ts";
import { seedReadings } from "./seed.ts";

/**
 * Indicators read from rollups (atmo, noise, footfall): readings seeded into D1, rollups kept by
 * the database (migration 0006), answers through the routes.
 */

const H = 3_600_000;
const STATION_A = "2000000000000001";
const STATION_B = "2000000000000002";
const PRIVATE_STATION = "2000000000000003";
const SONOMETER = "2000000000000004";
const COUNTER_A = "2000000000000005";
const COUNTER_B = "2000000000000006";
const SPRING_STATION = "2000000000000007";

/** One reading at hh:10 and one at hh:40 of each of `hours` local hours from 00:00 on `date`. */
function twoPerHour(date: string, hours: number, value: (hour: number, half: 0 | 1) => number): [number, number][] {
  const start = startOfLocalDay(date);
  const out: [number, number][] = [];
  for (let h = 0; h < hours; h++) {
    out.push([start + h * H + 10 * 60_000, value(h, 0)]);
    out.push([start + h * H + 40 * 60_000, value(h, 1)]);
  }
  return out;
}

beforeAll(async () => {
  const { admin } = await setUpRegistry();
  for (const eui of [STATION_A, STATION_B]) await registerDevice(admin, eui, { profile: "env", commune: "13055" });
  await registerDevice(admin, PRIVATE_STATION, { profile: "env", commune: "13055", public: false });
  await registerDevice(admin, SONOMETER, { profile: "noise", commune: "13055" });
  for (const eui of [COUNTER_A, COUNTER_B]) await registerDevice(admin, eui, { profile: "footfall", commune: "13055" });

  // Station A, 15 Jan: NO2 hourly means 30 (readings 20 and 40) for 17 hours and 100 (90, 110) in the 18th → max 100, class 3.
  await seedReadings(STATION_A, "air.no2", twoPerHour("2026-01-15", 18, (h, half) => (h === 17 ? 90 + 20 * half : 20 + 20 * half)));
  // Station A PM10: 24 hourly means of 15 → class 1. Station B PM10: hours of 30 and 62 alternately → mean 46, class 3
  // (the max, 62, would be class 4).
  await seedReadings(STATION_A, "air.pm10", twoPerHour("2026-01-15", 24, () => 15));
  await seedReadings(STATION_B, "air.pm10", twoPerHour("2026-01-15", 24, (h) => (h % 2 === 0 ? 30 : 62)));
  // Station B NO2: only 17 hours → no sub-index. The private station's PM2.5 (class 6) must not count anonymously.
  await seedReadings(STATION_B, "air.no2", twoPerHour("2026-01-15", 17, () => 500));
  await seedReadings(PRIVATE_STATION, "air.pm2_5", twoPerHour("2026-01-15", 24, () => 200));

  // Sonometer, noise day 15 Jan: each day hour has readings 57 and 63 dB (hourly LAeq 10·log10((10^5.7 + 10^6.3)/2) = 60.97),
  // evening hours 55, night hours (22:00 on the 15th to 06:00 on the 16th) 50.
  const noise: [number, number][] = [];
  for (let h = localTimeToUtc("2026-01-15", 6); h < localTimeToUtc("2026-01-16", 6); h += H) {
    const local = new Date(h + H).getUTCHours(); // winter: local = UTC + 1
    if (local >= 6 && local < 18) noise.push([h + 5 * 60_000, 57], [h + 35 * 60_000, 63]);
    else if (local >= 18 && local < 22) noise.push([h + 5 * 60_000, 55]);
    else noise.push([h + 5 * 60_000, 50]);
  }
  await seedReadings(SONOMETER, "sound.laeq", noise);

  // 29 March 2026 (23 hours): NO2 45 in the last 18 of its hours → class 2 (local days from the paris_offsets table).
  await registerDevice(admin, SPRING_STATION, { profile: "env", commune: "13055" });
  await seedReadings(SPRING_STATION, "air.no2", twoPerHour("2026-03-29", 23, () => 45).slice(10));
  // Sonometer, night of 28 March: 7 hours (22, 23, 00, 01, 03, 04, 05), 6 at 40 dB and 22:00 at 50 → 43.59.
  const spring: [number, number][] = [];
  for (let h = localTimeToUtc("2026-03-28", 22), i = 0; h < localTimeToUtc("2026-03-29", 6); h += H, i++) spring.push([h + 60_000, i === 0 ? 50 : 40]);
  await seedReadings(SONOMETER, "sound.laeq", spring);

  // Counters: Thursday 29 Jan, counter A 100 in / 80 out in two readings, counter B 20 in; previous Thursdays:
  // 22 Jan total 150, 8 Jan 250, 1 Jan 170 (15 Jan none) → mean 190, change 200/190 − 1 = 0.053.
  const at = (date: string, hour: number) => localTimeToUtc(date, hour);
  await seedReadings(COUNTER_A, "count.in", [[at("2026-01-29", 9), 60], [at("2026-01-29", 17), 40], [at("2026-01-22", 9), 100], [at("2026-01-08", 9), 200]]);
  await seedReadings(COUNTER_A, "count.out", [[at("2026-01-29", 9), 30], [at("2026-01-29", 17), 50], [at("2026-01-22", 9), 50], [at("2026-01-08", 9), 50]]);
  await seedReadings(COUNTER_B, "count.in", [[at("2026-01-29", 12), 20], [at("2026-01-01", 12), 100]]);
  await seedReadings(COUNTER_B, "count.out", [[at("2026-01-29", 12), 0], [at("2026-01-01", 12), 70]]);
});

describe("atmo from hourly rollups", () => {
  it("gives a commune's daily index: the highest sub-index per pollutant over its visible stations", async () => {
    const r = await call("GET", "/v1/indicators/atmo?commune=13055&from=2026-01-15&to=2026-01-16");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ indicator: "atmo", commune: "13055", from: "2026-01-15", to: "2026-01-16", stations: 2 });
    expect(r.body["days"]).toEqual([
      { date: "2026-01-15", index: 3, label: "Dégradé", pollutants: ["no2", "pm10"], subIndices: { no2: 3, o3: null, pm10: 3, pm2_5: null, so2: null } },
      { date: "2026-01-16", index: null, label: null, pollutants: [], subIndices: { no2: null, o3: null, pm10: null, pm2_5: null, so2: null } },
    ]);
  });

  it("gives one station's index", async () => {
    const r = await call<{ days: { index: number; subIndices: Record<string, number | null> }[] }>("GET", `/v1/indicators/atmo?device=${STATION_B}&from=2026-01-15&to=2026-01-15`);
    expect(r.body.days[0]).toMatchObject({ index: 3, subIndices: { no2: null, pm10: 3 } });
  });
});

describe("noise from hourly energy rollups", () => {
  it("gives Lday, Levening, Lnight, Lden and exceedances rounded to 0.1 dB", async () => {
    const r = await call<{ devices: { device: string; days: unknown[] }[] }>("GET", `/v1/indicators/noise?device=${SONOMETER}&from=2026-01-15&to=2026-01-15`);
    expect(r.status).toBe(200);
    // Lday 60.96; Lden = 10·log10((12·10^6.096 + 4·10^6 + 8·10^6) / 24) = 60.51
    expect(r.body.devices).toEqual([
      {
        device: SONOMETER,
        name: `device ${SONOMETER}`,
        commune: "13055",
        days: [{ date: "2026-01-15", lday: 61, levening: 55, lnight: 50, lden: 60.5, exceeds: { whoLden: true, whoLnight: true, limitLden: false, limitLnight: false } }],
      },
    ]);
  });
});

describe("DST days through the database's local days", () => {
  it("counts the 23 hours of the spring day for ATMO and the 7-hour night before it for noise", async () => {
    const atmo = await call<{ days: { subIndices: { no2: number | null } }[] }>("GET", `/v1/indicators/atmo?device=${SPRING_STATION}&from=2026-03-28&to=2026-03-30`);
    expect(atmo.body.days.map((d) => d.subIndices.no2)).toEqual([null, 2, null]);
    const noise = await call<{ devices: { days: { lnight: number | null; lday: number | null }[] }[] }>("GET", `/v1/indicators/noise?device=${SONOMETER}&from=2026-03-28&to=2026-03-28`);
    expect(noise.body.devices[0]!.days[0]).toMatchObject({ lday: null, lnight: 43.6 });
  });
});

describe("footfall from daily rollups", () => {
  it("sums a commune's counters and compares with the previous 4 same weekdays", async () => {
    const r = await call("GET", "/v1/indicators/footfall?commune=13055&from=2026-01-29&to=2026-01-29");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ counters: 2, days: [{ date: "2026-01-29", in: 120, out: 80, total: 200, previousWeeksMean: 190, change: 0.053 }] });
  });
});
