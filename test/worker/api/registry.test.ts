import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { envUp, newDevEui } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { settle } from "../helpers/ingest.ts";
import { bootstrapAdmin } from "../helpers/registry.ts";

/** The device registry through the admin API: territories → communes → devices. */

let admin: string;
beforeAll(async () => {
  admin = await bootstrapAdmin();
});

const api = <T = Record<string, unknown>>(method: string, path: string, json?: unknown) => call<T>(method, path, { token: admin, json });
const fail = async (method: string, path: string, json: unknown, status: number, code: string, says?: RegExp) => {
  const r = await api<ErrorAnswer>(method, path, json);
  expect([r.status, r.body.error.code], r.body.error.message).toEqual([status, code]);
  if (says) expect(r.body.error.message).toMatch(says);
};

describe("territories", () => {
  it("create, read, rename, and refuse what does not fit", async () => {
    const created = await api("POST", "/v1/admin/territories", { code: "pays-d-aix", name: "Pays d'Aix" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: "pays-d-aix", name: "Pays d'Aix", createdAt: expect.stringMatching(/Z$/) });
    await fail("POST", "/v1/admin/territories", { code: "pays-d-aix", name: "again" }, 409, "TERRITORY_EXISTS");
    await fail("POST", "/v1/admin/territories", { code: "Pays d'Aix", name: "x" }, 400, "INVALID_REQUEST", /code: expected a slug/);
    await fail("POST", "/v1/admin/territories", { code: "ok", name: "" }, 400, "INVALID_REQUEST", /name: must not be empty/);
    await fail("POST", "/v1/admin/territories", { code: "ok", name: "x", extra: 1 }, 400, "INVALID_REQUEST", /extra/);
    expect((await api("PATCH", "/v1/admin/territories/pays-d-aix", { name: "Pays d'Aix (CT2)" })).body).toMatchObject({ name: "Pays d'Aix (CT2)" });
    await fail("GET", "/v1/admin/territories/nowhere", undefined, 404, "NOT_FOUND");
    expect((await api<{ territories: unknown[] }>("GET", "/v1/admin/territories")).body.territories).toHaveLength(1);
  });

  it("a territory with communes cannot be deleted; an empty one can", async () => {
    await api("POST", "/v1/admin/territories", { code: "t-full", name: "full" });
    await api("POST", "/v1/admin/communes", { insee: "13005", name: "Aubagne", territory: "t-full" });
    await fail("DELETE", "/v1/admin/territories/t-full", undefined, 409, "TERRITORY_NOT_EMPTY", /1 commune/);
    await api("POST", "/v1/admin/territories", { code: "t-empty", name: "empty" });
    expect((await api("DELETE", "/v1/admin/territories/t-empty")).status).toBe(204);
    await fail("GET", "/v1/admin/territories/t-empty", undefined, 404, "NOT_FOUND");
  });
});

describe("communes", () => {
  it("are identified by their INSEE code and belong to an existing territory", async () => {
    await api("POST", "/v1/admin/territories", { code: "amp", name: "Métropole" });
    expect((await api("POST", "/v1/admin/communes", { insee: "13001", name: "Aix-en-Provence", territory: "amp" })).status).toBe(201);
    await fail("POST", "/v1/admin/communes", { insee: "13001", name: "again", territory: "amp" }, 409, "COMMUNE_EXISTS");
    await fail("POST", "/v1/admin/communes", { insee: "1300", name: "x", territory: "amp" }, 400, "INVALID_REQUEST", /INSEE/);
    await fail("POST", "/v1/admin/communes", { insee: "13056", name: "Martigues", territory: "nowhere" }, 400, "UNKNOWN_TERRITORY", /POST \/v1\/admin\/territories/);
    expect((await api("POST", "/v1/admin/communes", { insee: "2A004", name: "Ajaccio", territory: "amp" })).status).toBe(201);
    const amp = await api<{ communes: { insee: string }[] }>("GET", "/v1/admin/communes?territory=amp");
    expect(amp.body.communes.map((c) => c.insee)).toEqual(["13001", "2A004"]);
    const moved = await api("PATCH", "/v1/admin/communes/2A004", { territory: "t-full" });
    expect(moved.body).toMatchObject({ insee: "2A004", territory: "t-full" });
    await fail("PATCH", "/v1/admin/communes/2A004", { territory: "nowhere" }, 400, "UNKNOWN_TERRITORY");
    expect((await api("DELETE", "/v1/admin/communes/2A004")).status).toBe(204);
  });
});

