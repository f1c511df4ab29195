import { num, oneOf } from "./fields.ts";
import type { Profile } from "./schema.ts";

const count = (key: string, what: string) => num(key, 0, 254, 1, `${what}; the largest Vélo'v / Le vélo stations hold < 100 docks`);

/** Shared-mobility station: vehicles available by type, free docks, and its GBFS status. */
export const mobility = {
  id: "mobility",
  code: 6,
  title: "Shared mobility stations",
  description: "Bikes, e-bikes, scooters and cars available, docks available and station status (maps to GBFS station_status).",
  mainsPowered: true,
  measurement: [
    {
      version: 1,
      fields: [
        count("vehicles.bike", "mechanical bikes"),
        count("vehicles.ebike", "electric bikes"),
        count("vehicles.scooter", "scooters"),
        count("vehicles.car", "shared cars"),
        count("docks.available", "free docks"),
        oneOf("station.status", ["open", "noRentals", "noReturns", "closed"], "GBFS is_renting / is_returning / is_installed"),
      ],
    },
  ],
  alarm: [{ version: 1, fields: [oneOf("station.status", ["open", "noRentals", "noReturns", "closed"])] }],
} as const satisfies Profile;
