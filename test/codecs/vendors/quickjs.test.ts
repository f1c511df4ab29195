/**
 * The ChirpStack / The Things Stack scripts (codecs/build/chirpstack/vendors/<codec id>.js) run in
 * QuickJS-NG as ChirpStack runs them (../quickjs.ts: fresh runtime per call, module wrapping,
 * 100 ms budget) and return exactly what the WASM path returns: every vector, both downlink
 * directions, normalizeUplink, and 500 random or mutated frames per codec.
 */
import { readFileSync, statSync } from "node:fs";
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten";
import { describe, expect, it } from "vitest";
import { QUANTITIES } from "../../../codecs/profiles/quantities.ts";
import { CHIRPSTACK_SCRIPT_LIMIT } from "../../../codecs/scripts/chirpstack-script.ts";
import { vendorScriptPath } from "../../../codecs/scripts/vendor-build.ts";
import { VENDOR_CODECS } from "../../../codecs/src/vendors/catalog.ts";
import { vendorCodecs } from "../../../codecs/src/vendors/node.ts";
import { runChirpStackScript } from "../quickjs.ts";
import { bytesOf, codecIdOf, differences, DOWNLINKS, PUBLISHED_DOWNLINKS, PUBLISHED_UPLINKS, UPLINKS, type UplinkVector } from "./harness.ts";
import { prng } from "../prng.ts";

const TTN_KEYS = new Set<string>(QUANTITIES.filter((q) => q.origin === "ttn").map((q) => q.key));
const scripts = new Map(VENDOR_CODECS.map((c) => [c.id, readFileSync(vendorScriptPath(c.id), "utf8")]));
const script = (id: string) => scripts.get(id) as string;
const wasm = (id: string) => vendorCodecs.ts013(id, TTN_KEYS);
const RECEIVED = new Date("2026-03-01T08:00:00Z");

function run(id: string, entry: string, input: object): Record<string, unknown> {
  const outcome = runChirpStackScript(script(id), entry, input as never);
  if (!outcome.ok) throw new Error(`${id} ${entry} threw: ${outcome.error}`);
  return outcome.value;
}

describe("vendor ChirpStack scripts: self-contained, within The Things Stack's 40 KB", () => {
  it.each(VENDOR_CODECS.map((c) => [c.id]))("%s", (id) => {
    const text = script(id);
    expect(statSync(vendorScriptPath(id)).size).toBeLessThanOrEqual(CHIRPSTACK_SCRIPT_LIMIT);
    expect(text).not.toMatch(/\bWebAssembly\b/);
    expect(text).not.toMatch(/^\s*(import|export)\b/m);
    expect(text).toMatch(/^function decodeUplink\(input\)/m);
    expect(text).toMatch(/^function normalizeUplink\(input\)/m);
  });
});

const named = (v: UplinkVector) => [`${codecIdOf(v.codecFile)} — ${v.description}`, v] as const;

describe("vendor scripts in QuickJS-NG reproduce every uplink vector, like the WASM path", () => {
  it.each([...UPLINKS, ...PUBLISHED_UPLINKS].map(named))("%s", (_, v) => {
    const id = codecIdOf(v.codecFile);
    const input = { bytes: bytesOf(v.bytesHex), fPort: v.fPort, recvTime: RECEIVED, variables: {} };
    const fromScript = run(id, "decodeUplink", input);
    expect(fromScript).toEqual(JSON.parse(JSON.stringify(wasm(id).decodeUplink(input))));
    if (v.expectedErrors?.length) expect(fromScript["errors"]).toEqual(v.expectedErrors);
    else expect(differences(fromScript["data"], v.expected)).toEqual([]);
    // normalizeUplink as The Things Stack calls it: the decoded data and the device's version.
    const normalizeInput = { data: fromScript["data"], version: v.hardwareVersions ? { hardwareVersion: v.hardwareVersions[0] } : {} };
    const normalized = run(id, "normalizeUplink", normalizeInput);
    expect(normalized).toEqual(JSON.parse(JSON.stringify(wasm(id).normalizeUplink(normalizeInput))));
  });

  it("normalizeUplink gives The Things Stack the vendors' normalized output where it is schema-valid", () => {
    for (const v of UPLINKS.filter((u) => ["elsys/ers-codec", "example/windsensor-codec"].includes(codecIdOf(u.codecFile)))) {
      const id = codecIdOf(v.codecFile);
      const data = run(id, "decodeUplink", { bytes: bytesOf(v.bytesHex), fPort: v.fPort, recvTime: RECEIVED, variables: {} })["data"];
      const out = run(id, "normalizeUplink", { data, version: { hardwareVersion: v.hardwareVersions?.[0] } });
      expect(differences(out, { data: v.normalized, errors: [], warnings: [] })).toEqual([]);
    }
    // EM300-TH: the vendor's battery 50 is a percentage, which TTN's schema (battery in volts) cannot take.
    const th = UPLINKS.find((u) => codecIdOf(u.codecFile) === "milesight-iot/em300-th-codec") as UplinkVector;
    const data = run("milesight-iot/em300-th-codec", "decodeUplink", { bytes: bytesOf(th.bytesHex), fPort: th.fPort, recvTime: RECEIVED, variables: {} })["data"];
    expect(run("milesight-iot/em300-th-codec", "normalizeUplink", { data })["data"]).toEqual([{ air: { temperature: 20, relativeHumidity: 30 } }]);
  });
});

