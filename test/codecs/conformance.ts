/**
 * The conformance suite of the Cigale frame format: every golden vector and every decode-error
 * vector of test/codecs/vectors/, run against one decoder. The same suite runs on the WASM codec,
 * its wasm2js translation and the ChirpStack scripts in QuickJS (conformance.test.ts), and on the
 * hand-written baseline decoder of the benchmark; an implementation conforms when it passes all.
 *
 * What a decoder must do, per vector:
 * - uplink vectors: `data` deep-equal to the vector's `data` (the exact shape `Codec.decodeUplink`
 *   returns without a receive time: `message`, `profile`, `version`, nested quantity keys, and for
 *   measurements `samples[]` with `offset`, plus `interval` when there are several samples),
 *   `errors` empty, and `warnings` non-empty exactly when the vector has warnings;
 * - decode-error vectors: no `data` and at least one error; when the decoder also returns a
 *   structured `issue`, its `code` (and `field`, when the vector names one) must match.
 *
 * @example
 * ```ts
 * // test/codecs/baseline.test.ts
 * import { BaselineDecoder } from "../../bench/codecs/baseline-decoder.ts";
 * import { describeConformance } from "./conformance.ts";
 *
 * const baseline = new BaselineDecoder();
 * describeConformance("bench baseline decoder", (profile, fPort, bytes) => baseline.decodeUplink(profile, fPort, bytes), {
 *   decodeDownlink: (profile, fPort, bytes) => baseline.decodeDownlink(profile, fPort, bytes),
 * });
 * ```
 */
import { describe, expect, it } from "vitest";
import { CONFIG_PORT, fromHex, loadVectors } from "./vectors.ts";

/** What a decoder returns: the TS013 / ChirpStack result shape (`issue` is optional). */
export interface DecodeOutcome {
  data?: unknown;
  errors: readonly string[];
  warnings?: readonly string[];
  issue?: { code: string; field?: string };
}

/** Decodes `bytes` received on (uplink) or sent to (downlink) `fPort` from a device of `profile`. */
export type Decoder = (profile: string, fPort: number, bytes: Uint8Array) => DecodeOutcome;

export interface ConformanceOptions {
  /** Also run the downlink vectors (config commands on fPort 10) through this decoder. */
  decodeDownlink?: Decoder;
  /** Restrict to these profile ids (default: every profile). */
  profiles?: readonly string[];
}

/**
 * Registers (vitest `describe`/`it`) one test per vector for `decodeUplink` — and for
 * `options.decodeDownlink` when given — under `conformance: <name>`. Call it at the top level of
 * a `*.test.ts` file.
 */
export function describeConformance(name: string, decodeUplink: Decoder, options: ConformanceOptions = {}): void {
  describe(`conformance: ${name}`, () => {
    for (const set of loadVectors()) {
      if (options.profiles && !options.profiles.includes(set.profile)) continue;
      describe(set.profile, () => {
        for (const v of set.uplinks) {
          it(`fPort ${v.fPort} ${v.name}`, () => {
            const r = decodeUplink(set.profile, v.fPort, fromHex(v.hex));
            expect(r.errors).toEqual([]);
            expect(r.data).toEqual(v.data);
            if (r.warnings) expect(r.warnings.length > 0).toBe((v.warnings ?? []).length > 0);
          });
        }
        for (const v of set.decodeErrors) {
          if (v.direction === "downlink") continue;
          it(`fPort ${v.fPort} rejects: ${v.name}`, () => expectRejected(decodeUplink(set.profile, v.fPort, fromHex(v.hex)), v));
        }
        const decodeDownlink = options.decodeDownlink;
        if (!decodeDownlink) return;
        for (const v of set.downlinks) {
          it(`downlink ${v.name}`, () => {
            const r = decodeDownlink(set.profile, CONFIG_PORT, fromHex(v.hex));
            expect(r.errors).toEqual([]);
            expect(r.data).toEqual(v.data);
          });
        }
        for (const v of set.decodeErrors) {
          if (v.direction !== "downlink") continue;
          it(`downlink rejects: ${v.name}`, () => expectRejected(decodeDownlink(set.profile, v.fPort, fromHex(v.hex)), v));
        }
      });
    }
  });
}

function expectRejected(r: DecodeOutcome, v: { code: string; field?: string }): void {
  expect(r.data).toBeUndefined();
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) expect(typeof e).toBe("string");
  if (r.issue) {
    expect(r.issue.code).toBe(v.code);
    if (v.field) expect(r.issue.field).toBe(v.field);
  }
}
