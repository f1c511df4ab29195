import { beforeAll, describe, expect, it } from "vitest";
import { vendorCodecs } from "../../../codecs/src/vendors/worker.ts";
import { chirpstackUp, newDevEui } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { accepted, DECODE, settle, storedUplinks } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/** Commercial sensors: a device registered with a codec id is decoded by the codecs' vendor decoder. */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

async function postUp(json: unknown): Promise<void> {
  await accepted("up", json, reg.ingest);
  await settle(reg.ingest);
}
const readings = async (devEui: string) =>
  (await call<{ readings: { quantity: string; value: unknown }[] }>("GET", `/v1/admin/devices/${devEui}/readings`, { token: reg.admin })).body.readings.map((r) => [r.quantity, r.value]);

describe("vendor codecs", () => {
  it("an Elsys ERS frame becomes temperature and humidity readings", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: null, codec: "elsys/ers-codec" });
    // 0x01 temperature 0x00e2 = 22.6 °C, 0x02 humidity 0x29 = 41 % (Elsys payload documentation).
    await postUp(chirpstackUp({ devEui, fPort: 1, data: new Uint8Array([0x01, 0x00, 0xe2, 0x02, 0x29]) }));
    expect(await storedUplinks(devEui)).toMatchObject([{ decode: DECODE.ok, note: null, readings: 2 }]);
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
    await postUp(chirpstackUp({ devEui, fPort: 1, data: bytes }));
    expect(await storedUplinks(devEui)).toMatchObject([{ decode: DECODE.failed, note: expect.stringMatching(new RegExp(`^${expected.issue?.code}: `)), readings: 0 }]);
  });
});
