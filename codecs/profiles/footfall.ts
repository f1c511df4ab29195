import { battery, bool, num } from "./fields.ts";
import type { Profile } from "./schema.ts";

const count = (key: string, way: string) =>
  num(key, 0, 65534, 1, `pedestrians ${way}; a stereo-vision or thermopile counter at a busy crossing sees < 10 000 per hour`);

/** Pedestrian counter: counts in both directions over a period whose length travels with them. */
export const footfall = {
  id: "footfall",
  code: 3,
  title: "Pedestrian footfall",
  description: "People counted in each direction over a counting period (the period's length is in the frame).",
  measurement: [
    {
      version: 1,
      fields: [
        count("count.in", "entering"),
        count("count.out", "leaving"),
        num("count.period", 1, 86400, 1, "counting period from 1 s to one day"),
        battery,
      ],
    },
  ],
  alarm: [{ version: 1, fields: [bool("alarm.tamper", "lens covered or sensor moved")] }],
} as const satisfies Profile;
