import { beforeAll, describe, expect, it } from "vitest";
import { vendorCodecs } from "../../../codecs/src/vendors/worker.ts";
import { chirpstackUp, newDevEui } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/** Commercial sensors: a device registered with a codec id is decoded by the codecs' vendor decoder. */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const postUp = (json: unknown) => call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json });
const readings = async (devEui: string) =>
  (await call<{ readings: { quantity: string; value: unknown }[] }>("GET", `/v1/admin/devices/${devEui}/readings`, { token: reg.admin })).body.readings.map((r) => [r.quantity, r.value]);

describe("vendor codecs", () => {
  it("an Elsys ERS frame becomes temperature and humidity readings", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: null, codec: "elsys/ers-codec" });
    // 0x01 temperature 0x00e2 = 22.6 °C, 0x02 humidity 0x29 = 41 % (Elsys payload documentation).
    const r = await postUp(chirpstackUp({ devEui, fPort: 1, data: new Uint8Array([0x01, 0x00, 0xe2, 0x02, 0x29]) }));
    expect(r.body).toMatchObject({ result: "stored", readings: 2, decode: { status: "ok" } });
    expect(await readings(devEui)).toEqual([
      ["air.relativeHumidity", 41],
      ["air.temperature", 22.6],
    ]);
  });

  it("a frame the vendor decoder rejects is kept raw with the decoder's reason", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: null, codec: "elsys/ers-codec" });
    const bytes = new Uint8Array([0x01, 0x00]);
    const expected = vendorCodecs.decodeUplink("elsys/ers-codec", 1, bytes);
    expect(expected.data).toBeUndefined();
    const r = await postUp(chirpstackUp({ devEui, fPort: 1, data: bytes }));
    expect(r.body).toMatchObject({ result: "stored", readings: 0, decode: { status: "failed", issue: { code: expected.issue?.code } } });
  });
});
