export { type IngestItem, ingestEvents, type PipelineOptions } from "./run.ts";
export type { DecodeReport, ItemResult, Outcome, QuarantinedPayload, Reason } from "./outcome.ts";
