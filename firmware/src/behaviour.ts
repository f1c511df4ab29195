/**
 * How the firmware turns sensor readings into each measured quantity of the codecs' profiles, by
 * quantity key. The profiles (codecs/profiles) say what a frame carries; this says how the device
 * computes it over a reporting interval. firmware/scripts/generate.ts turns it into the
 * AssemblyScript tables and fails when a profile has a field that is not listed here.
 */

/** Aggregation codes shared with firmware/assembly/aggregate.ts. */
export const AGG = {
  /** arithmetic mean of the readings of the interval (gases, PM, temperature, power…) */
  mean: 0,
  /** the last reading (indices, counts of vehicles, fill, state, battery) */
  last: 1,
  /** a cumulative counter's increase over the interval */
  delta: 2,
  /** the interval's length in seconds */
  period: 3,
  /** the largest reading */
  max: 4,
  /** noise: energy average of the 1 s levels, 10·log10(mean(10^(L/10))) */
  laeq: 5,
  /** noise: largest 1 s level */
  lamax: 6,
  /** noise: smallest 1 s level */
  lamin: 7,
  /** noise: level exceeded 10 % of the time, from the 0.1 dB histogram */
  la10: 8,
  /** noise: level exceeded 90 % of the time */
  la90: 9,
  /** waste: fill in % from the distance reading and the bin's depth */
  fill: 10,
} as const;

export type Aggregation = keyof typeof AGG;

export const BEHAVIOUR: Readonly<Record<string, Aggregation>> = {
  "air.temperature": "mean",
  "air.relativeHumidity": "mean",
  "air.pressure": "mean",
  "air.no2": "mean",
  "air.o3": "mean",
  "air.pm1": "mean",
  "air.pm2_5": "mean",
  "air.pm10": "mean",
  battery: "last",
  "sound.laeq": "laeq",
  "sound.lamax": "lamax",
  "sound.lamin": "lamin",
  "sound.la10": "la10",
  "sound.la90": "la90",
  "count.in": "delta",
  "count.out": "delta",
  "count.period": "period",
  "level.fill": "fill",
  "level.distance": "last",
  "tilt.angle": "mean",
  "metering.water.total": "last",
  "metering.gas.total": "last",
  "metering.electricity.total": "last",
  "vehicles.bike": "last",
  "vehicles.ebike": "last",
  "vehicles.scooter": "last",
  "vehicles.car": "last",
  "docks.available": "last",
  "station.status": "last",
  "furniture.state": "last",
  "light.dimming": "last",
  "electricity.power": "mean",
  "usage.count": "delta",
  "vibration.rms": "mean",
  "vibration.peak": "max",
  "water.level": "mean",
  "device.faultCode": "last",
};

/** Alarm flags the firmware raises, by key, with the event code firmware/assembly/alarms.ts uses. */
export const EVENTS: Readonly<Record<string, number>> = {
  "alarm.tamper": 0,
  "alarm.door": 1,
  "alarm.tilted": 2,
  "alarm.shock": 3,
  "alarm.lidOpen": 4,
  "alarm.pickup": 5,
  "alarm.fire": 6,
  "water.leak": 7,
  "alarm.burst": 8,
  "alarm.backflow": 9,
  "alarm.flood": 10,
  "alarm.fault": 11,
  "station.status": 12,
};
