import { battery, bool, num } from "./fields.ts";
import type { Profile } from "./schema.ts";

const vibration = (key: string, what: string) =>
  num(key, 0, 160, 0.01, `${what}; ±16 g MEMS accelerometer (ADXL355 / LIS3DH) in m/s², 0.01 m/s²`);

/** Infrastructure health for predictive maintenance: bridges, pumps, walls, culverts. */
export const infra = {
  id: "infra",
  code: 8,
  title: "Infrastructure health",
  description: "Vibration RMS and peak, tilt, temperature, water level (flood watch) and equipment fault code.",
  measurement: [
    {
      version: 1,
      fields: [
        vibration("vibration.rms", "RMS over the interval"),
        vibration("vibration.peak", "peak over the interval"),
        num("tilt.angle", -90, 90, 0.01, "inclinometer (Murata SCL3300), 0.01°"),
        num("air.temperature", -40, 85, 0.1, "structure surface temperature, 0.1 °C"),
        num("water.level", 0, 1000, 1, "radar or pressure level sensor, 0…10 m in cm"),
        num("device.faultCode", 0, 254, 1, "fault code read from the monitored equipment, 0 = none"),
        battery,
      ],
    },
  ],
  alarm: [{ version: 1, fields: [bool("alarm.flood", "level above the flood threshold"), bool("alarm.fault", "fault code changed"), bool("alarm.shock", "shock > 2 g")] }],
} as const satisfies Profile;
