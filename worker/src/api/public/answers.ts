import { z } from "@hono/zod-openapi";
import { decodeValue } from "../../ingest/decode/values.ts";
import { iso } from "../../store/db.ts";
import type { DeviceState } from "../../store/device-state.ts";
import type { LatestReading } from "../../store/latest-readings.ts";
import { DEVICE_STATUSES, type VisibleDevice } from "../../store/visible-devices.ts";
import { time } from "../views.ts";

/**
 * Answers of the public read routes: zod schemas (the OpenAPI document and @cigale/sdk's types
 * come from them) and the views that build them, each typed by its schema.
 */

type Out<T extends z.ZodType> = z.input<T>;

export const deviceStatus = z.enum(DEVICE_STATUSES).openapi({
  description: "online: an uplink within 3 reporting intervals (the device's device.interval, else 1 h); offline: none since; never: no uplink stored",
});

export const publicDevice = z
  .object({
    devEui: z.string().openapi({ example: "70b3d57ed0001234" }),
    name: z.string(),
    commune: z.string().openapi({ description: "INSEE code" }),
    territory: z.string(),
    profile: z.string().nullable().openapi({ description: "Own Cigale profile (codecs/profiles), or null for a commercial sensor" }),
    codec: z.string().nullable().openapi({ description: "Commercial codec id (<vendor>/<model>), or null" }),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    installedAt: time.nullable(),
    public: z.boolean().openapi({ description: "false: a private device (building meters), seen only with a read:private key" }),
    tags: z.record(z.string(), z.string()),
    status: deviceStatus,
    lastSeenAt: time.nullable(),
    interval: z.number().openapi({ description: "Reporting interval the status assumes, seconds" }),
  })
  .openapi("PublicDevice");

export const publicDeviceView = (d: VisibleDevice): Out<typeof publicDevice> => ({
  devEui: d.devEui,
  name: d.name,
  commune: d.commune,
  territory: d.territory,
  profile: d.profile,
  codec: d.codec,
  latitude: d.latitude,
  longitude: d.longitude,
  installedAt: iso(d.installedAt),
  public: d.public,
  tags: d.tags,
  status: d.status,
  lastSeenAt: iso(d.lastSeenAt),
  interval: d.interval,
});

export const devicePage = z
  .object({
    devices: z.array(publicDevice),
    next: z.string().nullable().openapi({ description: "The `cursor` of the next page; null on the last page" }),
  })
  .openapi("DevicePage");

export const publicState = z
  .object({
    lastSeenAt: time.nullable(),
    fCnt: z.number().int().nullable(),
    rssi: z.number().nullable().openapi({ description: "Best gateway, dBm" }),
    snr: z.number().nullable().openapi({ description: "Best gateway, dB" }),
    dr: z.number().int().nullable(),
    battery: z.number().nullable().openapi({ description: "Battery voltage (V) of the latest reading that had one" }),
    batteryLevel: z.number().nullable().openapi({ description: "Battery level (%) the network server reported" }),
    externalPower: z.boolean().nullable(),
    firmware: z.string().nullable(),
  })
  .openapi("PublicDeviceState");

export const publicStateView = (s: DeviceState | null): Out<typeof publicState> | null =>
  s === null
    ? null
    : {
        lastSeenAt: iso(s.lastSeenAt),
        fCnt: s.fCnt,
        rssi: s.rssi,
        snr: s.snr,
        dr: s.dr,
        battery: s.battery,
        batteryLevel: s.batteryLevel,
        externalPower: s.externalPower,
        firmware: s.firmware,
      };

export const deviceDetail = publicDevice.extend({ state: publicState.nullable() }).openapi("DeviceDetail");

/** A decoded value: a number in its unit, a boolean, an enum label or a version string. */
export const readingValue = z.union([z.number(), z.boolean(), z.string()]);

export const latestValue = z.object({ value: readingValue, unit: z.string().openapi({ description: "UCUM" }), time }).openapi("LatestValue");

/** Latest values keyed by quantity ("air.no2"). */
export const latestValues = z.record(z.string(), latestValue).openapi({ description: "The newest value of each quantity, by normalized key" });

export function latestValuesView(readings: readonly LatestReading[]): Out<typeof latestValues> {
  const out: Out<typeof latestValues> = {};
  for (const r of readings) out[r.key] = { value: decodeValue(r, r.value), unit: r.unit, time: iso(r.time)! };
  return out;
}

export const deviceLatest = z
  .object({ devEui: z.string(), profile: z.string().nullable(), codec: z.string().nullable(), values: latestValues })
  .openapi("DeviceLatest");

export const communeLatest = z
  .object({
    insee: z.string(),
    quantity: z.string().nullable().openapi({ description: "The quantity asked for, or null for all" }),
    devices: z.array(
      z.object({
        devEui: z.string(),
        name: z.string(),
        profile: z.string().nullable(),
        codec: z.string().nullable(),
        latitude: z.number().nullable(),
        longitude: z.number().nullable(),
        values: latestValues,
      }),
    ),
  })
  .openapi("CommuneLatest");

export const communeSummary = z
  .object({
    insee: z.string(),
    name: z.string(),
    territory: z.string(),
    devices: z.object({
      total: z.number().int(),
      byProfile: z.record(z.string(), z.number().int()).openapi({ description: "Devices per profile (a commercial sensor counts under its codec id)" }),
    }),
  })
  .openapi("CommuneSummary");

export const BUCKETS = ["raw", "hour", "day"] as const;
export type Bucket = (typeof BUCKETS)[number];

export const seriesPoint = z
  .object({
    time: time.openapi({ description: "Start of the bucket (raw: the reading's time)" }),
    date: z.string().optional().openapi({ description: "bucket=day: the Europe/Paris local date" }),
    count: z.number().int(),
    min: z.number(),
    max: z.number(),
    mean: z.number(),
  })
  .openapi("SeriesPoint");

const seriesHead = {
  quantity: z.string(),
  unit: z.string(),
  bucket: z.enum(BUCKETS),
  from: time,
  to: time,
};

export const deviceSeries = z.object({ devEui: z.string(), ...seriesHead, points: z.array(seriesPoint) }).openapi("DeviceSeries");

export const communeSeries = z
  .object({
    insee: z.string(),
    ...seriesHead,
    devices: z.number().int().openapi({ description: "Visible devices of the commune that measure this quantity in the range" }),
    points: z.array(seriesPoint.extend({ devices: z.number().int().openapi({ description: "Devices with readings in the bucket" }) })),
  })
  .openapi("CommuneSeries");
