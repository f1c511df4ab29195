import { beforeAll, describe, expect, it } from "vitest";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { DAY, seedWorld, type World } from "./public-seed.ts";

/**
 * Private devices never appear without a read:private key, on every public route; a key limited
 * to a territory or a commune sees only there. A hidden device answers 404 like a missing one.
 */

let w: World;
beforeAll(async () => {
  w = await seedWorld();
});

const auth = (key: string | undefined) => (key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
const get = <T = Record<string, unknown>>(path: string, key?: string) => call<T>("GET", path, auth(key));
const window = `from=${new Date(DAY).toISOString()}&to=${new Date(DAY + 86_400_000).toISOString()}`;

/** Every DevEUI an answer mentions, wherever it is. */
function euis(body: unknown): string[] {
  return [...JSON.stringify(body).matchAll(/"devEui":"([0-9a-f]{16})"/g)].map((m) => m[1]!);
}

describe("a private device (building meter)", () => {
  it("is in no list answer without read:private: /v1/devices, /v1/communes, /v1/communes/{insee}/latest", async () => {
    for (const key of [undefined, w.keys.read]) {
      const devices = await get<{ devices: { devEui: string }[] }>("/v1/devices?limit=500", key);
      expect(devices.status).toBe(200);
      expect(euis(devices.body)).toContain(w.aixAir);
      expect(euis(devices.body)).not.toContain(w.aixMeter);
      const communes = await get<{ communes: { insee: string; devices: { total: number; byProfile: Record<string, number> } }[] }>("/v1/communes", key);
      expect(communes.body.communes.find((c) => c.insee === "13001")?.devices).toEqual({ total: 1, byProfile: { env: 1 } });
      const latest = await get("/v1/communes/13001/latest", key);
      expect(euis(latest.body)).toEqual([w.aixAir]);
      const water = await get<{ devices: unknown[] }>("/v1/communes/13001/latest?quantity=metering.water.total", key);
      expect(water.body.devices).toEqual([]);
      const series = await get<{ devices: number; points: unknown[] }>(`/v1/communes/13001/series?quantity=metering.water.total&${window}`, key);
      expect([series.status, series.body.devices, series.body.points]).toEqual([200, 0, []]);
    }
  });

  it("answers 404 NOT_FOUND on its own routes without read:private, exactly as an unknown device", async () => {
    for (const path of ["", "/latest", `/series?quantity=metering.water.total&bucket=raw&${window}`, `/series?quantity=metering.water.total&bucket=hour&${window}`]) {
      for (const key of [undefined, w.keys.read]) {
        const hidden = await get<ErrorAnswer>(`/v1/devices/${w.aixMeter}${path}`, key);
        const unknown = await get<ErrorAnswer>(`/v1/devices/70b3d5ffffffffff${path}`, key);
        expect([hidden.status, hidden.body.error.code], path).toEqual([404, "NOT_FOUND"]);
        expect(hidden.body.error.message.replace(w.aixMeter, "X")).toBe(unknown.body.error.message.replace("70b3d5ffffffffff", "X"));
      }
    }
  });

  it("appears on every route with a read:private key", async () => {
    const key = w.keys.private;
    expect(euis((await get("/v1/devices?limit=500", key)).body)).toContain(w.aixMeter);
    expect(euis((await get("/v1/devices?profile=meter", key)).body)).toEqual([w.aixMeter]);
    const communes = await get<{ communes: { insee: string; devices: { total: number; byProfile: Record<string, number> } }[] }>("/v1/communes", key);
    expect(communes.body.communes.find((c) => c.insee === "13001")?.devices).toEqual({ total: 2, byProfile: { env: 1, meter: 1 } });
    expect(euis((await get("/v1/communes/13001/latest", key)).body).sort()).toEqual([w.aixAir, w.aixMeter].sort());
    const one = await get<{ public: boolean; devEui: string }>(`/v1/devices/${w.aixMeter}`, key);
    expect([one.status, one.body.public]).toEqual([200, false]);
    const latest = await get<{ values: Record<string, { value: number; unit: string }> }>(`/v1/devices/${w.aixMeter}/latest`, key);
    expect(latest.body.values["metering.water.total"]).toMatchObject({ value: 1012, unit: "L" });
    const raw = await get<{ points: { mean: number }[] }>(`/v1/devices/${w.aixMeter}/series?quantity=metering.water.total&bucket=raw&${window}`, key);
    expect(raw.body.points.map((p) => p.mean)).toEqual([1000, 1012]);
    const commune = await get<{ devices: number; points: { count: number }[] }>(`/v1/communes/13001/series?quantity=metering.water.total&${window}`, key);
    expect([commune.body.devices, commune.body.points.length]).toEqual([1, 2]);
  });
});

describe("a key limited to a commune or a territory", () => {
  it("sees that commune only: other communes are 404, their devices too", async () => {
    const key = w.keys.privateMarseille;
    expect(euis((await get("/v1/devices?limit=500", key)).body)).toEqual([w.marseilleNoise]);
    const communes = await get<{ communes: { insee: string }[] }>("/v1/communes", key);
    expect(communes.body.communes.map((c) => c.insee)).toEqual(["13055"]);
    expect((await get(`/v1/devices/${w.aixAir}`, key)).status).toBe(404);
    expect((await get(`/v1/devices/${w.marseilleNoise}/latest`, key)).status).toBe(200);
    expect((await get("/v1/communes/13001/latest", key)).status).toBe(404);
    expect((await get(`/v1/communes/13001/series?quantity=air.no2&${window}`, key)).status).toBe(404);
  });

  it("a territory key sees that territory's communes and devices only", async () => {
    const key = w.keys.tpm;
    expect(euis((await get("/v1/devices?limit=500", key)).body)).toEqual([w.toulonAir]);
    expect((await get<{ communes: { insee: string }[] }>("/v1/communes", key)).body.communes.map((c) => c.insee)).toEqual(["83137"]);
    expect((await get(`/v1/devices/${w.aixMeter}`, key)).status).toBe(404);
  });
});

describe("credentials on the public routes", () => {
  it("an unknown read key is 401 (never a silent anonymous answer); an admin key is 403", async () => {
    for (const path of ["/v1/devices", "/v1/communes", `/v1/devices/${w.aixAir}/latest`]) {
      const bad = await get<ErrorAnswer>(path, "cig_read_0000000000000000000000000000000000000000");
      expect(bad.status, path).toBe(401);
      const admin = await get<ErrorAnswer>(path, w.reg.admin);
      expect([admin.status, admin.body.error.code], path).toEqual([403, "WRONG_CREDENTIAL_KIND"]);
    }
  });

  it("answers carry CORS, ETag and Cache-Control (public without a key, private with one)", async () => {
    const anonymous = await call("GET", "/v1/communes", { headers: { origin: "https://dashboard.example" } });
    expect(anonymous.headers.get("access-control-allow-origin")).toBe("*");
    expect(anonymous.headers.get("etag")).toMatch(/^"/);
    expect(anonymous.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    const again = await call("GET", "/v1/communes", { headers: { "if-none-match": anonymous.headers.get("etag")! } });
    expect(again.status).toBe(304);
    const keyed = await get(`/v1/devices/${w.aixAir}`, w.keys.read);
    expect(keyed.headers.get("cache-control")).toMatch(/^private, max-age=\d+/);
  });
});
