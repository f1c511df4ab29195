import { battery, bool, num, oneOf } from "./fields.ts";
import type { Profile } from "./schema.ts";

/** Connected street furniture: streetlights, benches, kiosks and charging points. */
export const furniture = {
  id: "furniture",
  code: 7,
  title: "Connected street furniture",
  description: "Operating state, dimming, energy index and power, usage count; door, tilt and shock alarms.",
  measurement: [
    {
      version: 1,
      fields: [
        oneOf("furniture.state", ["off", "on", "dimmed", "fault"], "Smart Data Models Streetlight powerState + status"),
        num("light.dimming", 0, 100, 1, "DALI / 1-10 V dimming in 1 % steps"),
        num("metering.electricity.total", 0, 4294967294, 1, "energy index in Wh (32 bits)"),
        num("electricity.power", 0, 25000, 1, "active power in W; a 22 kW charging point is the largest load"),
        num("usage.count", 0, 65534, 1, "uses over the period (seat occupancy, kiosk sessions, charges)"),
        battery,
      ],
    },
  ],
  alarm: [
    {
      version: 1,
      fields: [bool("alarm.door", "door or hatch switch"), bool("alarm.tilted", "pole or bench tilted"), bool("alarm.shock", "accelerometer shock > 2 g")],
    },
  ],
} as const satisfies Profile;
