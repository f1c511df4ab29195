import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import generatedSource from "../../../sdk/src/api.generated.ts?raw";
import { renderAnswerTypes } from "../../../sdk/scripts/answer-types.ts";
import type * as Api from "../../../sdk/src/api.generated.ts";
import { CigaleError, createClient } from "../../../sdk/src/index.ts";
import type { alertsAnswer } from "../../../worker/src/api/alerts.ts";
import type { indicatorAnswers } from "../../../worker/src/api/indicators.ts";
import type { communeLatest, communeSeries, deviceDetail, deviceLatest, devicePage, deviceSeries } from "../../../worker/src/api/public/answers.ts";
import { DAY, HOUR, seedWorld, type World } from "../api/public-seed.ts";

/** @cigale/sdk inside workerd, against the real Worker through its fetch handler (SELF). */

let w: World;
beforeAll(async () => {
  w = await seedWorld();
});

const selfFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));
const client = (apiKey?: string) => createClient({ baseUrl: "http://cigale.test", fetch: selfFetch, ...(apiKey ? { apiKey } : {}), backoffMs: 1 });

describe("answer types", () => {
  it("are the Worker's schemas: the generated file is what the schemas render to today", () => {
    expect(generatedSource).toBe(renderAnswerTypes());
  });

  it("equal z.output of each route's schema (a type check fails when they drift)", () => {
    expectTypeOf<Api.DevicePage>().toEqualTypeOf<z.output<typeof devicePage>>();
    expectTypeOf<Api.DeviceDetail>().toEqualTypeOf<z.output<typeof deviceDetail>>();
    expectTypeOf<Api.DeviceLatest>().toEqualTypeOf<z.output<typeof deviceLatest>>();
    expectTypeOf<Api.DeviceSeries>().toEqualTypeOf<z.output<typeof deviceSeries>>();
    expectTypeOf<Api.CommuneLatest>().toEqualTypeOf<z.output<typeof communeLatest>>();
    expectTypeOf<Api.CommuneSeries>().toEqualTypeOf<z.output<typeof communeSeries>>();
    expectTypeOf<Api.AtmoIndicator>().toEqualTypeOf<z.output<(typeof indicatorAnswers)["atmo"]>>();
    expectTypeOf<Api.MetersIndicator>().toEqualTypeOf<z.output<(typeof indicatorAnswers)["meters"]>>();
    expectTypeOf<Api.AlertsAnswer>().toEqualTypeOf<z.output<typeof alertsAnswer>>();
  });
});

describe("createClient in workerd (fetch = the Worker's own)", () => {
  it("lists devices page by page as an async iterator, and reads one device, its latest values and series", async () => {
    const cigale = client();
    const all: string[] = [];
    for await (const d of cigale.devices.all({ limit: 1 })) all.push(d.devEui);
    expect(all).toEqual([w.aixAir, w.marseilleNoise, w.toulonAir].sort());
    const pages = [];
    for await (const p of cigale.devices.pages({ limit: 2 })) pages.push(p.devices.length);
    expect(pages).toEqual([2, 1]);

    expect((await cigale.devices.get(w.aixAir)).state?.battery).toBe(3.61);
    const latest = await cigale.devices.latestOf(w.aixAir, "env");
    expectTypeOf(latest.values["air.no2"]).toEqualTypeOf<({ unit: string; time: string } & { value: number }) | undefined>();
    expect(latest.values["air.no2"]?.value).toBe(45);
    await expect(cigale.devices.latestOf(w.aixAir, "noise")).rejects.toMatchObject({ code: "PROFILE_MISMATCH" });

    const series = await cigale.devices.series(w.aixAir, { quantity: "air.no2", bucket: "hour", from: new Date(DAY), to: new Date(DAY + 2 * HOUR) });
    expect(series.points.map((p) => p.mean)).toEqual([21, 22]);
    expect((await cigale.communes.list()).map((c) => c.insee)).toEqual(["13001", "13055", "83137"]);
    expect((await cigale.communes.latest("13001", { quantity: "air.no2" })).devices).toHaveLength(1);
    expect((await cigale.communes.series("13001", { quantity: "air.no2", bucket: "day", from: new Date(DAY), to: new Date(DAY + 24 * HOUR) })).points).toHaveLength(2);
    expect((await cigale.alerts({ commune: "13001" })).alerts).toEqual(expect.any(Array));
    expect((await cigale.indicators.atmo({ commune: "13001", from: "2026-03-10", to: "2026-03-10" })).days).toHaveLength(1);
  });

  it("a private device appears only with a read:private key; errors are CigaleError with status and code", async () => {
    const anonymous = client();
    const err = await anonymous.devices.get(w.aixMeter).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CigaleError);
    expect(err).toMatchObject({ status: 404, code: "NOT_FOUND" });
    await expect(anonymous.indicators.meters({ commune: "13001" })).rejects.toMatchObject({ status: 403, code: "READ_PRIVATE_REQUIRED" });
    const keyed = client(w.keys.private);
    expect((await keyed.devices.get(w.aixMeter)).public).toBe(false);
    expect((await keyed.indicators.meters({ commune: "13001", from: "2026-03-10", to: "2026-03-10" })).meters.map((m) => m.device)).toEqual([w.aixMeter]);
    await expect(client("cig_read_0000000000000000000000000000000000000000").communes.list()).rejects.toMatchObject({ status: 401 });
  });
});
