import { describe, expect, it } from "vitest";
import { BaselineDecoder } from "../../bench/codecs/baseline-decoder.ts";
import { buildCatalog } from "../../codecs/profiles/catalog.ts";
import { COMMANDS, PROFILES } from "../../codecs/profiles/index.ts";
import { latest, type Profile } from "../../codecs/profiles/schema.ts";
import { ACK, STATUS, THRESHOLD_ALARM_FIELDS } from "../../codecs/profiles/common.ts";
import { codec } from "../../codecs/src/node.ts";
import { prng } from "./prng.ts";
import { randomInput, randomSamples } from "./baseline-random.ts";
import { describeConformance } from "./conformance.ts";

/**
 * The benchmark's hand-written baseline decoder must decode the same format as the WASM engine,
 * or its throughput means nothing: it passes the golden-vector conformance suite, and gives the
 * same result objects as the WASM codec on random valid frames of every message kind and the
 * same errors on corrupted ones.
 */
const baseline = new BaselineDecoder();

describeConformance("bench baseline decoder", (profile, fPort, bytes) => baseline.decodeUplink(profile, fPort, bytes), {
  decodeDownlink: (profile, fPort, bytes) => baseline.decodeDownlink(profile, fPort, bytes),
});
const profiles: readonly Profile[] = PROFILES;
const catalog = buildCatalog();
const recvTime = new Date("2025-06-01T12:00:00Z");

function expectSame(profile: string, fPort: number, bytes: Uint8Array, downlink = false): void {
  const wasm = downlink ? codec.decodeDownlink(profile as "env", fPort, bytes) : codec.decodeUplink(profile as "env", fPort, bytes, { recvTime });
  const hand = downlink ? baseline.decodeDownlink(profile, fPort, bytes) : baseline.decodeUplink(profile, fPort, bytes, { recvTime });
  expect(hand, `${profile} fPort ${fPort} ${Buffer.from(bytes).toString("hex")}`).toEqual(wasm);
}

describe("baseline decoder ≡ WASM codec", () => {
  it.each(PROFILES.map((p) => p.id))("decodes random valid frames of profile %s identically", (id) => {
    const p = profiles.find((x) => x.id === id) as Profile;
    const refTargets = catalog.refTargets.get(p.code) ?? [];
    const rnd = prng(p.code);
    for (let i = 0; i < 400; i++) {
      for (const layout of p.measurement) {
        const fields = layout.fields;
        const count = rnd() < 0.5 ? 1 : 2 + Math.floor(rnd() * 15);
        const samples = randomSamples(fields, count, rnd);
        const frame = codec.encodeUplink(id as "env", { message: "measurement", version: layout.version, samples, interval: 1 + Math.floor(rnd() * 3600) } as never);
        expectSame(id, frame.fPort, frame.bytes);
      }
      const alarm = randomInput([...THRESHOLD_ALARM_FIELDS, ...latest(p.alarm).fields], refTargets, rnd);
      expectSame(id, 3, codec.encodeUplink(id as "env", { message: "alarm", ...alarm } as never).bytes);
      const status = randomInput(latest(STATUS).fields, refTargets, rnd);
      expectSame(id, 2, codec.encodeUplink(id as "env", { message: "status", ...status } as never).bytes);
      const command = COMMANDS[Math.floor(rnd() * COMMANDS.length)] as (typeof COMMANDS)[number];
      const ack = randomInput(latest(ACK).fields, refTargets, rnd);
      expectSame(id, 10, codec.encodeUplink(id as "env", { message: "ack", command: command.name, ...ack } as never).bytes);
      const fields = randomInput(catalog.layouts.find((l) => l.command === command.name)?.fields ?? [], refTargets, rnd);
      expectSame(id, 10, codec.encodeDownlink(id as "env", { ...fields, command: command.name } as never).bytes, true);
    }
  });

  it("gives the same data or the same errors on 50,000 random and mutated payloads", () => {
    const rnd = prng(2025);
    const valid = profiles.map((p) => codec.encodeUplink(p.id as "env", { message: "measurement", samples: randomSamples(latest(p.measurement).fields, 6, rnd), interval: 600 } as never).bytes);
    const ports = [1, 1, 1, 2, 3, 10, 0, 4, 224];
    for (let i = 0; i < 50_000; i++) {
      const p = Math.floor(rnd() * PROFILES.length);
      let bytes: Uint8Array;
      if (rnd() < 0.5) {
        bytes = Uint8Array.from({ length: Math.floor(rnd() * 48) }, () => Math.floor(rnd() * 256));
        if (bytes.length > 0 && rnd() < 0.7) bytes[0] = ((bytes[0] as number) & 0x1f) | ((1 + Math.floor(rnd() * 2)) << 5);
      } else {
        bytes = (valid[p] as Uint8Array).slice(0, Math.floor(rnd() * 40));
        for (let flips = Math.floor(rnd() * 3); flips > 0 && bytes.length > 0; flips--) {
          const at = Math.floor(rnd() * bytes.length);
          bytes[at] = (bytes[at] as number) ^ (1 << Math.floor(rnd() * 8));
        }
      }
      expectSame((PROFILES[p] as (typeof PROFILES)[number]).id, ports[Math.floor(rnd() * ports.length)] as number, bytes, rnd() < 0.1);
    }
  });

  it("reports an unknown profile like the codec", () => {
    expect(baseline.decodeUplink("weather", 1, [0x40])).toEqual(codec.decodeUplink("weather" as "env", 1, [0x40]));
  });
});
