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

describe("untrusted TS013 byte arrays", () => {
  it.each([[[1, 256]], [[-1]], [[1.5]], [["a"]], [[null]]])("refuses %j with INVALID_BYTES instead of wrapping", (bytes) => {
    const r = codec.decodeUplink("env", 1, bytes as unknown as number[]);
    expect(r.data).toBeUndefined();
    expect(r.issue?.code).toBe("INVALID_BYTES");
    expect(r.errors[0]).toMatch(/^bytes\[\d\] = .* is not a byte/);
    expect(codec.decodeDownlink("env", 10, bytes as unknown as number[]).issue?.code).toBe("INVALID_BYTES");
  });

  it("refuses to encode a frame longer than LoRaWAN's 242-byte maximum", () => {
    // 32 samples of alternating extreme meter indexes: every column raw, 32 bits × 3 media × 32 samples
    const samples = Array.from({ length: 32 }, (_, i) => ({
      metering: { water: { total: i % 2 ? 0 : 268435454 }, gas: { total: i % 2 ? 0 : 999999.999 }, electricity: { total: i % 2 ? 0 : 4294967294 } },
    }));
    expect(() => codec.encodeUplink("meter", { message: "measurement", interval: 60, samples })).toThrow(/exceed 242 bytes/);
    expect(codec.fitSamples("meter", samples, 60, 242)).toBeLessThan(32);
  });
});
