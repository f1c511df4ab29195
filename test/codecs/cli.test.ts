import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { describeProfile } from "../../codecs/src/describe.ts";
import { codec } from "../../codecs/src/node.ts";
import { cli, PATH, ROOT } from "./cli-helpers.ts";

const READING = { air: { temperature: 21.35, relativeHumidity: 48, pressure: 1013.2, no2: 38, o3: 71, pm1: 8.1, pm2_5: 12.4, pm10: 19.8 }, battery: 3.61 };
const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const REFERENCE_HEX = hexOf(codec.encodeUplink("env", READING).bytes);
const COMMANDS = ["encode", "decode", "describe", "export-chirpstack", "list"];

const tmp = mkdtempSync(join(tmpdir(), "cigale-cli-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("cigale-codec help and version", () => {
  it("--help lists every command and the exit codes", () => {
    const r = cli(["--help"]);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c} `);
    expect(r.stdout).toMatch(/Exit codes: 0 .* 1 .* 2 .* 3 /s);
  });

  it.each(COMMANDS)("%s --help shows its usage and options", (c) => {
    const r = cli([c, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage:\n  cigale-codec ${c}`);
    expect(r.stdout).toContain("-h, --help");
    expect(cli(["help", c]).stdout).toBe(r.stdout);
  });

  it("--version prints the package version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "codecs/package.json"), "utf8")) as { version: string };
    expect(cli(["--version"])).toMatchObject({ code: 0, stdout: `cigale-codec ${version}\n` });
  });

  it("no arguments, an unknown command or option: usage on stderr, exit 2", () => {
    expect(cli([])).toMatchObject({ code: 2, stdout: "" });
    const unknown = cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"; commands: encode, decode, describe, export-chirpstack, list');
    const option = cli(["encode", "--profile", "env", "--bogus"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("--bogus");
    expect(option.stderr).toContain("cigale-codec encode --help");
  });

  it("runs as `npx cigale-codec` from the repository root", () => {
    const r = spawnSync("npx", ["--no-install", "cigale-codec", "--help"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH }, timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: cigale-codec <command> [options]");
  });
});

describe("cigale-codec encode", () => {
  it("encodes a reading to hex, fPort and size on stderr", () => {
    const r = cli(["encode", "--profile", "env", "--json", JSON.stringify(READING)]);
    expect(r).toEqual({ code: 0, stdout: `${REFERENCE_HEX}\n`, stderr: "fPort 1, 14 bytes, fits every EU868 data rate\n" });
  });

  it("writes base64 or a JSON summary, and stays quiet with --quiet", () => {
    const b64 = cli(["encode", "-p", "env", "-j", JSON.stringify(READING), "-f", "base64", "-q"]);
    expect(b64).toEqual({ code: 0, stdout: `${Buffer.from(REFERENCE_HEX, "hex").toString("base64")}\n`, stderr: "" });
    const json = cli(["encode", "-p", "env", "-j", JSON.stringify(READING), "--format", "json"]);
    expect(JSON.parse(json.stdout)).toEqual({ fPort: 1, size: 14, hex: REFERENCE_HEX, base64: Buffer.from(REFERENCE_HEX, "hex").toString("base64") });
  });

  it("reads the JSON from a file or stdin", () => {
    expect(cli(["encode", "-p", "env", "--file", "-", "-q"], { input: JSON.stringify(READING) }).stdout).toBe(`${REFERENCE_HEX}\n`);
  });

  it("encodes an array of readings as one multi-sample frame", () => {
    const samples = [{ sound: { laeq: 55.2 } }, { sound: { laeq: 57.9 } }, { sound: { laeq: 54.1 } }];
    const r = cli(["encode", "-p", "noise", "--interval", "600", "--json", JSON.stringify(samples), "-q"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${hexOf(codec.encodeUplink("noise", { message: "measurement", samples, interval: 600 }).bytes)}\n`);
    const missing = cli(["encode", "-p", "noise", "--json", JSON.stringify(samples)]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("3 samples need --interval <s>");
  });

  it("encodes status, alarm and ack messages on their fPorts", () => {
    const status = { device: { firmware: "1.2.0", uptime: 86400 }, battery: 3.58 };
    const r = cli(["encode", "-p", "env", "--message", "status", "--json", JSON.stringify(status)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${hexOf(codec.encodeUplink("env", { message: "status", ...status }).bytes)}\n`);
    expect(r.stderr).toMatch(/^fPort 2, /);
    const alarm = cli(["encode", "-p", "waste", "--json", JSON.stringify({ message: "alarm", alarm: { fire: true } }), "-f", "json"]);
    expect(JSON.parse(alarm.stdout)).toMatchObject({ fPort: 3 });
    const ack = cli(["encode", "-p", "env", "-m", "ack", "--json", JSON.stringify({ command: "setInterval", token: 7, result: "ok" }), "-f", "json"]);
    expect(JSON.parse(ack.stdout)).toMatchObject({ fPort: 10 });
  });

  it("encodes downlink commands from --command or a command key", () => {
    const expected = `${hexOf(codec.encodeDownlink("env", { command: "setInterval", token: 7, interval: 900 }).bytes)}\n`;
    const r = cli(["encode", "-p", "env", "--command", "setInterval", "--json", '{"token":7,"interval":900}']);
    expect(r).toEqual({ code: 0, stdout: expected, stderr: "fPort 10, 5 bytes, fits every EU868 data rate\n" });
    expect(cli(["encode", "-p", "env", "--downlink", "--json", '{"command":"setInterval","token":7,"interval":900}', "-q"]).stdout).toBe(expected);
    expect(cli(["encode", "-p", "env", "--command", "reboot", "-q"]).code).toBe(0);
  });

  it.each([
    ["a value out of range", ["-p", "env", "--json", '{"air":{"temperature":99}}'], ["air.temperature", "-40…85", "0.01"]],
    ["a value of the wrong type", ["-p", "env", "--json", '{"air":{"pm10":"high"}}'], ["air.pm10", "0…1000"]],
    ["an unknown field", ["-p", "env", "--json", '{"air":{"temp":20}}'], ["unknown field air.temp", "air.temperature"]],
    ["a command parameter out of range", ["-p", "env", "--command", "setInterval", "--json", '{"token":1,"interval":5}'], ["interval", "10…86400"]],
    ["an unknown command", ["-p", "env", "--command", "selfDestruct"], ["selfDestruct", "setInterval, setThreshold, reboot, requestStatus"]],
    ["malformed JSON", ["-p", "env", "--json", '{"air":'], ["--json is not valid JSON"]],
    ["an unknown profile", ["-p", "weather", "--json", "{}"], ['unknown profile "weather"', PROFILES.map((p) => p.id).join(", ")]],
    ["a missing profile", ["--json", "{}"], ["missing --profile <id>"]],
    ["missing input", ["-p", "env"], ["missing input"]],
    ["a bad interval", ["-p", "noise", "--interval", "0", "--json", "[{},{}]"], ["--interval must be a whole number from 1 to 65535"]],
    ["an unknown message kind", ["-p", "env", "--message", "hello", "--json", "{}"], ["--message must be one of measurement, status, alarm, ack"]],
    ["an unreadable file", ["-p", "env", "--file", "/nonexistent/reading.json"], ["cannot read --file /nonexistent/reading.json"]],
  ])("rejects %s with exit code 2 and a message naming it", (_, args, parts) => {
    const r = cli(["encode", ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    for (const part of parts) expect(r.stderr).toContain(part);
  });
});

describe("cigale-codec decode", () => {
  it("decodes a hex or base64 payload to the TS013 result", () => {
    const r = cli(["decode", "--profile", "env", "--port", "1", "--hex", REFERENCE_HEX]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ data: codec.decodeUplink("env", 1, Buffer.from(REFERENCE_HEX, "hex")).data, errors: [], warnings: [] });
    expect(JSON.parse(r.stdout).data.samples[0]).toMatchObject(READING);
    const b64 = cli(["decode", "-p", "env", "-P", "1", "--base64", Buffer.from(REFERENCE_HEX, "hex").toString("base64")]);
    expect(b64.stdout).toBe(r.stdout);
    const spaced = cli(["decode", "-p", "env", "-P", "1", "--hex", `0x${REFERENCE_HEX.toUpperCase().replace(/(..)/g, "$1 ")}`]);
    expect(spaced.stdout).toBe(r.stdout);
  });

  it("times the samples from --recv-time and prints one line with --compact", () => {
    const r = cli(["decode", "-p", "env", "-P", "1", "-x", REFERENCE_HEX, "--recv-time", "2025-06-01T12:00:00Z", "--compact"]);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(r.stdout).data.samples[0].time).toBe("2025-06-01T12:00:00.000Z");
  });

  it("decodes a downlink command", () => {
    const hex = hexOf(codec.encodeDownlink("env", { command: "setThreshold", token: 3, field: "air.no2", high: 200 }).bytes);
    const r = cli(["decode", "-p", "env", "--downlink", "--hex", hex]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).data).toEqual({ command: "setThreshold", token: 3, field: "air.no2", high: 200 });
  });

  it("prints the errors and exits 1 when the payload cannot be decoded", () => {
    const r = cli(["decode", "-p", "env", "--port", "1", "--hex", REFERENCE_HEX.slice(0, 6)]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { data?: unknown; errors: string[] };
    expect(out.data).toBeUndefined();
    expect(out.errors[0]).toContain("truncated frame");
    expect(cli(["decode", "-p", "env", "--port", "7", "--hex", REFERENCE_HEX]).code).toBe(1);
  });

  it.each([
    ["a missing fPort", ["-p", "env", "--hex", "40"], ["missing --port"]],
    ["a bad fPort", ["-p", "env", "--port", "300", "--hex", "40"], ["--port must be a whole number from 0 to 255"]],
    ["a missing payload", ["-p", "env", "--port", "1"], ["missing payload"]],
    ["bad hex", ["-p", "env", "--port", "1", "--hex", "40zz"], ['"z" is not a hexadecimal digit']],
    ["odd hex", ["-p", "env", "--port", "1", "--hex", "405"], ["odd number of hex digits"]],
    ["bad base64", ["-p", "env", "--port", "1", "--base64", "%%%"], ["not valid base64"]],
    ["a bad receive time", ["-p", "env", "--port", "1", "--hex", "40", "--recv-time", "yesterday"], ["--recv-time must be an ISO 8601 date-time"]],
    ["an unknown profile", ["-p", "weather", "--port", "1", "--hex", "40"], ['unknown profile "weather"']],
  ])("rejects %s with exit code 2", (_, args, parts) => {
    const r = cli(["decode", ...args]);
    expect(r.code).toBe(2);
    for (const part of parts) expect(r.stderr).toContain(part);
  });
});

describe("cigale-codec describe and list", () => {
  it("describes a profile as a table: fields, units, ranges, bits, capacity per data rate", () => {
    const r = cli(["describe", "--profile", "env"]);
    expect(r.code).toBe(0);
    const d = describeProfile("env");
    for (const f of d.fields) expect(r.stdout).toMatch(new RegExp(`^${f.key.replace(".", "\\.")}\\s+${f.symbol}\\s+.*\\s${f.bits}$`, "m"));
    expect(r.stdout).toContain(`= ${d.bytesSingleSample} bytes`);
    for (const s of d.samplesPerUplink) expect(r.stdout).toMatch(new RegExp(`^DR${s.dr}\\s.*\\s${s.maxPayload}\\s+${s.samples}$`, "m"));
  });

  it("describes a profile as JSON", () => {
    const r = cli(["describe", "-p", "meter", "--format", "json"]);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(describeProfile("meter"))));
  });

  it("lists every profile", () => {
    const r = cli(["list"]);
    expect(r.code).toBe(0);
    for (const p of PROFILES) expect(r.stdout).toMatch(new RegExp(`^${p.id}\\s+${p.code}\\s+${p.title}`, "m"));
    const json = JSON.parse(cli(["list", "-f", "json"]).stdout) as { profiles: Array<{ id: string }> };
    expect(json.profiles.map((p) => p.id)).toEqual(PROFILES.map((p) => p.id));
  });
});

describe("cigale-codec export-chirpstack", () => {
  it("writes a self-contained TS013 script that decodes like the WASM codec", () => {
    const file = join(tmp, "env.js");
    const r = cli(["export-chirpstack", "--profile", "env", "-o", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${file}: ${statSync(file).size} bytes`);
    expect(statSync(file).size).toBeLessThanOrEqual(40 * 1024);
    const input = { bytes: [...Buffer.from(REFERENCE_HEX, "hex")], fPort: 1 };
    const result = runInNewContext(`${readFileSync(file, "utf8")}\ndecodeUplink(input)`, { input }) as unknown;
    expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse(JSON.stringify(codec.decodeUplink("env", 1, input.bytes))));
  });

  it("prints the script on stdout without -o", () => {
    const r = cli(["export-chirpstack", "-p", "noise"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\/\/ Cigale noise codec/);
    expect(r.stdout).toContain("function decodeUplink(input)");
  });

  it("exits 3 when the file cannot be written", () => {
    const r = cli(["export-chirpstack", "-p", "env", "-o", join(tmp, "missing-dir", "env.js")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("cannot write the script");
  });
});