describe("devices", () => {
  const base = { name: "Station Cours Mirabeau", commune: "13001", profile: "env", latitude: 43.5263, longitude: 5.4454 };

  it("registers a device with every field and reads it back in API form", async () => {
    const r = await api("POST", "/v1/admin/devices", {
      ...base,
      devEui: "70B3D5E75E00AA01",
      installedAt: "2026-02-01",
      public: true,
      tags: { street: "cours-mirabeau", owner: "ville" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      devEui: "70b3d5e75e00aa01",
      name: "Station Cours Mirabeau",
      commune: "13001",
      territory: "amp",
      profile: "env",
      codec: null,
      latitude: 43.5263,
      longitude: 5.4454,
      installedAt: "2026-02-01T00:00:00.000Z",
      public: true,
      tags: { street: "cours-mirabeau", owner: "ville" },
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
    });
    const read = await api("GET", "/v1/admin/devices/70b3d5e75e00aa01");
    expect(read.body).toMatchObject({ devEui: "70b3d5e75e00aa01", state: null });
  });

  it("refuses what does not fit, saying what to fix", async () => {
    const devEui = newDevEui();
    await fail("POST", "/v1/admin/devices", { ...base, devEui: "70b3d5e75e00aa01" }, 409, "DEVICE_EXISTS");
    await fail("POST", "/v1/admin/devices", { ...base, devEui, commune: "99999" }, 400, "UNKNOWN_COMMUNE", /POST \/v1\/admin\/communes/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, codec: "elsys/ers-codec" }, 400, "INVALID_REQUEST", /either "profile".*or "codec"/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, profile: undefined }, 400, "INVALID_REQUEST", /"profile".*or "codec".*is required/);
    // A codec id the vendor catalog does not have would store every uplink of the device with "no decoder".
    await fail("POST", "/v1/admin/devices", { ...base, devEui, profile: undefined, codec: "elsys/ers" }, 400, "INVALID_REQUEST", /codec "elsys\/ers" is not in the vendor catalog.*elsys\/ers-codec/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, profile: "weather" }, 400, "INVALID_REQUEST", /unknown profile "weather": expected one of env, noise/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, profile: undefined, codec: "Elsys ERS" }, 400, "INVALID_REQUEST", /codec id "<vendor>\/<model>"/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, longitude: undefined }, 400, "INVALID_REQUEST", /latitude and longitude together/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, latitude: 91 }, 400, "INVALID_REQUEST", /latitude is between -90 and 90/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui: "xyz" }, 400, "INVALID_REQUEST", /devEui: expected a DevEUI of 16 hex digits/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, installedAt: "last week" }, 400, "INVALID_REQUEST", /installedAt: expected an ISO 8601 date/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, public: "yes" }, 400, "INVALID_REQUEST", /public: expected true or false/);
    await fail("POST", "/v1/admin/devices", { ...base, devEui, tags: { a: 1 } }, 400, "INVALID_REQUEST", /tags/);
    const text = await call<ErrorAnswer>("POST", "/v1/admin/devices", { token: admin, body: "devEui=1", contentType: "application/x-www-form-urlencoded" });
    expect([text.status, text.body.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const broken = await call<ErrorAnswer>("POST", "/v1/admin/devices", { token: admin, body: '{"devEui":', contentType: "application/json" });
    expect([broken.status, broken.body.error.code]).toEqual([400, "INVALID_JSON"]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM devices WHERE dev_eui = ?1").bind(devEui).first<{ n: number }>())?.n).toBe(0);
  });

  it("a device takes a commercial codec id of the vendor catalog (no other), and switching clears the profile", async () => {
    const devEui = newDevEui();
    await fail("POST", "/v1/admin/devices", { ...base, devEui, profile: undefined, codec: "acme/future-sensor" }, 400, "INVALID_REQUEST", /not in the vendor catalog/);
    const r = await api("POST", "/v1/admin/devices", { ...base, devEui, profile: undefined, codec: "milesight-iot/em300-th-codec" });
    expect(r.body).toMatchObject({ profile: null, codec: "milesight-iot/em300-th-codec" });
    const toProfile = await api("PATCH", `/v1/admin/devices/${devEui}`, { profile: "noise" });
    expect(toProfile.body).toMatchObject({ profile: "noise", codec: null });
    await fail("PATCH", `/v1/admin/devices/${devEui}`, { codec: "milesight/em300" }, 400, "INVALID_REQUEST", /not in the vendor catalog/);
    const toCodec = await api("PATCH", `/v1/admin/devices/${devEui}`, { codec: "elsys/ers-codec", name: "Capteur" });
    expect(toCodec.body).toMatchObject({ profile: null, codec: "elsys/ers-codec", name: "Capteur", commune: "13001" });
    await fail("PATCH", `/v1/admin/devices/${devEui}`, { commune: "99999" }, 400, "UNKNOWN_COMMUNE");
    await fail("PATCH", `/v1/admin/devices/${newDevEui()}`, { name: "x" }, 404, "NOT_FOUND");
  });

  it("lists by commune, territory, profile and codec, a page at a time", async () => {
    await api("POST", "/v1/admin/communes", { insee: "13055", name: "Marseille", territory: "amp" });
    const euis = ["70b3d5e75e0bb001", "70b3d5e75e0bb002", "70b3d5e75e0bb003"];
    for (const devEui of euis) expect((await api("POST", "/v1/admin/devices", { ...base, devEui, commune: "13055", profile: "footfall" })).status).toBe(201);
    const page1 = await api<{ devices: { devEui: string }[]; next: string | null }>("GET", "/v1/admin/devices?commune=13055&limit=2");
    expect(page1.body.devices.map((d) => d.devEui)).toEqual(euis.slice(0, 2));
    const page2 = await api<{ devices: { devEui: string }[]; next: string | null }>("GET", `/v1/admin/devices?commune=13055&limit=2&after=${page1.body.next}`);
    expect(page2.body.devices.map((d) => d.devEui)).toEqual(euis.slice(2));
    expect(page2.body.next).toBeNull();
    expect((await api<{ devices: unknown[] }>("GET", "/v1/admin/devices?profile=footfall&territory=amp")).body.devices).toHaveLength(3);
    expect((await api<{ devices: unknown[] }>("GET", "/v1/admin/devices?codec=elsys/ers-codec")).body.devices).toHaveLength(1);
    await fail("GET", "/v1/admin/devices?limit=100000", undefined, 400, "INVALID_REQUEST", /at most 1000/);
  });

  it("a device with data is deleted only with purge=true, and its data with it", async () => {
    const devEui = newDevEui();
    await api("POST", "/v1/admin/devices", { ...base, devEui });
    const token = (await api<{ token: string }>("POST", "/v1/admin/ingest-tokens", { name: "t", territory: "amp" })).body.token;
    expect((await call("POST", "/v1/ingest/chirpstack?event=up", { token, json: envUp(devEui) })).status).toBe(202);
    await settle(token);
    await fail("DELETE", `/v1/admin/devices/${devEui}`, undefined, 409, "DEVICE_HAS_DATA", /1 stored uplink\(s\) and 9 reading\(s\): add \?purge=true/);
    const purged = await api("DELETE", `/v1/admin/devices/${devEui}?purge=true`);
    expect(purged.body).toEqual({ deleted: true, uplinks: 1, readings: 9 });
    await fail("GET", `/v1/admin/devices/${devEui}`, undefined, 404, "NOT_FOUND");
    const left = await env.DB.prepare("SELECT (SELECT count(*) FROM uplinks) + (SELECT count(*) FROM readings) + (SELECT count(*) FROM device_state) AS n").first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("a commune with devices cannot be deleted", async () => {
    await fail("DELETE", "/v1/admin/communes/13055", undefined, 409, "COMMUNE_NOT_EMPTY", /3 device/);
  });
});

describe("unknown routes", () => {
  it("answer 404 with the JSON error body", async () => {
    const r = await call<ErrorAnswer>("GET", "/v2/nothing");
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: "NOT_FOUND" });
  });
});
