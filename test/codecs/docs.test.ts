// docs/codec-format.md is tested: every example, bit table and reference table it marks with an
// HTML comment is checked against the codec and the profile definitions.
//
//   <!-- example frame|decode|encode <profile> uplink|downlink <fPort> [warning] -->  a hex block and a json block:
//        frame: decode(hex) = json and encode(json) = hex; decode: decode only; encode: json is the encoder's input
//   <!-- example error <profile> uplink|downlink <fPort> <CODE> -->                  a hex block the decoder refuses
//   <!-- example encode-error <profile> uplink|downlink <fPort> <CODE> [field] -->   a json block the encoder refuses
//   <!-- bits -->            a table of [Bits | Value | …] rows that packs to the previous example's hex
//   <!-- commands -->, <!-- error-codes -->, <!-- eu868 -->, <!-- fit <profile> "<vector>" -->  reference tables
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildCatalog } from "../../codecs/profiles/catalog.ts";
import { COMMANDS, PROFILES } from "../../codecs/profiles/index.ts";
import { latest, type Profile } from "../../codecs/profiles/schema.ts";
import { CodecError, type ConfigCommand, type EncodeInput, type ProfileId } from "../../codecs/src/data.ts";
import { describeProfile } from "../../codecs/src/describe.ts";
import { EU868_DATA_RATES, EU868_MAX_PAYLOAD } from "../../codecs/src/lorawan.ts";
import { ERROR_NAMES } from "../../codecs/src/messages.ts";
import { type Bits, packBits } from "./bitpack.ts";
import { wasmCodec as codec } from "./paths.ts";
import { fromHex, toHex, uplinkVector } from "./vectors.ts";

type Json = Record<string, unknown>;

interface Block {
  info: string;
  text: string;
}

interface Marked {
  directive: string[];
  line: number;
  blocks: Block[];
  table: string[][];
}

const DOC = new URL("../../docs/codec-format.md", import.meta.url);
const marked = parse(readFileSync(DOC, "utf8"));

/** Each marker with the fenced blocks (up to two) or the table right after it. */
function parse(markdown: string): Marked[] {
  const lines = markdown.split("\n");
  const out: Marked[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^<!--\s*(.+?)\s*-->$/.exec(lines[i] as string);
    if (!m) continue;
    const directive = (m[1] as string).match(/"[^"]*"|\S+/g)?.map((t) => t.replace(/^"|"$/g, "")) ?? [];
    const entry: Marked = { directive, line: i + 1, blocks: [], table: [] };
    let j = i + 1;
    while (j < lines.length && entry.blocks.length < 2) {
      while (j < lines.length && (lines[j] as string).trim() === "") j++;
      const fence = /^```(\w*)\s*$/.exec(lines[j] ?? "");
      if (!fence) break;
      const body: string[] = [];
      for (j++; j < lines.length && !(lines[j] as string).startsWith("```"); j++) body.push(lines[j] as string);
      entry.blocks.push({ info: fence[1] ?? "", text: body.join("\n") });
      j++;
    }
    if (entry.blocks.length === 0) {
      for (; j < lines.length && (lines[j] as string).startsWith("|"); j++) {
        const cells = (lines[j] as string).split("|").slice(1, -1).map((c) => c.trim());
        if (cells.every((c) => /^-+$/.test(c))) continue;
        entry.table.push(cells);
      }
    }
    out.push(entry);
  }
  return out;
}

function blockOf(m: Marked, kind: "hex" | "json"): string {
  const b = m.blocks.find((x) => (kind === "json" ? x.info === "json" : x.info === "text" || x.info === "hex"));
  if (!b) throw new Error(`line ${m.line}: no ${kind} block after the marker`);
  return b.text;
}

function refusal(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error("expected a CodecError");
}

describe("docs/codec-format.md examples", () => {
  const examples = marked.filter((m) => m.directive[0] === "example");

  it("has examples of every kind", () => {
    const kinds = new Set(examples.map((m) => m.directive[1]));
    for (const k of ["frame", "decode", "encode", "error", "encode-error"]) expect(kinds).toContain(k);
    expect(examples.length).toBeGreaterThanOrEqual(20);
  });

  let previousHex: string | undefined;
  for (const m of marked) {
    const [tag, mode, profileId, direction, port, ...rest] = m.directive;
    if (tag === "bits") {
      const hex = previousHex;
      it(`bit table at line ${m.line} packs to the example above it`, () => {
        expect(m.table.length).toBeGreaterThan(0);
        const runs = m.table.slice(1).map((row): Bits => [Number(row[0]), Number(row[1])]);
        for (const [bits, value] of runs) expect(Number.isInteger(bits) && Number.isInteger(value), `row ${bits} ${value}`).toBe(true);
        expect(toHex(packBits(runs))).toBe(hex);
      });
      continue;
    }
    if (tag !== "example") continue;
    const profile = profileId as ProfileId;
    const fPort = Number(port);
    const downlink = direction === "downlink";
    const name = `line ${m.line}: ${m.directive.slice(1).join(" ")}`;
    const decode = (bytes: Uint8Array) => (downlink ? codec.decodeDownlink(profile, fPort, bytes) : codec.decodeUplink(profile, fPort, bytes));
    const encode = (input: unknown) => (downlink ? codec.encodeDownlink(profile, input as ConfigCommand) : codec.encodeUplink(profile, input as EncodeInput));

    if (mode === "frame" || mode === "decode" || mode === "encode") {
      const hex = toHex(fromHex(blockOf(m, "hex")));
      const json = JSON.parse(blockOf(m, "json")) as Json;
      previousHex = hex;
      it(name, () => {
        if (mode !== "encode") {
          const r = decode(fromHex(hex));
          expect(r.errors).toEqual([]);
          expect(r.data).toEqual(json);
          expect(r.warnings.length > 0).toBe(rest.includes("warning"));
        }
        if (mode !== "decode") {
          const frame = encode(json);
          expect(toHex(frame.bytes)).toBe(hex);
          expect(frame.fPort).toBe(fPort);
        }
        if (mode === "encode") expect(decode(fromHex(hex)).errors).toEqual([]);
      });
    } else if (mode === "error") {
      const hex = blockOf(m, "hex");
      previousHex = undefined;
      it(name, () => {
        const r = decode(fromHex(hex));
        expect(r.data).toBeUndefined();
        expect(r.issue?.code).toBe(rest[0]);
      });
    } else if (mode === "encode-error") {
      const json = JSON.parse(blockOf(m, "json")) as unknown;
      previousHex = undefined;
      it(name, () => {
        const e = refusal(() => encode(json));
        expect(e.code).toBe(rest[0]);
        if (rest[1]) expect(e.field).toBe(rest[1]);
      });
    } else {
      it(name, () => expect.fail(`unknown example mode ${mode}`));
    }
  }
});

