import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { bucketSeriesFromReadings } from "../../../worker/src/api/public/series.ts";
import { newDevEui } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { registerDevice } from "../helpers/registry.ts";
import { deviceId, seedReadings } from "../indicators/seed.ts";
import { DAY, HOUR, no2At, seedWorld, type World } from "./public-seed.ts";

/** What the public routes answer, on hand-computed cases. */

let w: World;
beforeAll(async () => {
  w = await seedWorld();
});

const get = <T = Record<string, unknown>>(path: string) => call<T>("GET", path);
const iso = (ms: number) => new Date(ms).toISOString();
const day = `from=${iso(DAY)}&to=${iso(DAY + 24 * HOUR)}`;

interface Point {
  time: string;
  date?: string;
  count: number;
  min: number;
  max: number;
  mean: number;
}

describe("GET /v1/devices", () => {
  it("pages by DevEUI: `next` is the cursor of the next page, the last page has none; filters by commune, profile and status", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: { devices: { devEui: string }[]; next: string | null } } = await get(`/v1/devices?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      expect(r.body.devices.length).toBeLessThanOrEqual(1);
      seen.push(...r.body.devices.map((d) => d.devEui));
      cursor = r.body.next;
    } while (cursor !== null);
    expect(seen).toEqual([w.aixAir, w.marseilleNoise, w.toulonAir].sort());

    const byCommune = await get<{ devices: { devEui: string }[] }>("/v1/devices?commune=13055");
    expect(byCommune.body.devices.map((d) => d.devEui)).toEqual([w.marseilleNoise]);
    const byProfile = await get<{ devices: { devEui: string }[] }>("/v1/devices?profile=env");
    expect(byProfile.body.devices.map((d) => d.devEui)).toEqual([w.aixAir, w.toulonAir].sort());
    const status = async (s: string) => (await get<{ devices: { devEui: string; status: string }[] }>(`/v1/devices?status=${s}`)).body.devices.map((d) => d.devEui);
    expect(await status("online")).toEqual([w.aixAir]);
    expect(await status("offline")).toEqual([w.marseilleNoise]);
    expect(await status("never")).toEqual([w.toulonAir]);
  });

  it("refuses a page larger than the maximum and bad filters with 400 INVALID_REQUEST", async () => {
    for (const q of ["limit=501", "limit=0", "status=sleeping", "commune=Aix", "profile=weather", "cursor=xyz"]) {
      const r = await get<ErrorAnswer>(`/v1/devices?${q}`);
      expect([r.status, r.body.error.code], q).toEqual([400, "INVALID_REQUEST"]);
    }
  });
});

describe("GET /v1/devices/{devEui} and …/latest", () => {
  it("metadata, status and state (last seen, battery, signal)", async () => {
    const r = await get<Record<string, any>>(`/v1/devices/${w.aixAir.toUpperCase()}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ devEui: w.aixAir, name: "Aix air", commune: "13001", territory: "amp", profile: "env", public: true, status: "online", interval: 600 });
    expect(r.body["state"]).toMatchObject({ battery: 3.61, rssi: -97, snr: 6.5, dr: 5 });
    expect(Date.parse(r.body["state"]["lastSeenAt"])).toBeGreaterThan(Date.now() - 600_000);
    const bad = await get<ErrorAnswer>("/v1/devices/xyz");
    expect([bad.status, bad.body.error.code]).toEqual([404, "INVALID_PATH"]);
  });

  it("the latest value of each quantity, decoded in its unit", async () => {
    const r = await get<{ values: Record<string, { value: number; unit: string; time: string }> }>(`/v1/devices/${w.aixAir}/latest`);
    expect(r.body.values).toEqual({
      "air.no2": { value: no2At(23, 1), unit: "ug/m3", time: iso(DAY + 47 * 1_800_000) },
      "air.temperature": { value: 14.5, unit: "Cel", time: iso(DAY + 23 * HOUR) },
      battery: { value: 3.61, unit: "V", time: iso(DAY + 23 * HOUR) },
      "device.interval": { value: 600, unit: "s", time: iso(DAY) },
    });
  });
});

