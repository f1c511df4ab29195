import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { metersAnswer } from "../../../worker/src/api/indicator-answers.ts";
import { ANONYMOUS, type ReadAccess } from "../../../worker/src/auth/read-access.ts";
import { localTimeToUtc, startOfLocalDay } from "../../../worker/src/indicators/paris-time.ts";
import { listVisibleDevices } from "../../../worker/src/store/indicator-inputs.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { registerDevice, setUpRegistry } from "../helpers/registry.ts";
import { seedReadings, seedUplinks } from "./seed.ts";

/**
 * Indicators from raw readings and uplinks (waste, meters, mobility, health) and /v1/alerts,
 * through the routes, on seeded data; private devices stay out of anonymous answers.
 */

const H = 3_600_000;
const D = 86_400_000;
/** 15 January 2026, 12:00 Paris (11:00 UTC). */
const AT = Date.UTC(2026, 0, 15, 11);
const at = new Date(AT).toISOString();

const BIN = "1000000000000001";
const METER = "1000000000000002";
const STATION = "1000000000000003";
const SENSOR = "1000000000000004";
const PRIVATE_SENSOR = "1000000000000005";
const TOULON_BIN = "1000000000000006";
const PICKED_BIN = "1000000000000007";
const PRIVATE_ACCESS: ReadAccess = { keyId: 1, private: true, territory: null, commune: null };

/** A read key with scope read:private (POST /v1/admin/api-keys). */
let privateKey = "";

beforeAll(async () => {
  const { admin } = await setUpRegistry();
  const created = await call<{ key: string }>("POST", "/v1/admin/api-keys", { token: admin, json: { name: "building manager", scope: "read:private" } });
  expect(created.status).toBe(201);
  privateKey = created.body.key;
  await registerDevice(admin, BIN, { profile: "waste", tags: { fillThreshold: "70" } });
  await registerDevice(admin, METER, { profile: "meter", public: false });
  await registerDevice(admin, STATION, { profile: "mobility" });
  await registerDevice(admin, SENSOR, { profile: "env" });
  await registerDevice(admin, PRIVATE_SENSOR, { profile: "env", public: false });
  await registerDevice(admin, TOULON_BIN, { profile: "waste", commune: "83137" });

  // Bin: 90 → 10 at AT − 2 d (emptied), then 30, 50: 20 points/day from 10 → 70 % at AT + 1 d: to collect.
  await seedReadings(BIN, "level.fill", [
    [AT - 3 * D, 90],
    [AT - 2 * D, 10],
    [AT - D, 30],
    [AT, 50],
    [AT + D, 95], // after `at`: not seen
  ]);
  await seedReadings(TOULON_BIN, "level.fill", [[AT - D, 99]]);
  // Picked-up bin: 40, 45, pickup at AT − 1 d, then 20, 30 half a day apart (a 25-point drop is no emptying by itself):
  // 20 points/day since the pickup → 80 % 2.5 days after AT.
  await registerDevice(admin, PICKED_BIN, { profile: "waste" });
  await seedReadings(PICKED_BIN, "level.fill", [[AT - 2 * D, 40], [AT - 1.5 * D, 45], [AT - 0.5 * D, 20], [AT, 30]]);
  await seedReadings(PICKED_BIN, "alarm.pickup", [[AT - 3 * D, 1], [AT - D, 1], [AT - 0.9 * D, 0]]);

  // Water meter: a reading at hh:30 of every hour from 11 Jan 00:30; 10 L/h, 2 L/h at 03:00 each night.
  const start = startOfLocalDay("2026-01-11");
  const rows: [number, number][] = [];
  let index = 5000;
  for (let h = 0; h < 5 * 24; h++) {
    const time = start + h * H + 30 * 60_000;
    index += h % 24 === 3 ? 2 : 10;
    rows.push([time, index]);
  }
  await seedReadings(METER, "metering.water.total", rows);

  // Station: empty 00:00–06:00 on the 15th, then 4 bikes + 1 e-bike with 5 free docks.
  const day = startOfLocalDay("2026-01-15");
  await seedReadings(STATION, "vehicles.bike", [[day - H, 0], [day + 6 * H, 4]]);
  await seedReadings(STATION, "vehicles.ebike", [[day - H, 0], [day + 6 * H, 1]]);
  await seedReadings(STATION, "docks.available", [[day - H, 10], [day + 6 * H, 5]]);

  // Sensor: an uplink every 15 min for 2 days until AT − 2 h (offline since AT − 1 h 15), battery 3.00 → 2.71 V over 30 days.
  const uplinks = Array.from({ length: 192 }, (_, i) => ({ time: AT - 2 * H - i * 15 * 60_000, snr: 5, decode: i % 10 === 0 ? 1 : 0 }));
  // Older uplinks 10–13 days back with SNR 9, 10, 11, 12: previous median 10.5 (even count), recent 5 → degraded.
  await seedUplinks(SENSOR, [...uplinks, ...[9, 10, 11, 12].map((snr, i) => ({ time: AT - (10 + i) * D, snr }))]);
  await seedReadings(SENSOR, "battery", Array.from({ length: 30 }, (_, d): [number, number] => [AT - (29 - d) * D, 3 - 0.01 * d]));
  await seedUplinks(PRIVATE_SENSOR, [{ time: AT - 10 * D }, { time: AT - 9 * D }]);
});

