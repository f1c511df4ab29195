import * as P from "../assembly/protocol.ts";

/** Machine-readable names of the engine's outcome codes. */
export const ERROR_NAMES: Readonly<Record<number, string>> = {
  [P.ERR_EMPTY]: "EMPTY_PAYLOAD",
  [P.ERR_TRUNCATED]: "TRUNCATED",
  [P.ERR_UNKNOWN_PROFILE]: "UNKNOWN_PROFILE",
  [P.ERR_UNSUPPORTED_PORT]: "UNSUPPORTED_PORT",
  [P.ERR_UNKNOWN_VERSION]: "UNKNOWN_VERSION",
  [P.ERR_UNKNOWN_COMMAND]: "UNKNOWN_COMMAND",
  [P.ERR_RESERVED_BITS]: "RESERVED_BITS",
  [P.ERR_INVALID_CODE]: "INVALID_CODE",
  [P.ERR_OUT_OF_RANGE]: "OUT_OF_RANGE",
  [P.ERR_SAMPLE_COUNT]: "SAMPLE_COUNT",
  [P.ERR_TOO_LARGE]: "TOO_LARGE",
  [P.ERR_BAD_INTERVAL]: "BAD_INTERVAL",
  [P.ERR_NOT_A_NUMBER]: "NOT_A_NUMBER",
  [P.ERR_MISSING_REF]: "MISSING_REF",
};

/** What went wrong, for people: names the field, the sample and what to do. */
export interface IssueContext {
  profile: string;
  fPort?: number;
  field?: string;
  sample?: number;
  detail: number;
  range?: string;
  versions?: string;
}

export function describeError(code: number, c: IssueContext): string {
  const where = `${c.field ? `field ${c.field}` : "frame"}${c.sample !== undefined && c.sample > 0 ? ` (sample ${c.sample + 1})` : ""}`;
  switch (code) {
    case P.ERR_EMPTY:
      return "empty payload: a Cigale frame has at least a header byte";
    case P.ERR_TRUNCATED:
      return `truncated frame: the payload ends inside ${where}`;
    case P.ERR_UNKNOWN_PROFILE:
      return `unknown profile ${c.profile}`;
    case P.ERR_UNSUPPORTED_PORT:
      return `unsupported fPort ${c.detail}: Cigale frames use 1 (measurement), 2 (status), 3 (alarm), 10 (config)`;
    case P.ERR_UNKNOWN_VERSION:
      return `frame format version ${c.detail} is unknown to this codec for profile ${c.profile} (known: ${c.versions ?? "none"}); update the codec or check the device's profile`;
    case P.ERR_UNKNOWN_COMMAND:
      return `unknown config command code ${c.detail}`;
    case P.ERR_RESERVED_BITS:
      return `reserved header bits are set (${c.detail}): not a Cigale ${c.fPort === 2 ? "status" : "alarm"} frame, or the device has another profile`;
    case P.ERR_INVALID_CODE:
      return `invalid value code ${c.detail} in ${where}${c.range ? ` (allowed ${c.range})` : ""}: corrupted frame or wrong profile`;
    case P.ERR_OUT_OF_RANGE:
      return `${where} = ${c.detail} is out of range; allowed ${c.range ?? "values of the declared range"}`;
    case P.ERR_SAMPLE_COUNT:
      return `cannot put ${c.detail} samples in one frame: 1 to 32 for measurements, exactly 1 otherwise`;
    case P.ERR_TOO_LARGE:
      return c.detail
        ? `payload of ${c.detail} bytes is longer than any Cigale frame (at most ${P.MAX_FRAME})`
        : `frame would exceed ${P.MAX_PAYLOAD} bytes, LoRaWAN's largest payload: send fewer samples per frame`;
    case P.ERR_BAD_INTERVAL:
      return `sample interval ${c.detail} s is not allowed: a multi-sample frame needs 1 to 65535 s`;
    case P.ERR_NOT_A_NUMBER:
      return `${where} must be a finite number, got ${c.detail}`;
    case P.ERR_MISSING_REF:
      return `${where} has a value but no quantity is named before it`;
    default:
      return `engine error ${code}`;
  }
}