describe("GET /v1/communes and /v1/communes/{insee}/latest", () => {
  it("every commune with its devices per profile", async () => {
    const r = await get<{ communes: unknown[] }>("/v1/communes");
    expect(r.body.communes).toEqual([
      { insee: "13001", name: "Aix-en-Provence", territory: "amp", devices: { total: 1, byProfile: { env: 1 } } },
      { insee: "13055", name: "Marseille", territory: "amp", devices: { total: 1, byProfile: { noise: 1 } } },
      { insee: "83137", name: "Toulon", territory: "tpm", devices: { total: 1, byProfile: { env: 1 } } },
    ]);
  });

  it("the latest values of a commune's devices, of one quantity with ?quantity=; 404 for an unknown commune", async () => {
    const r = await get<{ quantity: string; devices: { devEui: string; values: Record<string, { value: number }> }[] }>("/v1/communes/13001/latest?quantity=air.no2");
    expect(r.body.quantity).toBe("air.no2");
    expect(r.body.devices.map((d) => [d.devEui, Object.keys(d.values), d.values["air.no2"]?.value])).toEqual([[w.aixAir, ["air.no2"], no2At(23, 1)]]);
    expect((await get("/v1/communes/13055/latest?quantity=air.no2")).body["devices"]).toEqual([]);
    expect((await get("/v1/communes/99999/latest")).status).toBe(404);
  });
});

