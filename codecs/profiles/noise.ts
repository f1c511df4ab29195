import { battery, bool, num } from "./fields.ts";
import type { Profile } from "./schema.ts";

/** IEC 61672 class 2 sound level meters measure about 30…130 dB(A); we keep 20…140 at 0.1 dB. */
const level = (key: string, what: string) => num(key, 20, 140, 0.1, `${what}; IEC 61672-1 class 2 meter, 0.1 dB display resolution`);

/** Noise monitor: A-weighted levels over each reporting interval, computed on the device. */
export const noise = {
  id: "noise",
  code: 2,
  title: "Noise",
  description: "LAeq, LAmax, LAmin, LA10 and LA90 over the reporting interval (energy average and histogram on the device).",
  measurement: [
    {
      version: 1,
      fields: [
        level("sound.laeq", "energy average over the interval"),
        level("sound.lamax", "maximum of the fast (125 ms) levels"),
        level("sound.lamin", "minimum of the fast levels"),
        level("sound.la10", "10th percentile from the level histogram"),
        level("sound.la90", "90th percentile from the level histogram"),
        battery,
      ],
    },
  ],
  alarm: [{ version: 1, fields: [bool("alarm.tamper", "microphone cover removed")] }],
} as const satisfies Profile;
