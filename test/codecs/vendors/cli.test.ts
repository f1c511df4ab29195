/**
 * cigale-codec with commercial-sensor codecs: `decode --codec` prints the vendor-shaped data and
 * the normalized measurements, `list` shows the codecs, `export-chirpstack --codec` writes the
 * same script as the build. Runs the real CLI in a child process (../cli-helpers.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VENDOR_CODECS } from "../../../codecs/src/vendors/catalog.ts";
import { decodeVendorUplink } from "../../../codecs/src/vendors/node.ts";
import { vendorScriptPath } from "../../../codecs/scripts/vendor-build.ts";
import { cli } from "../cli-helpers.ts";

const tmp = mkdtempSync(join(tmpdir(), "cigale-vendor-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("cigale-codec decode --codec", () => {
  it("prints {data, errors, warnings} in the vendor's shape, plus the normalized measurements", () => {
    const r = cli(["decode", "--codec", "elsys/ers-codec", "--port", "1", "--hex", "0100e202290400270506"]);
    expect(r.code).toBe(0);
    const expected = decodeVendorUplink("elsys/ers-codec", 1, Buffer.from("0100e202290400270506", "hex"));
    expect(JSON.parse(r.stdout)).toEqual({ data: expected.data, errors: [], warnings: [], normalized: expected.normalized });
    expect(JSON.parse(r.stdout).data).toEqual({ temperature: 22.6, humidity: 41, light: 39, motion: 6 });
  });

  it("exit 1 with the vendor's error when the payload does not decode", () => {
    const r = cli(["decode", "-c", "dragino/laq4-codec", "--port", "42", "--hex", "0d0705001202 0b00fb01b3", "--compact"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ errors: ["unknown FPort"], warnings: [], normalized: [] });
  });

  it("decodes downlinks on the codec's own fPort", () => {
    const r = cli(["decode", "--codec", "decentlab/dl-mbx-codec", "--downlink", "--hex", "000102587e51", "--compact"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ data: { command: "set period", parameter: 600 }, errors: [], warnings: [] });
    expect(cli(["decode", "-c", "elsys/ers-codec", "--downlink", "--hex", "00"]).stderr).toContain("codec elsys/ers-codec has no downlink format");
  });

  it("rejects unknown codecs and --profile with --codec (exit 2)", () => {
    const unknown = cli(["decode", "--codec", "acme/nothing-codec", "--port", "1", "--hex", "00"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown codec "acme/nothing-codec"; codecs: elsys/ers-codec,');
    const both = cli(["decode", "--codec", "elsys/ers-codec", "--profile", "env", "--port", "1", "--hex", "00"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give either --profile or --codec, not both");
  });
});

describe("cigale-codec list and export-chirpstack --codec", () => {
  it("lists every commercial codec after the profiles", () => {
    const table = cli(["list"]);
    expect(table.code).toBe(0);
    for (const c of VENDOR_CODECS) expect(table.stdout).toContain(c.id);
    const json = JSON.parse(cli(["list", "--format", "json"]).stdout) as { codecs: Array<{ id: string; vendor: string; devices: string[]; category: string }> };
    expect(json.codecs.map((c) => c.id)).toEqual(VENDOR_CODECS.map((c) => c.id));
    expect(json.codecs.find((c) => c.id === "netvox/r718ab-codec")).toMatchObject({ vendor: "Netvox", devices: ["R718AB"], downlink: true, downlinkPort: 7 });
  });

  it("writes the codec's ChirpStack script, the same as the build's", () => {
    const file = join(tmp, "wind.js");
    const r = cli(["export-chirpstack", "--codec", "example/windsensor-codec", "-o", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^wrote .*wind\.js: \d+ bytes/);
    expect(readFileSync(file, "utf8")).toBe(readFileSync(vendorScriptPath("example/windsensor-codec"), "utf8"));
    const stdout = cli(["export-chirpstack", "-c", "sensative/strips-codec"]);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toMatch(/^\/\/ Cigale codec for Sensative Strips \(sensative\/strips-codec\)/);
  });
});
