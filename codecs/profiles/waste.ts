import { battery, bool, num } from "./fields.ts";
import type { Profile } from "./schema.ts";

const fill = num("level.fill", 0, 100, 1, "fill level from distance and bin depth; 1 % steps");
const distance = num("level.distance", 0, 4500, 1, "ultrasonic bin sensors (e.g. MaxBotix MB7389): 300…5 000 mm, 1 mm");
const temperature = num("air.temperature", -40, 85, 0.5, "inside the bin, fire-risk watch; 0.5 °C is enough for a rise alarm");

/** Waste bin or drop-off point: fill level, temperature (fire risk), tilt, lid and pickup events. */
export const waste = {
  id: "waste",
  code: 4,
  title: "Waste bins and drop-off points",
  description: "Fill level and distance, temperature for fire risk, tilt; alarms for lid open, tilted, pickup and fire.",
  measurement: [
    {
      version: 1,
      fields: [fill, distance, temperature, num("tilt.angle", 0, 180, 1, "3-axis accelerometer, 1° steps"), battery],
    },
  ],
  alarm: [
    {
      version: 1,
      fields: [
        bool("alarm.lidOpen", "lid switch or accelerometer"),
        bool("alarm.tilted", "tilt > 45° for 10 s"),
        bool("alarm.pickup", "fill dropped by more than half after a tilt"),
        bool("alarm.fire", "temperature rise > 10 °C in 5 min"),
        fill,
        temperature,
      ],
    },
  ],
} as const satisfies Profile;
