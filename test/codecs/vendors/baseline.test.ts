/**
 * Differential check: the benchmark's plain TypeScript baselines (bench/codecs/vendor-baselines.ts,
 * written separately from the same layouts) and the WASM decoders agree on every vector and on
 * 20,000 random or mutated frames per codec — so the benchmark compares like with like, and two
 * independent readings of each layout vouch for each other.
 */
import { describe, expect, it } from "vitest";
import { VENDOR_BASELINES } from "../../../bench/codecs/vendor-baselines.ts";
import { QUANTITIES } from "../../../codecs/profiles/quantities.ts";
import { VENDOR_CODECS } from "../../../codecs/src/vendors/catalog.ts";
import { vendorCodecs } from "../../../codecs/src/vendors/node.ts";
import { bytesOf, codecIdOf, differences, PUBLISHED_UPLINKS, UPLINKS } from "./harness.ts";
import { prng } from "../prng.ts";

const TTN_KEYS = new Set<string>(QUANTITIES.filter((q) => q.origin === "ttn").map((q) => q.key));

describe("bench baselines agree with the WASM decoders", () => {
  it("every codec has a baseline", () => {
    expect(Object.keys(VENDOR_BASELINES).sort()).toEqual(VENDOR_CODECS.map((c) => c.id).sort());
  });

  it.each(VENDOR_CODECS.map((c, i) => [c.id, i] as const))("%s", (id, i) => {
    const baseline = VENDOR_BASELINES[id] as (fPort: number, bytes: number[]) => unknown;
    const wasm = vendorCodecs.ts013(id, TTN_KEYS);
    const frames = [...UPLINKS, ...PUBLISHED_UPLINKS].filter((v) => codecIdOf(v.codecFile) === id).map((v) => ({ fPort: v.fPort, bytes: bytesOf(v.bytesHex) }));
    const rand = prng(0xba5e + i);
    const int = (n: number) => Math.floor(rand() * n);
    for (let n = 0; n < 20_000; n++) {
      const seed = frames[int(frames.length)];
      const bytes = seed && rand() < 0.6 ? [...seed.bytes] : Array.from({ length: int(30) }, () => int(256));
      if (bytes.length && rand() < 0.7) bytes[int(bytes.length)] = int(256);
      if (rand() < 0.3) bytes.length = int(bytes.length + 1);
      const fPort = seed && rand() < 0.7 ? seed.fPort : [1, 2, 3, 4, 5, 6, 7, 85][int(8)] as number;
      const expected = JSON.parse(JSON.stringify(wasm.decodeUplink({ bytes, fPort })));
      const got = JSON.parse(JSON.stringify(baseline(fPort, bytes)));
      const diff = differences(got, expected, 0);
      if (diff.length) throw new Error(`${id} fPort ${fPort} [${bytes}]: ${diff.join("; ")}`);
    }
  });
});
