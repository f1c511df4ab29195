import type { AlarmByProfile, CommandName, ConfigCommand, MeasurementByProfile, ProfileId, StatusFields } from "./types.generated.ts";

/** One sample of a measurement frame: its quantities plus when it was taken. */
export type Sample<P extends ProfileId = ProfileId> = MeasurementByProfile[P] & {
  /**
   * Seconds relative to the uplink (0 for the newest sample of a frame sent at once, −age for a
   * delayed one, one interval less for each older sample). A sample's time is the END of its
   * averaging window: when the device closed the aggregate.
   */
  offset: number;
  /** ISO 8601 time of the sample, when the uplink's receive time is known. */
  time?: string;
};

export interface MeasurementData<P extends ProfileId = ProfileId> {
  message: "measurement";
  profile: P;
  version: number;
  /** Seconds between samples, for multi-sample frames. */
  interval?: number;
  /**
   * Delayed frames only: seconds between the end of the newest sample's averaging window and the
   * uplink (the sample offsets already include it).
   */
  age?: number;
  /** Samples, oldest first. */
  samples: Sample<P>[];
}

export type StatusData<P extends ProfileId = ProfileId> = StatusFields & { message: "status"; profile: P; version: number };

export type AlarmData<P extends ProfileId = ProfileId> = AlarmByProfile[P] & { message: "alarm"; profile: P; version: number; time?: string };

export interface AckData<P extends ProfileId = ProfileId> {
  message: "ack";
  profile: P;
  version: number;
  command: CommandName;
  token?: number;
  result?: "ok" | "invalidCommand" | "outOfRange" | "unsupported" | "busy";
}

/** What `decodeUplink` returns in `data`, by message kind. */
export type UplinkData<P extends ProfileId = ProfileId> = MeasurementData<P> | StatusData<P> | AlarmData<P> | AckData<P>;

/** What the encoder accepts: a plain reading (one measurement sample) or a tagged message. */
export type EncodeInput<P extends ProfileId = ProfileId> =
  | MeasurementByProfile[P]
  | { message: "measurement"; samples: MeasurementByProfile[P][]; interval?: number; version?: number; age?: number }
  | (StatusFields & { message: "status" })
  | (AlarmByProfile[P] & { message: "alarm" })
  | { message: "ack"; command: CommandName; token?: number; result?: AckData["result"] };

export type { ConfigCommand, ProfileId };

/** A structured codec failure: a stable code, a message for people, and where it happened. */
export interface CodecIssue {
  code: string;
  message: string;
  field?: string;
  sample?: number;
}

/** The TS013 / ChirpStack result shape, plus the structured issue on failure. */
export interface DecodeResult<D> {
  data?: D;
  errors: string[];
  warnings: string[];
  issue?: CodecIssue;
}

export class CodecError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly sample: number | undefined;
  constructor(issue: CodecIssue) {
    super(issue.message);
    this.name = "CodecError";
    this.code = issue.code;
    this.field = issue.field;
    this.sample = issue.sample;
  }
}
