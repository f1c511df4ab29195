import { describe, expect, it } from "vitest";
import { BaselineEncoder } from "../../bench/codecs/baseline-encoder.ts";
import { buildCatalog } from "../../codecs/profiles/catalog.ts";
import { ACK, STATUS, THRESHOLD_ALARM_FIELDS } from "../../codecs/profiles/common.ts";
import { COMMANDS, PROFILES } from "../../codecs/profiles/index.ts";
import { latest, type Profile } from "../../codecs/profiles/schema.ts";
import { codec } from "../../codecs/src/node.ts";
import { prng } from "./prng.ts";
import { randomInput, randomSamples } from "./baseline-random.ts";

/** The encode baseline of the benchmark writes the very bytes the WASM codec writes. */
const baseline = new BaselineEncoder();
const catalog = buildCatalog();
const profiles: readonly Profile[] = PROFILES;
const hex = (f: { bytes: Uint8Array; fPort: number }) => `${f.fPort}:${Buffer.from(f.bytes).toString("hex")}`;

describe("baseline encoder ≡ WASM codec", () => {
  it.each(profiles.map((p) => p.id))("writes the same frames for random valid input of profile %s", (id) => {
    const p = profiles.find((x) => x.id === id) as Profile;
    const refTargets = catalog.refTargets.get(p.code) ?? [];
    const rnd = prng(100 + p.code);
    // Frames the codec refuses (larger than LoRaWAN's 242-byte maximum) the baseline must refuse too.
    const same = (input: Record<string, unknown>) => {
      let expected: string;
      try {
        expected = hex(codec.encodeUplink(id as "env", input as never));
      } catch {
        expect(() => baseline.encodeUplink(id, input)).toThrow();
        return;
      }
      expect(hex(baseline.encodeUplink(id, input)), JSON.stringify(input)).toBe(expected);
    };
    for (let i = 0; i < 400; i++) {
      const fields = latest(p.measurement).fields;
      same(randomInput(fields, [], rnd));
      same({ message: "measurement", samples: randomSamples(fields, 2 + Math.floor(rnd() * 20), rnd), interval: 1 + Math.floor(rnd() * 65535) });
      same({ message: "alarm", ...randomInput([...THRESHOLD_ALARM_FIELDS, ...latest(p.alarm).fields], refTargets, rnd) });
      same({ message: "status", ...randomInput(latest(STATUS).fields, refTargets, rnd) });
      const command = COMMANDS[Math.floor(rnd() * COMMANDS.length)] as (typeof COMMANDS)[number];
      same({ message: "ack", command: command.name, ...randomInput(latest(ACK).fields, refTargets, rnd) });
      const args = { ...randomInput(catalog.layouts.find((l) => l.command === command.name)?.fields ?? [], refTargets, rnd), command: command.name };
      expect(hex(baseline.encodeDownlink(id, args))).toBe(hex(codec.encodeDownlink(id as "env", args as never)));
    }
  });

  it("refuses out-of-range values", () => {
    expect(() => baseline.encodeUplink("env", { air: { temperature: 99 } })).toThrow(/out of range/);
  });
});