describe("docs/codec-format.md reference tables", () => {
  const table = (tag: string): Marked => {
    const found = marked.find((m) => m.directive[0] === tag);
    if (!found) throw new Error(`no <!-- ${tag} --> table in the doc`);
    return found;
  };

  it("numbers env's threshold quantities as the catalog does", () => {
    const targets = buildCatalog().refTargets.get(1) ?? [];
    const text = readFileSync(DOC, "utf8").replace(/\s+/g, " ");
    expect(text).toContain(`(for \`env\`: ${targets.map((f, i) => `${f.key} ${i}`).join(", ")} —`);
  });

  it("lists the config commands with their codes, in order", () => {
    const rows = table("commands").table.slice(1);
    expect(rows.map((r) => [Number(r[0]), r[1]])).toEqual(COMMANDS.map((c, i) => [i + 1, c.name]));
  });

  it("lists exactly the error codes the codec can raise", () => {
    const documented = table("error-codes")
      .table.slice(1)
      .map((r) => (r[0] as string).replace(/`/g, ""));
    const runtime = readFileSync(new URL("../../codecs/src/codec.ts", import.meta.url), "utf8").matchAll(/code: "([A-Z_]+)"/g);
    const raised = new Set([...Object.values(ERROR_NAMES), ...[...runtime].map((m) => m[1] as string)]);
    expect(new Set(documented)).toEqual(raised);
    expect(documented.length).toBe(raised.size);
  });

  it("gives the EU868 payload limits and the worst-case samples per uplink", () => {
    const [header, ...rows] = table("eu868").table;
    const profileIds = (header as string[]).slice(3);
    expect(profileIds).toEqual(PROFILES.map((p) => p.id));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const dr = Number(row[0]);
      const rate = EU868_DATA_RATES[dr];
      expect(row[1]).toBe(`SF${rate?.sf} / ${rate?.bandwidthKHz} kHz`);
      expect(Number(row[2])).toBe(EU868_MAX_PAYLOAD[dr]);
      profileIds.forEach((id, c) => {
        const documented = Number(row[3 + c]);
        expect(documented, `${id} DR${dr}`).toBe(describeProfile(id).samplesPerUplink[dr]?.samples);
        // and fitSamples agrees on a worst-case series: every field present, alternating extremes
        const worst = worstCase(PROFILES.find((p) => p.id === id) as Profile);
        expect(codec.fitSamples(id as ProfileId, worst as EncodeInput[], 60, Number(row[2])), `${id} DR${dr} fitSamples`).toBe(documented);
      });
    }
  });

  it("gives fitSamples results of a golden vector", () => {
    const m = table("fit");
    const [, profileId, vectorName] = m.directive;
    const profile = profileId as ProfileId;
    const v = uplinkVector(profile, vectorName as string);
    const samples = (v.data["samples"] as Json[]).map(({ offset: _offset, ...reading }) => reading);
    const interval = v.data["interval"] as number;
    for (const row of m.table.slice(1)) {
      const maxBytes = Number(row[0]);
      const fit = codec.fitSamples(profile, samples as EncodeInput[], interval, maxBytes);
      expect(fit, `${maxBytes} bytes`).toBe(Number(row[1]));
      const frame = codec.encodeUplink(profile, { message: "measurement", interval, samples: samples.slice(0, fit) } as EncodeInput);
      expect(frame.bytes.length, `${maxBytes} bytes`).toBe(Number(row[2]));
    }
  });
});

/** 32 samples, every field present, alternating between its extremes: every column is raw. */
function worstCase(p: Profile): Json[] {
  const layout = latest(p.measurement);
  return Array.from({ length: 32 }, (_, s) => {
    const sample: Json = {};
    for (const f of layout.fields) {
      const high = s % 2 === 1;
      const value = f.kind === "number" ? (high ? f.max : f.min) : f.kind === "boolean" ? high : f.kind === "enum" ? (high ? f.values[f.values.length - 1] : f.values[0]) : undefined;
      const path = f.key.split(".");
      let node = sample;
      for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Json;
      node[path[path.length - 1] as string] = value;
    }
    return sample;
  });
}
