import type * as Api from "./api.generated.ts";
import { CigaleError } from "./errors.ts";
import { getJson, type Query, type TransportOptions } from "./http.ts";
import { openClient } from "./open.ts";
import type { LatestValuesOf, ProfileId } from "./readings.ts";

export interface ClientOptions {
  /** Where the Cigale Worker answers, e.g. "https://api.cigale.example" (paths /v1/… are added). */
  baseUrl: string;
  /** A read key (cig_read_…): a larger rate limit; scope read:private shows private devices. */
  apiKey?: string;
  /** The fetch to use (default: globalThis.fetch) — in a Worker, a service binding's fetch. */
  fetch?: typeof fetch;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
  /** Per attempt, ms (default 10 000). */
  timeoutMs?: number;
  /** Retries on 429, 5xx and network errors (default 3), with exponential backoff honouring Retry-After. */
  retries?: number;
  /** First backoff, ms (default 250). */
  backoffMs?: number;
}

/** Per-call options: a signal for this call only. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** ISO 8601 date or date-time, or a Date. */
export type Instant = string | Date;

export interface DeviceFilter {
  commune?: string;
  /** A profile id (env, noise…) or a commercial codec id (elsys/ers). */
  profile?: string;
  status?: "online" | "offline" | "never";
  /** Devices per page (at most 500). */
  limit?: number;
}

export interface SeriesOptions extends CallOptions {
  quantity: string;
  from?: Instant;
  to?: Instant;
  bucket?: "raw" | "hour" | "day";
}

export interface IndicatorOptions extends CallOptions {
  commune?: string;
  device?: string;
  /** First Europe/Paris local day, YYYY-MM-DD, included. */
  from?: string;
  /** Last local day, included. */
  to?: string;
  /** Evaluate current states at this instant (default now). */
  at?: Instant;
}

export interface IndicatorAnswers {
  atmo: Api.AtmoIndicator;
  noise: Api.NoiseIndicator;
  footfall: Api.FootfallIndicator;
  waste: Api.WasteIndicator;
  meters: Api.MetersIndicator;
  mobility: Api.MobilityIndicator;
  health: Api.HealthIndicator;
}
export type IndicatorName = keyof IndicatorAnswers;

export type DeviceLatestOf<P extends ProfileId> = Omit<Api.DeviceLatest, "values" | "profile"> & { profile: P; values: LatestValuesOf<P> };

const instant = (t: Instant | undefined) => (t instanceof Date ? t.toISOString() : t);
const eui = (devEui: string) => encodeURIComponent(devEui.toLowerCase());

/**
 * A typed client of the Cigale public API: communes, devices, latest values, series, indicators
 * and alerts, and the open data (`open`). Answers are typed from the Worker's own schemas;
 * errors are CigaleError.
 *
 * @example
 * import { createClient } from "@cigale/sdk";
 * const cigale = createClient({ baseUrl: "https://api.cigale.example" });
 * for await (const device of cigale.devices.all({ commune: "13001" })) console.log(device.name, device.status);
 * for await (const row of cigale.open.rows("air-quality", { from: "2026-03-14", to: "2026-03-15" })) console.log(row.time, row["air.no2"]);
 */
