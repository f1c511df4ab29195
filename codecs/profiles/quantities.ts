import type { Quantity } from "./schema.ts";

/**
 * Every quantity a Cigale reading can carry, own sensors and commercial ones alike.
 * Keys follow The Things Network's normalized payload schema where it has one (origin "ttn");
 * the rest is our documented extension (origin "cigale"). Units are UCUM codes.
 */
export const QUANTITIES = [
  // — air and climate —
  q("air.temperature", "Cel", "°C", "Air temperature", "ttn", ["AirQualityObserved", "temperature"]),
  q("air.relativeHumidity", "%", "%", "Relative humidity of the air", "ttn", ["AirQualityObserved", "relativeHumidity", 0.01]),
  q("air.pressure", "hPa", "hPa", "Barometric pressure", "ttn", ["AirQualityObserved", "pressure"]),
  q("air.co2", "ppm", "ppm", "Carbon dioxide concentration", "ttn", ["AirQualityObserved", "co2"]),
  q("air.lightIntensity", "lx", "lx", "Illuminance", "ttn"),
  q("air.no2", "ug/m3", "µg/m³", "Nitrogen dioxide mass concentration", "cigale", ["AirQualityObserved", "no2"]),
  q("air.o3", "ug/m3", "µg/m³", "Ozone mass concentration", "cigale", ["AirQualityObserved", "o3"]),
  q("air.pm1", "ug/m3", "µg/m³", "PM1 particulate mass concentration", "cigale", ["AirQualityObserved", "pm1"]),
  q("air.pm2_5", "ug/m3", "µg/m³", "PM2.5 particulate mass concentration", "cigale", ["AirQualityObserved", "pm25"]),
  q("air.pm10", "ug/m3", "µg/m³", "PM10 particulate mass concentration", "cigale", ["AirQualityObserved", "pm10"]),
  q("air.tvoc", "ppb", "ppb", "Total volatile organic compounds", "cigale", ["AirQualityObserved", "volatileOrganicCompoundsTotal"]),
  q("air.hcho", "mg/m3", "mg/m³", "Formaldehyde concentration", "cigale"),
  q("wind.speed", "m/s", "m/s", "Wind speed", "ttn", ["AirQualityObserved", "windSpeed"]),
  q("wind.direction", "deg", "°", "Wind direction, clockwise from north", "ttn", ["AirQualityObserved", "windDirection"]),
  // In TTN's newer payload schema (windsensor example @36acb136), not yet in lib/payload.json @311659e1.
  q("wind.elevation", "cm", "cm", "Height of the wind sensor above the ground", "ttn"),
  // — noise (A-weighted levels over the reporting interval) —
  q("sound.laeq", "dB", "dB(A)", "Equivalent continuous A-weighted sound level LAeq,T", "cigale", ["NoiseLevelObserved", "LAeq"]),
  q("sound.lamax", "dB", "dB(A)", "Maximum A-weighted sound level LAmax over the interval", "cigale", ["NoiseLevelObserved", "LAmax"]),
  q("sound.lamin", "dB", "dB(A)", "Minimum A-weighted sound level LAmin over the interval", "cigale"),
  q("sound.la10", "dB", "dB(A)", "Level exceeded 10 % of the interval (LA10, peaks)", "cigale"),
  q("sound.la90", "dB", "dB(A)", "Level exceeded 90 % of the interval (LA90, background)", "cigale"),
  // — people and vehicles —
  q("count.in", "1", "persons", "Pedestrians counted entering (towards) over the period", "cigale", ["CrowdFlowObserved", "peopleCountTowards"]),
  q("count.out", "1", "persons", "Pedestrians counted leaving (away) over the period", "cigale", ["CrowdFlowObserved", "peopleCountAway"]),
  q("count.period", "s", "s", "Length of the counting period", "cigale"),
  q("count.present", "1", "persons", "People present in the monitored area at the time of the reading", "cigale"),
  q("action.motion.count", "1", "events", "Number of motion events", "ttn"),
  q("action.motion.detected", "1", "", "Motion detected", "ttn"),
  q("vehicles.bike", "1", "vehicles", "Mechanical bikes available at the station", "cigale", ["BikeHireDockingStation", "availableBikeNumber"]),
  q("vehicles.ebike", "1", "vehicles", "Electric bikes available at the station", "cigale"),
  q("vehicles.scooter", "1", "vehicles", "Scooters available at the station", "cigale"),
  q("vehicles.car", "1", "vehicles", "Shared cars available at the station", "cigale"),
  q("docks.available", "1", "docks", "Free docks at the station", "cigale", ["BikeHireDockingStation", "freeSlotNumber"]),
  q("station.status", "1", "", "Station status (GBFS is_installed / is_renting / is_returning)", "cigale"),
  q("parking.occupied", "1", "", "Parking space occupied", "cigale"),
  // — waste —
  q("level.fill", "%", "%", "Fill level of a bin or drop-off point", "cigale", ["WasteContainer", "fillingLevel", 0.01]),
  q("level.distance", "mm", "mm", "Distance from the sensor to the surface below it", "cigale"),
  q("tilt.angle", "deg", "°", "Tilt from the installed position", "cigale"),
  // — metering —
  q("metering.water.total", "L", "L", "Water meter index", "ttn", ["WaterConsumptionObserved", "waterConsumption", 0.001]),
  q("metering.gas.total", "m3", "m³", "Gas meter index", "cigale", ["SmartMeteringObservation", "totalConsumption"]),
  q("metering.electricity.total", "W.h", "Wh", "Electricity meter index (active energy)", "cigale", ["SmartMeteringObservation", "totalConsumption", 0.001]),
  q("metering.pulse.total", "1", "pulses", "Pulse counter index of an unconfigured meter", "cigale"),
  q("water.leak", "1", "", "Water leak detected", "ttn", ["WaterConsumptionObserved", "alarmStopsLeaks"]),
  q("water.level", "cm", "cm", "Water level above the reference (flood watch)", "cigale"),
  // — street furniture —
  q("furniture.state", "1", "", "Operating state of the furniture (off, on, dimmed, fault)", "cigale"),
  q("light.dimming", "%", "%", "Light output as a share of full power", "cigale", ["Streetlight", "illuminanceLevel", 0.01]),
  q("electricity.power", "W", "W", "Active electrical power", "cigale", ["Streetlight", "powerConsumption"]),
  q("usage.count", "1", "uses", "Uses counted over the period (seats, kiosk sessions, charges)", "cigale"),
  // — infrastructure health —
  q("vibration.rms", "m/s2", "m/s²", "RMS vibration acceleration over the interval", "cigale"),
  q("vibration.peak", "m/s2", "m/s²", "Peak vibration acceleration over the interval", "cigale"),
  q("device.faultCode", "1", "", "Fault code reported by the monitored equipment (0 = none)", "cigale"),
  // — alarms —
  q("alarm.lidOpen", "1", "", "Lid open", "cigale", ["WasteContainer", "status"]),
  q("alarm.tilted", "1", "", "Tilted or knocked over", "cigale"),
  q("alarm.pickup", "1", "", "Emptied (pickup detected)", "cigale"),
  q("alarm.fire", "1", "", "Fire risk (fast temperature rise)", "cigale"),
  q("alarm.burst", "1", "", "Burst (flow above the burst threshold)", "cigale"),
  q("alarm.backflow", "1", "", "Backflow through the meter", "cigale", ["WaterConsumptionObserved", "alarmWaterQuality"]),
  q("alarm.tamper", "1", "", "Tamper or magnetic fraud attempt", "cigale", ["WaterConsumptionObserved", "alarmTamper"]),
  q("alarm.door", "1", "", "Door or hatch open", "cigale"),
  q("alarm.shock", "1", "", "Shock detected", "cigale"),
  q("alarm.flood", "1", "", "Water level above the flood threshold", "cigale"),
  q("alarm.fault", "1", "", "Equipment fault", "cigale"),
  q("threshold.field", "1", "", "Quantity whose threshold was crossed", "cigale"),
  q("threshold.value", "1", "", "Value that crossed the threshold, in the quantity's unit", "cigale"),
  q("threshold.crossed", "1", "", "Which threshold was crossed (above, below, cleared)", "cigale"),
  // — device health —
  q("battery", "V", "V", "Battery voltage", "ttn"),
  q("battery.level", "%", "%", "Battery charge as a share of full (vendor-reported)", "cigale", ["Device", "batteryLevel", 0.01]),
  q("device.firmware", "1", "", "Firmware version major.minor.patch", "cigale", ["Device", "firmwareVersion"]),
  q("device.uptime", "s", "s", "Time since the last reset", "cigale"),
  q("device.resetCause", "1", "", "Cause of the last reset", "cigale"),
  q("device.lastError", "1", "", "Last firmware error code (0 = none)", "cigale"),
  q("device.interval", "s", "s", "Reporting interval in force", "cigale"),
] as const satisfies readonly Quantity[];

export type QuantityKey = (typeof QUANTITIES)[number]["key"];

const byKey: ReadonlyMap<string, Quantity> = new Map(QUANTITIES.map((x) => [x.key, x]));

/** The quantity declared under `key`, or an error naming the unknown key. */
export function quantity(key: string): Quantity {
  const found = byKey.get(key);
  if (!found) throw new Error(`unknown quantity key "${key}": declare it in codecs/profiles/quantities.ts`);
  return found;
}

export function isQuantityKey(key: string): key is QuantityKey {
  return byKey.has(key);
}

function q<K extends string>(
  key: K,
  unit: string,
  symbol: string,
  description: string,
  origin: "ttn" | "cigale",
  sdm?: readonly [string, string, number?],
): Quantity & { readonly key: K } {
  const smartDataModel = sdm ? { entity: sdm[0], attribute: sdm[1], ...(sdm[2] ? { factor: sdm[2] } : {}) } : undefined;
  return { key, unit, symbol, description, origin, ...(smartDataModel ? { smartDataModel } : {}) };
}
