import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS, type ReadAccess } from "../../../worker/src/auth/read-access.ts";
import { linearFitFromSums } from "../../../worker/src/indicators/math.ts";
import {
  listVisibleDevices,
  loadCodecCounts,
  loadFitSums,
  loadLastEmptyings,
  loadLastReadingsBefore,
  loadReadings,
  loadRecentUplinkTimes,
  loadSnrMedians,
} from "../../../worker/src/store/indicator-inputs.ts";
import { deviceId, seedReadings, seedUplinks } from "../indicators/seed.ts";
import { registerDevice, setUpRegistry } from "../helpers/registry.ts";

/** The indicator input queries against a real local D1: visibility, real units, SQL aggregates. */

const D = 86_400_000;
const T = Date.UTC(2026, 4, 10, 12);
const AIX_PUBLIC = "3000000000000001";
const AIX_PRIVATE = "3000000000000002";
const MARSEILLE = "3000000000000003";
const TOULON = "3000000000000004";
let aix = 0;
let marseille = 0;

const access = (a: Partial<ReadAccess>): ReadAccess => ({ ...ANONYMOUS, ...a });

beforeAll(async () => {
  const { admin } = await setUpRegistry();
  await registerDevice(admin, AIX_PUBLIC, { profile: "waste" });
  await registerDevice(admin, AIX_PRIVATE, { profile: "meter", public: false });
  await registerDevice(admin, MARSEILLE, { profile: "env", commune: "13055" });
  await registerDevice(admin, TOULON, { profile: "env", commune: "83137" });
  aix = await deviceId(AIX_PUBLIC);
  marseille = await deviceId(MARSEILLE);
});

describe("listVisibleDevices", () => {
  it("applies the read access: public only, territory and commune limits, private with read:private", async () => {
    const euis = async (a: ReadAccess, scope = {}) => (await listVisibleDevices(env.DB, a, scope)).map((d) => d.devEui);
    expect(await euis(ANONYMOUS)).toEqual([AIX_PUBLIC, MARSEILLE, TOULON]);
    expect(await euis(access({ private: true }))).toEqual([AIX_PUBLIC, AIX_PRIVATE, MARSEILLE, TOULON]);
    expect(await euis(access({ territory: "amp" }))).toEqual([AIX_PUBLIC, MARSEILLE]);
    expect(await euis(access({ territory: "amp", commune: "13055" }))).toEqual([MARSEILLE]);
    expect(await euis(ANONYMOUS, { commune: "13001" })).toEqual([AIX_PUBLIC]);
    expect(await euis(ANONYMOUS, { devEui: AIX_PRIVATE })).toEqual([]);
    expect(await euis(access({ commune: "13055" }), { devEui: AIX_PUBLIC })).toEqual([]);
    const [d] = await listVisibleDevices(env.DB, ANONYMOUS, { devEui: TOULON });
    expect(d).toMatchObject({ devEui: TOULON, commune: "83137", territory: "tpm", public: true, tags: {} });
  });
});

describe("readings", () => {
  it("come back in real units; the latest before an instant holds per device and quantity", async () => {
    await seedReadings(AIX_PUBLIC, "level.fill", [[T - 2 * D, 10], [T - D, 45], [T, 60]]);
    await seedReadings(MARSEILLE, "battery", [[T - D, 3.61]]);
    const rows = await loadReadings(env.DB, [aix, marseille], ["level.fill", "battery"], T - D, T);
    expect(rows.map((r) => [r.deviceId, r.key, r.time, r.value])).toEqual([
      [aix, "level.fill", T - D, 45],
      [aix, "level.fill", T, 60],
      [marseille, "battery", T - D, 3.61],
    ]);
    const before = await loadLastReadingsBefore(env.DB, [aix, marseille], ["level.fill", "battery"], T);
    expect(before.map((r) => [r.deviceId, r.key, r.time, r.value]).sort()).toEqual(
      [
        [aix, "level.fill", T - D, 45],
        [marseille, "battery", T - D, 3.61],
      ].sort(),
    );
  });

  it("find the start of each bin's history since its last emptying", async () => {
    // 90 → 50 (a 40-point drop): history starts at the 90 reading; a later pickup alarm moves it.
    const bin = await deviceId(AIX_PRIVATE);
    await seedReadings(AIX_PRIVATE, "level.fill", [[T - 5 * D, 90], [T - 4 * D, 50], [T - 3 * D, 55]]);
    expect((await loadLastEmptyings(env.DB, [bin], 30, T - 10 * D, T)).get(bin)).toBe(T - 5 * D);
    await seedReadings(AIX_PRIVATE, "alarm.pickup", [[T - 3.5 * D, 1], [T - 0.5 * D, 0]]);
    expect((await loadLastEmptyings(env.DB, [bin], 30, T - 10 * D, T)).get(bin)).toBe(T - 3.5 * D);
    // Before the pickup only the drop counts; before the drop nothing.
    expect((await loadLastEmptyings(env.DB, [bin], 30, T - 10 * D, T - 3.6 * D)).get(bin)).toBe(T - 5 * D);
    expect((await loadLastEmptyings(env.DB, [bin], 30, T - 10 * D, T - 4.5 * D)).has(bin)).toBe(false);
  });

  it("aggregate the least-squares sums in SQL as the pure fit does", async () => {
    // Toulon battery: 3.30, 3.28, 3.27, 3.20 on days −3..0 → slope by hand: x̄ = −1.5, ȳ = 3.2625,
    // Σdxdy = (−1.5)(0.0375) + (−0.5)(0.0175) + (0.5)(0.0075) + (1.5)(−0.0625) = −0.155, Σdx² = 5 → −0.031 V/day.
    const toulon = await deviceId(TOULON);
    await seedReadings(TOULON, "battery", [[T - 3 * D, 3.3], [T - 2 * D, 3.28], [T - D, 3.27], [T, 3.2]]);
    const sums = (await loadFitSums(env.DB, [toulon], "battery", T - 30 * D, T, T)).get(toulon)!;
    expect(sums.sums.n).toBe(4);
    expect(sums.last).toBeCloseTo(3.2, 10);
    expect(linearFitFromSums(sums.sums)!.slope).toBeCloseTo(-0.031, 10);
  });
});

describe("uplinks", () => {
  it("give the last uplink times, SNR medians per window and codec counts", async () => {
    const toulon = await deviceId(TOULON);
    // Recent (last 7 days): SNR 1, 2, 9 → 2. Previous: 4, 6 → 5 (even count). One failed, one without payload.
    await seedUplinks(TOULON, [
      { time: T - 20 * D, snr: 4 },
      { time: T - 10 * D, snr: 6, decode: 1 },
      { time: T - 3 * D, snr: 9, decode: 3 },
      { time: T - 2 * D, snr: 1, decode: 1 },
      { time: T - D, snr: 2 },
      { time: T + D, snr: 50 },
    ]);
    expect((await loadRecentUplinkTimes(env.DB, [toulon], T, 2)).get(toulon)).toEqual([T - 2 * D, T - D]);
    expect((await loadSnrMedians(env.DB, [toulon], T - 37 * D, T - 7 * D, T)).get(toulon)).toEqual({ recent: 2, previous: 5 });
    expect((await loadCodecCounts(env.DB, [toulon], T - 7 * D, T)).get(toulon)).toEqual({ failed: 1, attempts: 2 });
  });
});
