// Threshold alarms fire at once on crossing and clear only past the hysteresis band.
import { describe, expect, it } from "vitest";
import { device, downlink, envSensor, messages } from "./helpers.ts";

describe("threshold alarms with hysteresis", () => {
  it("sends one alarm when NO2 crosses 200, none while it hovers, one when it clears below 180", () => {
    // NO2 (0…1000 µg/m³): hysteresis 2 % of the range = 20 µg/m³.
    const no2 = (t: number) => {
      if (t < 1000) return 150;
      if (t < 1100) return 210; // crosses 200: alarm above
      if (t < 2000) return [195, 205, 199, 203, 185][Math.floor(t / 10) % 5] as number; // hovers: nothing
      return 170; // below 180: cleared
    };
    const d = device("env", { sensor: envSensor({ 3: no2 }) });
    d.run(5);
    downlink(d, "env", { command: "setThreshold", token: 9, field: "air.no2", high: 200 });
    d.run(2500);
    const alarms = messages("env", d, "alarm");
    expect(alarms.map((a) => a["threshold"])).toEqual([
      { field: "air.no2", value: 210, crossed: "above" },
      { field: "air.no2", value: 170, crossed: "cleared" },
    ]);
    const alarmClocks = d.uplinks.filter((u) => u.fPort === 3).map((u) => u.clock);
    expect(alarmClocks[0]).toBeLessThanOrEqual(1011); // at once: the first reading above, not the interval's end
  });

  it("watches a low bound the same way", () => {
    const temp = (t: number) => (t < 800 ? 5 : t < 1600 ? -2 : t < 2400 ? -0.5 : 3);
    const d = device("env", { sensor: envSensor({ 0: temp }) });
    d.run(5);
    downlink(d, "env", { command: "setThreshold", token: 1, field: "air.temperature", low: 0 });
    d.run(3000);
    // air.temperature −40…85 by 0.01: hysteresis 2.5 °C; −0.5 stays below, 3 clears.
    expect(messages("env", d, "alarm").map((a) => a["threshold"])).toEqual([
      { field: "air.temperature", value: -2, crossed: "below" },
      { field: "air.temperature", value: 3, crossed: "cleared" },
    ]);
  });
});

describe("default thresholds", () => {
  it("alarms once when a bin passes 80 % full and clears after its collection", () => {
    // distance → fill: 1200 − 10.5 × fill mm. 70 %, then 85 % (alarm), hovering 78–84 % (hysteresis 2 %), then emptied.
    const fillAt = (t: number) => (t < 3600 ? 70 : t < 7200 ? 85 : t < 10800 ? [79, 84, 78, 82][Math.floor(t / 60) % 4]! : 5);
    const d = device("waste", { sensor: (ch, t) => (ch === 1 ? 1200 - 10.5 * fillAt(t) : ch === 4 ? 3.4 : Number.NaN) });
    d.run(12000);
    const thresholds = messages("waste", d, "alarm").filter((a) => a["threshold"] !== undefined).map((a) => a["threshold"]);
    expect(thresholds).toEqual([
      { field: "level.fill", value: 85, crossed: "above" },
      { field: "level.fill", value: 5, crossed: "cleared" },
    ]);
  });
});