describe("waste", () => {
  it("answers each bin at `at`: last emptying, rate, predicted full time, to collect", async () => {
    const r = await call("GET", `/v1/indicators/waste?commune=13001&at=${at}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ indicator: "waste", commune: "13001", device: null, at });
    expect(r.body["bins"]).toEqual([
      {
        device: BIN,
        name: `device ${BIN}`,
        commune: "13001",
        fill: 50,
        fillAt: at,
        threshold: 70,
        lastEmptiedAt: new Date(AT - 2 * D).toISOString(),
        emptiedBy: "drop",
        ratePerDay: 20,
        predictedFullAt: new Date(AT + D).toISOString(),
        toCollect: true,
        since: at,
      },
      {
        device: PICKED_BIN,
        name: `device ${PICKED_BIN}`,
        commune: "13001",
        fill: 30,
        fillAt: at,
        threshold: 80,
        lastEmptiedAt: new Date(AT - D).toISOString(),
        emptiedBy: "pickup",
        ratePerDay: 20,
        predictedFullAt: new Date(AT + 2.5 * D).toISOString(),
        toCollect: false,
        since: null,
      },
    ]);
  });
});

describe("meters", () => {
  it("needs a read:private key", async () => {
    const r = await call<ErrorAnswer>("GET", `/v1/indicators/meters?commune=13001&at=${at}`);
    expect([r.status, r.body.error.code]).toEqual([403, "READ_PRIVATE_REQUIRED"]);
  });

  it("answers meters to a read:private key through the route", async () => {
    const r = await call<{ meters: { device: string; fluid: string; unit: string; days: unknown[] }[] }>(
      "GET",
      `/v1/indicators/meters?device=${METER}&from=2026-01-14&to=2026-01-14&at=${at}`,
      { token: privateKey },
    );
    expect(r.status).toBe(200);
    expect(r.body.meters.map((m) => [m.device, m.fluid, m.unit])).toEqual([[METER, "water", "L"]]);
    expect(r.body.meters[0]!.days).toEqual([{ date: "2026-01-14", consumption: 232, minNightFlow: 2 }]);
  });

  it("gives daily consumption, minimum night flow and the leak with read:private", async () => {
    const devices = await listVisibleDevices(env.DB, PRIVATE_ACCESS, { commune: "13001" });
    const { meters } = await metersAnswer(env.DB, devices, { from: "2026-01-13", to: "2026-01-14", at: AT });
    expect(meters).toHaveLength(1);
    const m = meters[0]!;
    // A day: 23 hours at 10 L and one at 2 L = 232 L; the night minimum is the 03:00 hour's 2 L.
    expect(m.days).toEqual([
      { date: "2026-01-13", consumption: 232, minNightFlow: 2 },
      { date: "2026-01-14", consumption: 232, minNightFlow: 2 },
    ]);
    // Nights 11 (from 01:00), 12, 13, 14, 15: 5 in a row; the third ended at 05:00 on the 13th.
    expect(m.leak).toEqual({
      suspected: true,
      since: new Date(localTimeToUtc("2026-01-13", 5)).toISOString(),
      why: "5 consecutive nights with a minimum night flow above 0 (last night 2)",
      nights: 5,
      lastNightFlow: 2,
      estimatedLossPerDay: 48,
    });
  });
});

describe("mobility", () => {
  it("answers the station at `at` and its empty share since from", async () => {
    const r = await call("GET", `/v1/indicators/mobility?device=${STATION}&from=2026-01-15&to=2026-01-15&at=${at}`);
    expect(r.status).toBe(200);
    // 00:00–12:00 known: empty 6 h → 0.5, never full.
    expect(r.body["stations"]).toEqual([
      { device: STATION, name: `device ${STATION}`, commune: "13001", vehicles: 5, freeDocks: 5, observedAt: new Date(startOfLocalDay("2026-01-15") + 6 * H).toISOString(), emptyShare: 0.5, fullShare: 0 },
    ]);
  });
});

describe("health", () => {
  it("answers offline, battery trend, signal and codec error rate of visible devices only", async () => {
    const r = await call<{ devices: { device: string }[] }>("GET", `/v1/indicators/health?commune=13001&at=${at}`);
    expect(r.status).toBe(200);
    expect(r.body.devices.map((d) => d.device)).not.toContain(PRIVATE_SENSOR);
    expect(r.body.devices.map((d) => d.device)).not.toContain(METER);
    const sensor = r.body.devices.find((d) => d.device === SENSOR) as Record<string, unknown>;
    expect(sensor).toMatchObject({
      lastUplinkAt: new Date(AT - 2 * H).toISOString(),
      intervalSeconds: 900,
      intervalSource: "median",
      offline: true,
      offlineSince: new Date(AT - 2 * H + 45 * 60_000).toISOString(),
      signal: { recentMedianSnr: 5, previousMedianSnr: 10.5, degraded: true },
    });
    const battery = sensor["battery"] as { volts: number; trendPerDay: number; predictedEmptyAt: string };
    expect(battery.volts).toBeCloseTo(2.71, 6);
    expect(battery.trendPerDay).toBeCloseTo(-0.01, 6);
    expect(Math.abs(Date.parse(battery.predictedEmptyAt) - (AT + 21 * D))).toBeLessThan(1000);
    // 192 uplinks, every 10th failed (20 of them): 20 / 192.
    expect(sensor["codecErrorRate"]).toBeCloseTo(20 / 192, 10);
  });

  it("answers 404 for a private device without read:private, as for an unknown one", async () => {
    const hidden = await call<ErrorAnswer>("GET", `/v1/indicators/health?device=${PRIVATE_SENSOR}&at=${at}`);
    const unknown = await call<ErrorAnswer>("GET", `/v1/indicators/health?device=ffffffffffffffff&at=${at}`);
    expect([hidden.status, hidden.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect(hidden.body.error.message).toBe(`device ${PRIVATE_SENSOR} not found`);
    expect(unknown.status).toBe(404);
  });
});

describe("/v1/alerts", () => {
  it("gathers bins to collect, offline devices and batteries, without private devices", async () => {
    const r = await call<{ alerts: { kind: string; device: string; commune: string; since: string; why: string }[] }>("GET", `/v1/alerts?commune=13001&at=${at}`);
    expect(r.status).toBe(200);
    expect(r.body.alerts.map((a) => [a.kind, a.device])).toEqual([
      ["waste", BIN],
      ["offline", SENSOR],
      ["battery", SENSOR],
    ]);
    const [waste, offline, battery] = r.body.alerts;
    expect(waste).toMatchObject({ commune: "13001", since: at });
    expect(waste!.why).toContain("predicted to reach 70 %");
    expect(offline).toMatchObject({ since: new Date(AT - 2 * H + 45 * 60_000).toISOString() });
    expect(offline!.why).toContain("900 s");
    expect(Math.abs(Date.parse(battery!.since) - (AT - 9 * D))).toBeLessThan(1000);
    expect(battery!.why).toContain("10 mV/day");
  });

  it("adds suspected leaks and private devices for a read:private key", async () => {
    const r = await call<{ alerts: { kind: string; device: string; since: string; why: string }[] }>("GET", `/v1/alerts?commune=13001&at=${at}`, { token: privateKey });
    expect(r.status).toBe(200);
    expect(r.body.alerts.map((a) => [a.kind, a.device])).toEqual([
      ["waste", BIN],
      ["leak", METER],
      ["offline", SENSOR],
      ["offline", PRIVATE_SENSOR],
      ["battery", SENSOR],
    ]);
    const leak = r.body.alerts[1]!;
    expect(leak.since).toBe(new Date(localTimeToUtc("2026-01-13", 5)).toISOString());
    expect(leak.why).toBe("water: 5 consecutive nights with a minimum night flow above 0 (last night 2); estimated loss 48 L/day");
  });

  it("covers every visible commune without commune=", async () => {
    const r = await call<{ alerts: { kind: string; device: string }[] }>("GET", `/v1/alerts?at=${at}`);
    expect(r.body.alerts.filter((a) => a.kind === "waste").map((a) => a.device)).toEqual([BIN, TOULON_BIN]);
  });
});

describe("request checks", () => {
  it("answers 400 for a missing scope, both scopes, a bad date or range, and 404 for an unknown commune", async () => {
    const cases: [string, number][] = [
      ["/v1/indicators/waste", 400],
      [`/v1/indicators/waste?commune=13001&device=${BIN}`, 400],
      ["/v1/indicators/atmo?commune=13001&from=2026-02-30", 400],
      ["/v1/indicators/atmo?commune=13001&from=2026-02-03&to=2026-02-01", 400],
      ["/v1/indicators/atmo?commune=13001&from=2024-01-01&to=2025-12-31", 400],
      ["/v1/indicators/atmo?commune=13001&at=yesterday", 400],
      ["/v1/indicators/atmo?commune=99999", 404],
      ["/v1/indicators/unknown?commune=13001", 404],
    ];
    for (const [path, status] of cases) {
      const r = await call<ErrorAnswer>("GET", path);
      expect(r.status, path).toBe(status);
      expect(Object.keys(r.body.error).sort(), path).toEqual(["code", "message"]);
    }
  });

  it("lists private devices only with read:private", async () => {
    expect((await listVisibleDevices(env.DB, ANONYMOUS, { commune: "13001" })).map((d) => d.devEui)).not.toContain(METER);
    expect((await listVisibleDevices(env.DB, PRIVATE_ACCESS, { commune: "13001" })).map((d) => d.devEui)).toContain(METER);
  });
});