describe("vendor scripts in QuickJS-NG: downlink vectors both ways", () => {
  it.each([...DOWNLINKS, ...PUBLISHED_DOWNLINKS].map((v) => [`${codecIdOf(v.codecFile)} ${v.kind} — ${v.description}`, v] as const))("%s", (_, v) => {
    const id = codecIdOf(v.codecFile);
    if (v.kind === "encodeDownlink") {
      const out = run(id, "encodeDownlink", { data: v.input.data, variables: {} });
      expect(out).toEqual(JSON.parse(JSON.stringify(wasm(id).encodeDownlink({ data: v.input.data }))));
      if (v.expectedErrors) expect(out["errors"]).toEqual(v.expectedErrors);
      else expect({ fPort: out["fPort"], bytes: out["bytes"] }).toEqual({ fPort: v.expectedFPort, bytes: bytesOf(v.expectedBytesHex ?? "") });
    } else {
      const out = run(id, "decodeDownlink", { bytes: bytesOf(v.bytesHex), fPort: v.fPort });
      expect(differences(out, { data: v.expected, errors: [], warnings: [] })).toEqual([]);
    }
  });
});

// ————— random frames, one long-lived context per script —————

const QUICKJS = await newQuickJSWASMModuleFromVariant(import("@jitl/quickjs-ng-wasmfile-release-sync"));

/** Loads a script once and calls its functions many times (the per-call ChirpStack wrapping is tested above). */
function session(text: string) {
  const runtime = QUICKJS.newRuntime();
  const ctx = runtime.newContext();
  const loaded = ctx.evalCode(text, "codec.js", { type: "global" });
  if (loaded.error) throw new Error(JSON.stringify(ctx.dump(loaded.error)));
  loaded.value.dispose();
  return {
    call(entry: string, inputLiteral: string): unknown {
      const r = ctx.evalCode(`JSON.stringify(${entry}(${inputLiteral}))`, "call.js", { type: "global" });
      if (r.error) {
        const e = ctx.dump(r.error);
        r.error.dispose();
        throw new Error(`${entry} threw: ${JSON.stringify(e)}`);
      }
      const json = ctx.getString(r.value);
      r.value.dispose();
      return JSON.parse(json);
    },
    dispose() {
      ctx.dispose();
      runtime.dispose();
    },
  };
}

describe("vendor scripts in QuickJS-NG match the WASM path on 500 random and mutated frames each", () => {
  const seeds = new Map<string, number[][]>();
  for (const v of [...UPLINKS, ...PUBLISHED_UPLINKS]) {
    const id = codecIdOf(v.codecFile);
    seeds.set(id, [...(seeds.get(id) ?? []), bytesOf(v.bytesHex)]);
  }
  it.each(VENDOR_CODECS.map((c, i) => [c.id, i] as const))("%s", (id, i) => {
    const rand = prng(0x5c1 + i);
    const int = (n: number) => Math.floor(rand() * n);
    const s = session(script(id));
    try {
      for (let n = 0; n < 500; n++) {
        const own = seeds.get(id) ?? [[]];
        const bytes = rand() < 0.5 ? Array.from({ length: int(40) }, () => int(256)) : [...(own[int(own.length)] as number[])];
        if (bytes.length && rand() < 0.8) bytes[int(bytes.length)] = int(256);
        if (rand() < 0.3) bytes.length = int(bytes.length + 1);
        const fPort = [1, 2, 3, 6, 7, 85, int(256)][int(7)] as number;
        const literal = `{ bytes: ${JSON.stringify(bytes)}, fPort: ${fPort}, recvTime: new Date(${RECEIVED.getTime()}), variables: {} }`;
        const expected = JSON.parse(JSON.stringify(wasm(id).decodeUplink({ bytes, fPort, recvTime: RECEIVED, variables: {} })));
        const got = s.call("decodeUplink", literal);
        if (differences(got, expected, 0).length) throw new Error(`${id} differs on fPort ${fPort} [${bytes}]: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
        const data = (expected as { data?: unknown }).data;
        if (data !== undefined) {
          const norm = s.call("normalizeUplink", `{ data: ${JSON.stringify(data)}, version: { hardwareVersion: "1.0-2M" } }`);
          const normExpected = JSON.parse(JSON.stringify(wasm(id).normalizeUplink({ data, version: { hardwareVersion: "1.0-2M" } })));
          if (differences(norm, normExpected, 0).length) throw new Error(`${id} normalizeUplink differs for ${JSON.stringify(data)}`);
        }
      }
    } finally {
      s.dispose();
    }
  });
});
