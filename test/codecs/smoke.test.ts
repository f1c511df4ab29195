import { describe, expect, it } from "vitest";
import { codec } from "../../codecs/src/node.ts";

describe("codec smoke", () => {
  it("round-trips the reference env reading", () => {
    const reading = { air: { temperature: 21.35, relativeHumidity: 48, pressure: 1013.2, no2: 38, o3: 71, pm1: 8.1, pm2_5: 12.4, pm10: 19.8 }, battery: 3.61 };
    const frame = codec.encodeUplink("env", reading);
    expect(frame.fPort).toBe(1);
    const decoded = codec.decodeUplink("env", frame.fPort, frame.bytes);
    expect(decoded.errors).toEqual([]);
    expect(decoded.data).toMatchObject({ message: "measurement", samples: [{ offset: 0, ...reading }] });
  });
});
