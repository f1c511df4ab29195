// The ChirpStack scripts (codecs/build/chirpstack/<profile>.js) run in QuickJS-NG exactly as
// ChirpStack runs them, and answer exactly what the WASM path answers, on every golden vector.
import { Script } from "node:vm";
import { describe, expect, it } from "vitest";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { CHIRPSTACK_SCRIPT_LIMIT } from "../../codecs/scripts/chirpstack-script.ts";
import type { ProfileId } from "../../codecs/src/data.ts";
import { TTN_KEYS } from "../../codecs/src/default-layouts.ts";
import { ts013 } from "../../codecs/src/ts013.ts";
import { chirpstackScript, wasmCodec } from "./paths.ts";
import { type ChirpStackUplinkInput, type EntryPoint, lastCallCpuMs, MAX_EXECUTION_MS, runChirpStackScript } from "./quickjs.ts";
import { fromHex, vectorsOf } from "./vectors.ts";

/** A receive time as ChirpStack passes it (a JS Date), and device variables as configured. */
const recvTime = new Date("2026-03-14T09:34:15.775Z");
const variables = { site: "marseille-canebiere", installedBy: "cigale" };

for (const p of PROFILES) {
  const profile = p.id as ProfileId;
  const script = chirpstackScript(profile);
  const wasm = ts013(wasmCodec, profile, TTN_KEYS);
  const set = vectorsOf(profile);

  /** Calls the script in QuickJS-NG and returns its result as JSON text, within ChirpStack's time budget. */
  const inQuickJs = (entry: EntryPoint, input: Parameters<typeof runChirpStackScript>[2]): string => {
    const out = runChirpStackScript(script, entry, input);
    if (!out.ok) throw new Error(`${profile}.js ${entry} threw: ${out.error}`);
    expect(lastCallCpuMs).toBeLessThan(MAX_EXECUTION_MS);
    return JSON.stringify(out.value);
  };

  describe(`chirpstack/${profile}.js`, () => {
    it("is a plain script: no import or export, no require, no WebAssembly, no Buffer", () => {
      expect(() => new Script(script, { filename: `${profile}.js` })).not.toThrow(); // static import/export are syntax errors in a script
      expect(script).not.toMatch(/\bimport\s*\(|\bimport\.meta\b|\brequire\s*\(/);
      expect(script).not.toContain("WebAssembly");
      expect(script).not.toMatch(/\bBuffer\b/); // ChirpStack's module imports a Buffer binding; ours must not clash or depend on it
      expect(Buffer.byteLength(script)).toBeLessThanOrEqual(CHIRPSTACK_SCRIPT_LIMIT);
    });

    it("exposes the TS013 functions at top level", () => {
      const probe = `${script}\nfunction cigaleProbe() { return { data: [typeof decodeUplink, typeof encodeDownlink, typeof decodeDownlink, typeof normalizeUplink] }; }`;
      expect(runChirpStackScript(probe, "cigaleProbe", { bytes: [], fPort: 1 })).toEqual({ ok: true, value: { data: ["function", "function", "function", "function"] } });
    });

    it("runs where there is no WebAssembly, as in ChirpStack's QuickJS-NG", () => {
      const probe = `${script}\nfunction cigaleProbe() { return { data: typeof WebAssembly }; }`;
      expect(runChirpStackScript(probe, "cigaleProbe", { bytes: [], fPort: 1 })).toEqual({ ok: true, value: { data: "undefined" } });
    });

    describe("decodeUplink, ChirpStack's input, same JSON as the WASM path", () => {
      for (const v of [...set.uplinks, ...set.decodeErrors.filter((e) => e.direction !== "downlink")]) {
        it(`fPort ${v.fPort} ${v.name}`, () => {
          const bytes = Array.from(fromHex(v.hex));
          const input: ChirpStackUplinkInput = { bytes, fPort: v.fPort, recvTime, variables };
          expect(inQuickJs("decodeUplink", input)).toBe(JSON.stringify(wasm.decodeUplink({ bytes, fPort: v.fPort, recvTime, variables })));
          if ("data" in v) {
            const direct = wasmCodec.decodeUplink(profile, v.fPort, fromHex(v.hex), { recvTime }).data;
            expect(JSON.parse(inQuickJs("decodeUplink", input)).data).toEqual(JSON.parse(JSON.stringify(direct)));
          }
        });
      }
    });

    describe("encodeDownlink (no fPort in the input, as ChirpStack calls it)", () => {
      for (const v of set.downlinks) {
        it(v.name, () => {
          const json = inQuickJs("encodeDownlink", { data: v.data, variables });
          expect(json).toBe(JSON.stringify(wasm.encodeDownlink({ data: v.data, variables })));
          expect(JSON.parse(json)).toEqual({ bytes: Array.from(fromHex(v.hex)), fPort: 10, errors: [], warnings: [] });
        });
      }
      for (const v of set.encodeErrors.filter((e) => e.direction === "downlink")) {
        it(`refuses: ${v.name}`, () => {
          const json = inQuickJs("encodeDownlink", { data: v.input, variables });
          expect(json).toBe(JSON.stringify(wasm.encodeDownlink({ data: v.input, variables })));
          expect(JSON.parse(json).errors).toHaveLength(1);
        });
      }
    });

    describe("decodeDownlink (TS013, The Things Stack)", () => {
      for (const v of [...set.downlinks.map((d) => ({ ...d, fPort: 10 })), ...set.decodeErrors.filter((e) => e.direction === "downlink")]) {
        it(v.name, () => {
          const input = { bytes: Array.from(fromHex(v.hex)), fPort: v.fPort };
          expect(inQuickJs("decodeDownlink", input)).toBe(JSON.stringify(wasm.decodeDownlink(input)));
        });
      }
    });
  });
}