export function createClient(options: ClientOptions) {
  const t: TransportOptions = {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 3,
    backoffMs: options.backoffMs ?? 250,
  };
  const get = <T>(path: string, query: Query = {}, call: CallOptions = {}) => getJson<T>(t, path, query, call.signal);

  const devices = {
    /** One page of devices; pass `next` as `cursor` for the following one. */
    page: (filter: DeviceFilter & { cursor?: string } = {}, call?: CallOptions) => get<Api.DevicePage>("/v1/devices", { ...filter }, call),
    /** Every page, one after the other (keyset pagination). */
    async *pages(filter: DeviceFilter = {}, call?: CallOptions): AsyncGenerator<Api.DevicePage> {
      let cursor: string | undefined;
      do {
        const page: Api.DevicePage = await devices.page({ ...filter, ...(cursor ? { cursor } : {}) }, call);
        yield page;
        cursor = page.next ?? undefined;
      } while (cursor !== undefined);
    },
    /** Every device matching the filter, page after page. */
    async *all(filter: DeviceFilter = {}, call?: CallOptions): AsyncGenerator<Api.PublicDevice> {
      for await (const page of devices.pages(filter, call)) yield* page.devices;
    },
    /** Metadata, status and state (last seen, battery, signal). */
    get: (devEui: string, call?: CallOptions) => get<Api.DeviceDetail>(`/v1/devices/${eui(devEui)}`, {}, call),
    /** The latest value of each quantity. */
    latest: (devEui: string, call?: CallOptions) => get<Api.DeviceLatest>(`/v1/devices/${eui(devEui)}/latest`, {}, call),
    /**
     * The latest values typed by the device's profile (codecs/profiles): `values["air.no2"]?.value`
     * is a number for an env station. Fails with PROFILE_MISMATCH if the device has another profile.
     */
    async latestOf<P extends ProfileId>(devEui: string, profile: P, call?: CallOptions): Promise<DeviceLatestOf<P>> {
      const answer = await devices.latest(devEui, call);
      if (answer.profile !== profile) throw new CigaleError(0, "PROFILE_MISMATCH", `device ${answer.devEui} has profile ${answer.profile ?? answer.codec}, not ${profile}`);
      return answer as DeviceLatestOf<P>;
    },
    /** A quantity over time: min, max, mean and count per reading, hour or local day. */
    series: (devEui: string, o: SeriesOptions) =>
      get<Api.DeviceSeries>(`/v1/devices/${eui(devEui)}/series`, { quantity: o.quantity, from: instant(o.from), to: instant(o.to), bucket: o.bucket }, o),
  };

  const communes = {
    /** Every commune with the devices the client may see per profile. */
    list: async (call?: CallOptions) => (await get<Api.CommuneList>("/v1/communes", {}, call)).communes,
    /** The latest values of a commune's devices (of one quantity with `quantity`). */
    latest: (insee: string, o: CallOptions & { quantity?: string } = {}) => get<Api.CommuneLatest>(`/v1/communes/${encodeURIComponent(insee)}/latest`, { quantity: o.quantity }, o),
    /** A quantity over a commune's devices, per hour or local day. */
    series: (insee: string, o: SeriesOptions & { bucket?: "hour" | "day" }) =>
      get<Api.CommuneSeries>(`/v1/communes/${encodeURIComponent(insee)}/series`, { quantity: o.quantity, from: instant(o.from), to: instant(o.to), bucket: o.bucket }, o),
  };

  /** An indicator for a commune or a device (from/to: local dates, both included). */
  const indicator = <N extends IndicatorName>(name: N, o: IndicatorOptions) =>
    get<IndicatorAnswers[N]>(`/v1/indicators/${name}`, { commune: o.commune, device: o.device, from: o.from, to: o.to, at: instant(o.at) }, o);

  const indicators = {
    get: indicator,
    atmo: (o: IndicatorOptions) => indicator("atmo", o),
    noise: (o: IndicatorOptions) => indicator("noise", o),
    footfall: (o: IndicatorOptions) => indicator("footfall", o),
    waste: (o: IndicatorOptions) => indicator("waste", o),
    meters: (o: IndicatorOptions) => indicator("meters", o),
    mobility: (o: IndicatorOptions) => indicator("mobility", o),
    health: (o: IndicatorOptions) => indicator("health", o),
  };

  /** What needs attention at `at`: bins to collect, suspected leaks, offline sensors, batteries to replace. */
  const alerts = (o: CallOptions & { commune?: string; at?: Instant } = {}) => get<Api.AlertsAnswer>("/v1/alerts", { commune: o.commune, at: instant(o.at) }, o);

  /** Open data: dataset files and rows, latest values, Table Schemas, bulk files, the DCAT catalog, GBFS, NGSI-LD. */
  const open = openClient(t);

  return { devices, communes, indicators, alerts, open };
}

export type CigaleClient = ReturnType<typeof createClient>;