describe("series", () => {
  it("raw: each reading, oldest first, in [from, to)", async () => {
    const r = await get<{ unit: string; points: Point[] }>(`/v1/devices/${w.aixAir}/series?quantity=air.no2&bucket=raw&from=${iso(DAY + HOUR)}&to=${iso(DAY + 2 * HOUR)}`);
    expect(r.status).toBe(200);
    expect(r.body.unit).toBe("ug/m3");
    expect(r.body.points).toEqual([
      { time: iso(DAY + HOUR), count: 1, min: 21, max: 21, mean: 21 },
      { time: iso(DAY + HOUR + 1_800_000), count: 1, min: 23, max: 23, mean: 23 },
    ]);
  });

  it("hour: min, max, mean and count per UTC hour", async () => {
    const r = await get<{ bucket: string; points: Point[] }>(`/v1/devices/${w.aixAir}/series?quantity=air.no2&bucket=hour&${day}`);
    expect(r.body.bucket).toBe("hour");
    expect(r.body.points).toHaveLength(24);
    r.body.points.forEach((p, h) => expect(p).toEqual({ time: iso(DAY + h * HOUR), count: 2, min: 20 + h, max: 22 + h, mean: 21 + h }));
  });

  it("day: Europe/Paris local days (2026-03-10 00:00 UTC is 01:00 in Paris: the UTC day spans two local days)", async () => {
    const r = await get<{ points: Point[] }>(`/v1/devices/${w.aixAir}/series?quantity=air.no2&bucket=day&${day}`);
    // Local 2026-03-09 holds UTC hour 22:00–23:00 of the 9th only: nothing seeded. Local 2026-03-10
    // runs 2026-03-09T23:00Z–2026-03-10T23:00Z: UTC hours 0–22 (46 readings); local 2026-03-11 holds hour 23.
    const hours = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const values = (hs: number[]) => hs.flatMap((h) => [no2At(h, 0), no2At(h, 1)]);
    const expected = (date: string, hs: number[]) => {
      const v = values(hs);
      return { date, count: v.length, min: Math.min(...v), max: Math.max(...v), mean: v.reduce((a, b) => a + b, 0) / v.length };
    };
    expect(r.body.points.map(({ time: _t, ...p }) => p)).toEqual([expected("2026-03-10", hours(0, 22)), expected("2026-03-11", [23])]);
    expect(r.body.points[0]!.time).toBe("2026-03-09T23:00:00.000Z");
  });

  it("commune: buckets over its devices, with how many devices each holds", async () => {
    const other = newDevEui();
    await registerDevice(w.reg.admin, other, { name: "Aix air 2", commune: "13001", profile: "env", public: true });
    await seedReadings(other, "air.no2", [[DAY + 5 * HOUR + 60_000, 100]]);
    const r = await get<{ devices: number; points: (Point & { devices: number })[] }>(`/v1/communes/13001/series?quantity=air.no2&bucket=hour&${day}`);
    expect(r.body.devices).toBe(2);
    expect(r.body.points[5]).toEqual({ time: iso(DAY + 5 * HOUR), count: 3, min: 25, max: 100, mean: (25 + 27 + 100) / 3, devices: 2 });
    expect(r.body.points[4]).toMatchObject({ count: 2, devices: 1 });
  });

  it("refuses what it cannot answer: unknown or non-numeric quantity, from after to, too long a span, raw buckets for a commune", async () => {
    const cases: [string, string][] = [
      [`/v1/devices/${w.aixAir}/series?quantity=air.nothing&${day}`, "UNKNOWN_QUANTITY"],
      [`/v1/devices/${w.aixAir}/series?quantity=alarm.tamper&${day}`, "NOT_NUMERIC"],
      [`/v1/devices/${w.aixAir}/series?${day}`, "INVALID_REQUEST"],
      [`/v1/devices/${w.aixAir}/series?quantity=air.no2&from=${iso(DAY + HOUR)}&to=${iso(DAY)}`, "INVALID_REQUEST"],
      [`/v1/devices/${w.aixAir}/series?quantity=air.no2&bucket=raw&from=2026-01-01&to=2026-03-01`, "INVALID_REQUEST"],
      [`/v1/devices/${w.aixAir}/series?quantity=air.no2&from=yesterday`, "INVALID_REQUEST"],
      [`/v1/communes/13001/series?quantity=air.no2&bucket=raw&${day}`, "INVALID_REQUEST"],
    ];
    for (const [path, code] of cases) {
      const r = await get<ErrorAnswer>(path);
      expect([r.status, r.body.error.code], path).toEqual([400, code]);
    }
  });

  it("hour and day buckets read from the rollups agree with the same buckets computed from raw readings, across the spring DST change", async () => {
    const eui = newDevEui();
    await registerDevice(w.reg.admin, eui, { name: "DST station", commune: "13055", profile: "env", public: true });
    // Every 10 min from 2026-03-28 00:00Z to 2026-03-30 12:00Z (local 2026-03-29 has 23 hours), a value that wanders.
    const start = Date.parse("2026-03-28T00:00:00Z");
    const rows = Array.from({ length: 6 * 60 }, (_, i) => [start + i * 600_000, Math.round(300 + 200 * Math.sin(i / 7)) / 10] as const);
    await seedReadings(eui, "air.pm10", rows);
    const from = "2026-03-28T00:00:00.000Z";
    const to = "2026-03-30T12:00:00.000Z";
    for (const bucket of ["hour", "day"] as const) {
      const r = await get<{ points: Point[] }>(`/v1/devices/${eui}/series?quantity=air.pm10&bucket=${bucket}&from=${from}&to=${to}`);
      const raw = await bucketSeriesFromReadings(env.DB, [await deviceId(eui)], "air.pm10", bucket, { from: Date.parse(from), to: Date.parse(to) });
      expect(r.body.points.map((p) => [p.time, p.date, p.count, p.min, p.max]), bucket).toEqual(raw.points.map((p) => [p.time, p.date, p.count, p.min, p.max]));
      r.body.points.forEach((p, i) => expect(p.mean, `${bucket} ${p.time}`).toBeCloseTo(raw.points[i]!.mean, 9));
    }
    const days = await get<{ points: Point[] }>(`/v1/devices/${eui}/series?quantity=air.pm10&bucket=day&from=${from}&to=${to}`);
    expect(days.body.points.map((p) => [p.date, p.count])).toEqual([
      ["2026-03-28", 6 * 23],
      ["2026-03-29", 6 * 23],
      ["2026-03-30", 6 * 14],
    ]);
  });
});
