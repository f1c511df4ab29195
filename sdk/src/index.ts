export type * from "./api.generated.ts";
export { type CallOptions, type CigaleClient, type ClientOptions, createClient, type DeviceFilter, type DeviceLatestOf, type IndicatorAnswers, type IndicatorName, type IndicatorOptions, type Instant, type SeriesOptions } from "./client.ts";
export { CigaleError } from "./errors.ts";
export type { LatestValuesOf, ProfileId, QuantityOf, ValueOf } from "./readings.ts";
