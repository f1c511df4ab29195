/**
 * Every published vector through the WASM path (vendors.wasm): uplinks reproduce the vendor's
 * `expected` output (floats within 1e-9, key order ignored) and errors; normalized output matches
 * the vendor's where one was published, up to the deviations listed below; downlinks both ways.
 */
import { describe, expect, it } from "vitest";
import { decodeVendorDownlink, decodeVendorUplink, encodeVendorDownlink } from "../../../codecs/src/vendors/node.ts";
import { vendorCodec } from "../../../codecs/src/vendors/catalog.ts";
import {
  bytesOf,
  codecIdOf,
  differences,
  DOWNLINKS,
  type DownlinkVector,
  flatMeasurements,
  hexOf,
  PUBLISHED_DOWNLINKS,
  PUBLISHED_UPLINKS,
  UPLINKS,
  type UplinkVector,
} from "./harness.ts";

const named = (v: UplinkVector) => [`${codecIdOf(v.codecFile)} @${v.codecCommit.slice(0, 8)} — ${v.description}`, v] as const;

function checkUplink(v: UplinkVector): void {
  const id = codecIdOf(v.codecFile);
  expect(vendorCodec(id), `codec ${id} is registered`).toBeDefined();
  const r = decodeVendorUplink(id, v.fPort, bytesOf(v.bytesHex), { hardwareVersion: v.hardwareVersions?.[0] });
  if (v.expectedErrors && v.expectedErrors.length > 0) {
    expect(r.errors).toEqual(v.expectedErrors);
    expect(r.data).toBeUndefined();
    return;
  }
  expect(r.errors).toEqual([]);
  expect(differences(r.data, v.expected)).toEqual([]);
  if (v.expectedWarnings) expect(r.warnings).toEqual(v.expectedWarnings);
}

describe("published uplink vectors (vectors/commercial-uplinks.json)", () => {
  it("covers the decoders the issue lists", () => {
    expect(UPLINKS.length).toBeGreaterThanOrEqual(28);
  });
  it.each(UPLINKS.map(named))("%s", (_, v) => checkUplink(v));
});

describe("more published examples (vectors/published-examples.json)", () => {
  it.each(PUBLISHED_UPLINKS.map(named))("%s", (_, v) => checkUplink(v));
});

// ————— normalized output —————

type Flat = Record<string, unknown>;
const renameBatteryPercent = (f: Flat): Flat => {
  const { battery, ...rest } = f;
  return battery === undefined ? f : { ...rest, "battery.level": battery };
};

/** Where Cigale's normalized output departs from the vendor's published one, and why. */
export const NORMALIZED_DEVIATIONS: Record<string, { why: string; adjust: (vendor: Flat, data: Flat) => Flat }> = {
  "elsys/ers-co2-codec": {
    why: "the YAML's normalizedOutput omits air.co2 although the decoder gives co2; Cigale keeps it",
    adjust: (f, data) => ({ ...f, "air.co2": data["co2"] }),
  },
  "milesight-iot/em300-th-codec": {
    why: "battery is a percentage: Cigale's battery.level (battery is volts in TTN's schema and ours)",
    adjust: renameBatteryPercent,
  },
  "sensative/strips-codec": {
    why: "battery is a percentage (battery.level); the vendor splits it into a second measurement, Cigale keeps one; Cigale also maps floodAlarm to water.leak",
    adjust: (f, data) => ({ ...renameBatteryPercent(f), "water.leak": (data["floodAlarm"] as Flat)["value"] }),
  },
};

describe("normalized output against the vendors' published normalizedOutput", () => {
  const withNormalized = [...UPLINKS, ...PUBLISHED_UPLINKS].filter((v) => v.normalized !== null);
  it("has vectors to compare", () => {
    expect(withNormalized.length).toBeGreaterThanOrEqual(6);
  });
  it.each(withNormalized.map(named))("%s", (_, v) => {
    const id = codecIdOf(v.codecFile);
    const r = decodeVendorUplink(id, v.fPort, bytesOf(v.bytesHex), { hardwareVersion: v.hardwareVersions?.[0] });
    const deviation = NORMALIZED_DEVIATIONS[id];
    if (!deviation) {
      // Same measurements, same structure.
      expect(differences(r.normalized, v.normalized)).toEqual([]);
      return;
    }
    const expected = deviation.adjust(flatMeasurements(v.normalized ?? []), r.data as Flat);
    expect(r.normalized).toHaveLength(1);
    expect(differences(flatMeasurements(r.normalized), expected)).toEqual([]);
  });
});

// ————— downlinks —————

const namedDown = (v: DownlinkVector) => [`${codecIdOf(v.codecFile)} ${v.kind} — ${v.description}`, v] as const;

function checkDownlink(v: DownlinkVector): void {
  const id = codecIdOf(v.codecFile);
  if (v.kind === "encodeDownlink") {
    const r = encodeVendorDownlink(id, v.input.data);
    if (v.expectedErrors) {
      expect(r.errors).toEqual(v.expectedErrors);
      expect(r.bytes).toBeUndefined();
      return;
    }
    expect(r.errors).toEqual([]);
    expect(r.fPort).toBe(v.expectedFPort);
    expect(hexOf(r.bytes ?? [])).toBe(v.expectedBytesHex);
    // decodeDownlink is the exact inverse.
    const back = decodeVendorDownlink(id, r.fPort as number, r.bytes as number[]);
    expect(differences(back.data, v.input.data)).toEqual([]);
  } else {
    const r = decodeVendorDownlink(id, v.fPort, bytesOf(v.bytesHex));
    expect(r.errors).toEqual([]);
    expect(differences(r.data, v.expected)).toEqual([]);
    // …and encoding the decoded command gives the same frame back.
    const again = encodeVendorDownlink(id, r.data);
    expect(again.errors).toEqual([]);
    expect(again.fPort).toBe(v.fPort);
    expect(hexOf(again.bytes ?? [])).toBe(v.bytesHex.toLowerCase());
  }
}

describe("published downlink vectors (vectors/commercial-downlinks.json)", () => {
  it.each(DOWNLINKS.map(namedDown))("%s", (_, v) => checkDownlink(v));
});

describe("more published downlink examples", () => {
  it.each(PUBLISHED_DOWNLINKS.map(namedDown))("%s", (_, v) => checkDownlink(v));
});
