export type * from "./api.generated.ts";
export { type CallOptions, type CigaleClient, type ClientOptions, createClient, type DeviceFilter, type DeviceLatestOf, type IndicatorAnswers, type IndicatorName, type IndicatorOptions, type Instant, type SeriesOptions } from "./client.ts";
export { CigaleError } from "./errors.ts";
export type { LatestValuesOf, ProfileId, QuantityOf, ValueOf } from "./readings.ts";
export {
  type BulkFile,
  type BulkFileOptions,
  type ByteRange,
  type Dataset,
  type DatasetCollection,
  type DatasetColumnKey,
  type DatasetFeature,
  type DatasetId,
  type DatasetRow,
  type DatasetValues,
  DATASETS,
  datasetOf,
  type ExportQuery,
  type FileFormat,
  type Gbfs,
  isDatasetId,
  NGSI_LD_TYPES,
  type NgsiLdEntity,
  type NgsiLdOptions,
  type NgsiLdType,
  type OpenDataClient,
  type StationInformation,
  type StationStatus,
  type SystemInformation,
  type TableSchema,
  type VehicleTypes,
} from "./open.ts";
