import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { QUANTITIES } from "../../../codecs/profiles/quantities.ts";
import { declaredLabels, quantitySpecs } from "../../../worker/src/ingest/decode/quantities.ts";
import { decodeValue, encodeValue } from "../../../worker/src/ingest/decode/values.ts";
import { listQuantities, listQuantityHistory, type QuantitySpec, syncQuantities } from "../../../worker/src/store/quantities.ts";
import { listReadings } from "../../../worker/src/store/readings.ts";

/** The quantities table: stable ids for the codecs' keys, and how each value is stored as a number. */

describe("syncQuantities", () => {
  it("gives every registry key an id once; a key added later gets the next id and old ids never move", async () => {
    const specs = quantitySpecs();
    const first = await syncQuantities(env.DB, specs);
    expect([...first.keys()].sort()).toEqual(QUANTITIES.map((q) => q.key).sort());
    const ids = new Map([...first].map(([k, v]) => [k, v.id]));

    // A codec release inserts a key in the middle of the registry.
    const next: QuantitySpec[] = [{ key: "air.nh3", unit: "ug/m3", encoding: "number", labels: null, decimals: 1 }, ...specs];
    const second = await syncQuantities(env.DB, next);
    for (const [key, id] of ids) expect(second.get(key)?.id, key).toBe(id);
    expect(second.get("air.nh3")?.id).toBe(Math.max(...ids.values()) + 1);
    expect(await listQuantities(env.DB)).toHaveLength(specs.length + 1);
  });

  it("a changed unit or resolution gives the key a new id; values stored under the old one keep reading with the old unit and scale", async () => {
    const specs = quantitySpecs();
    const before = await syncQuantities(env.DB, specs);
    const pressure = before.get("air.pressure")!;
    const temperature = before.get("air.temperature")!;
    const deviceId = 900_001; // readings carry no foreign key: a device id is enough here
    // 1013.2 hPa (decimals 1) and 21.35 °C (decimals 2), as ingest stored them.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO readings (device_id, quantity_id, time, value) VALUES (?1, ?2, 1000, 10132)").bind(deviceId, pressure.id),
      env.DB.prepare("INSERT INTO readings (device_id, quantity_id, time, value) VALUES (?1, ?2, 1000, 2135)").bind(deviceId, temperature.id),
    ]);

    // A codec release moves pressure to Pa and temperature to 0.001 °C.
    const after = await syncQuantities(
      env.DB,
      specs.map((s) => (s.key === "air.pressure" ? { ...s, unit: "Pa", decimals: 0 } : s.key === "air.temperature" ? { ...s, decimals: 3 } : s)),
    );
    expect(after.get("air.pressure")).toMatchObject({ unit: "Pa", decimals: 0 });
    expect(after.get("air.pressure")!.id).not.toBe(pressure.id);
    expect(after.get("air.temperature")).toMatchObject({ decimals: 3 });
    expect(after.get("air.temperature")!.id).not.toBe(temperature.id);
    expect(after.get("battery")?.id).toBe(before.get("battery")?.id);
    const history = await listQuantityHistory(env.DB);
    expect(history.find((q) => q.id === pressure.id)).toMatchObject({ unit: "hPa", decimals: 1, retiredAt: expect.any(Number) });

    const read = await listReadings(env.DB, deviceId, { from: 0, to: 2000, limit: 10 });
    expect(read.map((r) => ({ key: r.key, unit: r.unit, value: decodeValue(r, r.value) }))).toEqual([
      { key: "air.pressure", unit: "hPa", value: 1013.2 },
      { key: "air.temperature", unit: "Cel", value: 21.35 },
    ]);
  });

  it("appending labels to an enum keeps its id (stored indexes mean the same); reordering them does not", async () => {
    const specs = quantitySpecs();
    const before = (await syncQuantities(env.DB, specs)).get("station.status")!;
    const labels = before.labels!;
    const appended = await syncQuantities(env.DB, specs.map((s) => (s.key === "station.status" ? { ...s, labels: [...labels, "relocated"] } : s)));
    expect(appended.get("station.status")).toMatchObject({ id: before.id, labels: [...labels, "relocated"] });
    const reordered = await syncQuantities(env.DB, specs.map((s) => (s.key === "station.status" ? { ...s, labels: [...labels].reverse() } : s)));
    expect(reordered.get("station.status")!.id).not.toBe(before.id);
  });

  it("writes nothing when the table is current", async () => {
    const specs = quantitySpecs();
    await syncQuantities(env.DB, specs);
    let writes = 0;
    const counting = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") writes++;
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    await syncQuantities(counting, specs);
    expect(writes).toBe(0);
  });
});

describe("value encodings", () => {
  const spec = (key: string) => {
    const s = quantitySpecs().find((q) => q.key === key);
    if (!s) throw new Error(key);
    return s;
  };

  it("numbers are stored at the finest resolution a profile declares for them", () => {
    expect(spec("air.temperature").decimals).toBe(2); // env: 0.01 °C
    expect(spec("air.pressure").decimals).toBe(1); // 0.1 hPa
    expect(spec("count.in").decimals).toBe(0);
    expect(spec("battery").decimals).toBe(2); // 10 mV
    expect(spec("station.status").decimals).toBe(0);
  });

  it.each([
    ["air.temperature", 21.35, 2135],
    ["air.temperature", -4.07, -407],
    ["air.pressure", 1013.2, 10132],
    ["battery", 3.61, 361],
    ["count.in", 4821, 4821],
    ["air.temperature", 21.357, 2135.7],
    ["alarm.lidOpen", true, 1],
    ["alarm.lidOpen", false, 0],
    ["station.status", "open", 0],
    ["station.status", "closed", 3],
    ["device.resetCause", "watchdog", 2],
    ["device.firmware", "1.2.3", 66051],
  ] as const)("%s = %j is stored as %d and read back", (key, value, stored) => {
    expect(encodeValue(spec(key), value)).toBe(stored);
    expect(decodeValue(spec(key), stored)).toBe(value);
  });

  it.each([
    ["air.temperature", "warm"],
    ["air.temperature", Number.NaN],
    ["alarm.lidOpen", 2],
    ["station.status", "bankrupt"],
    ["device.firmware", "1.2"],
    ["device.firmware", "300.0.0"],
  ] as const)("%s = %j does not fit and is refused", (key, value) => {
    expect(encodeValue(spec(key), value)).toBeNull();
  });

  it("every enum key has one label order across profiles and layout versions (later lists only append)", () => {
    const quantityKeys = new Set(QUANTITIES.map((q) => q.key as string));
    const enums = [...declaredLabels()].filter(([key]) => quantityKeys.has(key));
    expect(enums.map(([key]) => key)).toContain("station.status");
    for (const [key, lists] of enums) {
      const longest = lists.reduce((a, b) => (b.length > a.length ? b : a));
      for (const list of lists) expect(longest.slice(0, list.length), key).toEqual(list);
      expect(spec(key).labels).toEqual(longest);
    }
  });
});
