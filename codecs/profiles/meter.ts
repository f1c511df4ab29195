import { battery, bool, num } from "./fields.ts";
import type { Profile } from "./schema.ts";

const water = num("metering.water.total", 0, 268435454, 1, "pulse or M-Bus water meter index, 1 L (28 bits: 268 000 m³)");
const gas = num("metering.gas.total", 0, 999999.999, 0.001, "gas meter index up to 999 999.999 m³, 1 L steps (G4–G25 meters pulse every 10 L)");
const electricity = num("metering.electricity.total", 0, 4294967294, 1, "active-energy index in Wh (32 bits: 4.29 GWh)");

/**
 * Utility meter of a municipal building: water, gas or electricity index, sampled at a fixed
 * interval. Several samples per frame are delta-encoded, so each delta is one interval's
 * consumption. Sparse: a meter carries only its own medium.
 */
export const meter = {
  id: "meter",
  code: 5,
  title: "Water, gas and electricity meters",
  description: "Cumulative index of a water (L), gas (m³) or electricity (Wh) meter; per-interval consumption from multi-sample frames; leak, burst, backflow and tamper alarms.",
  measurement: [{ version: 1, sparse: true, fields: [water, gas, electricity, battery] }],
  alarm: [
    {
      version: 1,
      sparse: true,
      fields: [
        bool("water.leak", "flow never zero over 24 h"),
        bool("alarm.burst", "flow above the burst threshold"),
        bool("alarm.backflow", "meter ran backwards"),
        bool("alarm.tamper", "magnetic fraud or cable cut"),
        water,
        gas,
        electricity,
      ],
    },
  ],
} as const satisfies Profile;
