// Delayed measurement frames (header format version 0): the age of the newest sample travels in
// the frame, so a late frame's samples are dated back from their reception; every frame without it
// decodes exactly as before (the golden vectors of every profile are unchanged).
import { describe, expect, it } from "vitest";
import { MAX_AGE } from "../../codecs/assembly/protocol.ts";
import { PROFILES } from "../../codecs/profiles/index.ts";
import type { Codec } from "../../codecs/src/codec.ts";
import type { EncodeInput, ProfileId } from "../../codecs/src/data.ts";
import type { EnvMeasurement } from "../../codecs/src/types.generated.ts";
import { readingsOf } from "../../codecs/src/readings.ts";
import { chirpstackScript, wasm2jsCodec, wasmCodec } from "./paths.ts";
import { runChirpStackScript } from "./quickjs.ts";
import { fromHex, toHex, type UplinkVector, vectorsOf } from "./vectors.ts";

type Json = Record<string, unknown>;
const recvTime = new Date("2026-03-14T10:00:00.000Z");

const byName = (profile: string, prefix: string): UplinkVector => {
  const v = vectorsOf(profile).uplinks.find((u) => u.name.startsWith(prefix));
  if (!v) throw new Error(`no vector ${prefix}`);
  return v;
};

describe.each([
  ["codecs.wasm", wasmCodec],
  ["wasm2js", wasm2jsCodec],
] as const)("delayed frames (%s)", (_name, codec: Codec) => {
  it("dates every sample of a delayed frame back from the receive time by age + its interval offset", () => {
    const v = byName("meter", "delayed measurement: four quarter-hours");
    const data = codec.decodeUplink("meter", 1, fromHex(v.hex), { recvTime }).data as unknown as { age: number; samples: Array<{ offset: number; time: string }> };
    expect(data.age).toBe(7200);
    expect(data.samples.map((s) => [s.offset, s.time])).toEqual([
      [-9900, "2026-03-14T07:15:00.000Z"],
      [-9000, "2026-03-14T07:30:00.000Z"],
      [-8100, "2026-03-14T07:45:00.000Z"],
      [-7200, "2026-03-14T08:00:00.000Z"],
    ]);
  });

  it("adds three bytes to any plain measurement and leaves the rest of the frame byte for byte", () => {
    for (const p of PROFILES) {
      for (const v of vectorsOf(p.id).uplinks) {
        if (v.data["message"] !== "measurement" || v.data["age"] !== undefined || v.encode === false) continue;
        const { samples, interval, version } = v.data as { samples: Json[]; interval?: number; version: number };
        const input = { message: "measurement", version, age: 61, samples: samples.map(({ offset: _o, ...rest }) => rest), ...(interval ? { interval } : {}) };
        const delayed = codec.encodeUplink(p.id as ProfileId, input as EncodeInput);
        const plain = fromHex(v.hex);
        // header: version 0 and the same sample count; then version (3 bits) and age 61 (21 bits)
        expect(delayed.bytes[0], v.name).toBe((plain[0] as number) & 31);
        expect(toHex(delayed.bytes.slice(1, 4)), v.name).toBe(toHex(Uint8Array.of((version << 5) | 0, 0, 61)));
        expect(toHex(delayed.bytes.slice(4)), v.name).toBe(toHex(plain.slice(1)));
        const back = codec.decodeUplink(p.id as ProfileId, 1, delayed.bytes).data as unknown as { samples: Json[]; age: number };
        expect(back.age).toBe(61);
        expect(back.samples.map((s) => s["offset"])).toEqual(samples.map((s) => (s["offset"] as number) - 61));
      }
    }
  });

  it("fits the samples that leave room for the 3-byte extension", () => {
    const v = byName("env", "measurement: 32 samples");
    const samples = (v.data["samples"] as Json[]).map(({ offset: _o, ...rest }) => rest) as EnvMeasurement[];
    const plain = codec.fitSamples("env", samples, 60, 51);
    const late = codec.fitSamples("env", samples, 60, 51, 3600);
    expect(late).toBeLessThan(plain);
    const frame = codec.encodeUplink("env", { message: "measurement", interval: 60, age: 3600, samples: samples.slice(0, late) });
    expect(frame.bytes.length).toBeLessThanOrEqual(51);
    expect(() => codec.encodeUplink("env", { message: "measurement", interval: 60, age: 3600, samples: samples.slice(0, late + 1) })).not.toThrow();
    expect(codec.encodeUplink("env", { message: "measurement", interval: 60, age: 3600, samples: samples.slice(0, late + 1) }).bytes.length).toBeGreaterThan(51);
  });

  it("carries the largest age and refuses one more", () => {
    const ok = codec.encodeUplink("env", { message: "measurement", age: MAX_AGE, samples: [{ battery: 3.6 }] });
    expect((codec.decodeUplink("env", 1, ok.bytes).data as unknown as Json)["age"]).toBe(MAX_AGE);
    expect(() => codec.encodeUplink("env", { message: "measurement", age: MAX_AGE + 1, samples: [{ battery: 3.6 }] })).toThrow(/age/);
  });
});

describe("readings of a delayed frame (what the Worker stores)", () => {
  it("are timed reception − age for the newest sample, one interval earlier for each older one", () => {
    const v = byName("meter", "delayed measurement: four quarter-hours");
    const data = wasmCodec.decodeUplink("meter", 1, fromHex(v.hex)).data;
    if (!data) throw new Error("vector does not decode");
    const times = [...new Set(readingsOf(data, recvTime.getTime()).map((r) => new Date(r.time).toISOString()))];
    expect(times).toEqual(["2026-03-14T07:15:00.000Z", "2026-03-14T07:30:00.000Z", "2026-03-14T07:45:00.000Z", "2026-03-14T08:00:00.000Z"]);
  });

  it("without the extension are timed at reception, as before", () => {
    const v = byName("env", "measurement: 3 samples");
    const data = wasmCodec.decodeUplink("env", 1, fromHex(v.hex)).data;
    if (!data) throw new Error("vector does not decode");
    const newest = Math.max(...readingsOf(data, recvTime.getTime()).map((r) => r.time));
    expect(newest).toBe(recvTime.getTime());
  });
});

describe("ChirpStack script (QuickJS-NG) on a delayed frame", () => {
  it("dates the samples from ChirpStack's recvTime minus the age", () => {
    const v = byName("env", "delayed measurement: format v1 inside");
    const out = runChirpStackScript(chirpstackScript("env"), "decodeUplink", { bytes: [...fromHex(v.hex)], fPort: 1, recvTime, variables: {} });
    if (!out.ok) throw new Error(out.error);
    const data = out.value["data"] as { version: number; age: number; samples: Array<{ time: string }> };
    expect(data.version).toBe(1);
    expect(data.age).toBe(1500);
    expect(data.samples.map((s) => s.time)).toEqual(["2026-03-14T09:15:00.000Z", "2026-03-14T09:25:00.000Z", "2026-03-14T09:35:00.000Z"]);
  });
});
