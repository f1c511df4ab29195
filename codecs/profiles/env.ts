import { battery, bool, num } from "./fields.ts";
import type { Profile } from "./schema.ts";

const temperature = num("air.temperature", -40, 85, 0.01, "Sensirion SHT31: −40…125 °C, 0.01 °C resolution; outdoor street range kept");
const humidity = num("air.relativeHumidity", 0, 100, 0.5, "SHT31: 0…100 %RH, ±2 %RH accuracy; 0.5 % steps");
const pressure = num("air.pressure", 850, 1100, 0.1, "Bosch BMP388 at sea level to 1 500 m altitude, 0.1 hPa");
const no2 = num("air.no2", 0, 1000, 1, "Alphasense NO2-B43F, 0…20 ppm; 1 µg/m³ steps cover the ATMO bands (> 340 µg/m³)");
const o3 = num("air.o3", 0, 1000, 1, "Alphasense OX-B431, 1 µg/m³ steps; ATMO bands end at 380 µg/m³");
const pm = (key: string) => num(key, 0, 1000, 0.1, "Sensirion SPS30: 0…1 000 µg/m³ mass concentration, 0.1 µg/m³");

/** Air quality and climate station: the ATMO pollutants plus climate, on a street pole. */
export const env = {
  id: "env",
  code: 1,
  title: "Air quality and climate",
  description: "Temperature, humidity, pressure, NO2, O3 and particulate matter (PM1, PM2.5, PM10) from a street-level station.",
  measurement: [
    // v1: pilot prototypes with a Plantower PMS5003 reported PM2.5 and PM10 only.
    { version: 1, fields: [temperature, humidity, pressure, no2, o3, pm("air.pm2_5"), pm("air.pm10"), battery] },
    { version: 2, fields: [temperature, humidity, pressure, no2, o3, pm("air.pm1"), pm("air.pm2_5"), pm("air.pm10"), battery] },
  ],
  alarm: [{ version: 1, fields: [bool("alarm.tamper", "enclosure opened")] }],
} as const satisfies Profile;
