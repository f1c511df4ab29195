// The firmware's budgets and ABI: ≤ 16 KB of WASM, one page of memory that cannot grow, no
// allocator, only the host imports the README documents; its tables match the codecs' profiles.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { FIRMWARE_WASM_URL, firmwareModule } from "../../firmware/src/device.ts";
import { OUT, renderProfiles } from "../../firmware/scripts/generate.ts";
import { decoded, device } from "./helpers.ts";

describe("firmware.wasm", () => {
  it("is at most 16 KB", () => {
    expect(readFileSync(FIRMWARE_WASM_URL).length).toBeLessThanOrEqual(16 * 1024);
  });

  it("imports only the host ABI and exports no allocator", () => {
    const imports = WebAssembly.Module.imports(firmwareModule()).map((i) => `${i.module}.${i.name}`).sort();
    expect(imports).toEqual(["host.clock", "host.dataRate", "host.log", "host.persist", "host.random", "host.restart", "host.restore", "host.send", "host.sensor"]);
    const exports = WebAssembly.Module.exports(firmwareModule()).map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining(["init", "tick", "onDownlink", "onJoin", "downlinkPtr", "memory"]));
    expect(exports.filter((e) => e.startsWith("__"))).toEqual([]);
  });

  it("lives in one 64 KiB page that cannot grow", () => {
    const d = device("env", { sensor: () => Number.NaN });
    expect(d.memoryBytes).toBe(65536);
    expect(d.canGrowMemory()).toBe(false);
  });

  it("has profile tables generated from the current codecs profiles", () => {
    expect(readFileSync(OUT, "utf8")).toBe(renderProfiles());
  });

  it.each(PROFILES.map((p) => p.id))("boots as %s and sends frames the codec decodes", (id) => {
    const d = device(id, { sensor: () => Number.NaN });
    d.run(1300);
    expect(d.uplinks.length).toBeGreaterThanOrEqual(2);
    for (const u of d.uplinks) expect(decoded(id, u)["profile"]).toBe(id);
  });
});
