// Constants shared by the AssemblyScript engine and the TypeScript side (plain numbers: valid in both).

/** Message kinds in the layout tables. */
export const KIND_MEASUREMENT = 0;
export const KIND_STATUS = 1;
export const KIND_ALARM = 2;
export const KIND_ACK = 3;
export const KIND_COMMAND = 4;

/** Field kinds in the layout tables. */
export const FIELD_NUMBER = 0;
export const FIELD_BOOLEAN = 1;
export const FIELD_ENUM = 2;
export const FIELD_VERSION = 3;
export const FIELD_REF_KEY = 4;
export const FIELD_REF_VALUE = 5;

/** fPorts. */
export const PORT_MEASUREMENT = 1;
export const PORT_STATUS = 2;
export const PORT_ALARM = 3;
export const PORT_CONFIG = 10;

/** Buffer sizes; the decoder accepts frames up to MAX_FRAME bytes. */
export const MAX_FRAME = 256;
/** Largest frame the encoder writes: LoRaWAN's largest FRMPayload (EU868 DR7, no FOpts). */
export const MAX_PAYLOAD = 242;
export const MAX_FIELDS = 32;
export const MAX_SAMPLES = 32;
/** Format version of config command frames (the layout table indexes commands by code). */
export const COMMAND_VERSION = 1;
/**
 * Header format version of a delayed measurement (fPort 1): the frame was sent late, so after the
 * header come the real format version (VERSION_BITS) and the age of its newest sample in seconds
 * (AGE_BITS), then the frame as that version writes it. Version 0 was never a layout version, so
 * every frame written before this existed decodes exactly as before.
 */
export const VERSION_DELAYED = 0;
export const VERSION_BITS = 3;
export const AGE_BITS = 21;
/** Largest age a delayed frame carries: 2^21 − 1 s, 24 days 6 h 25 min 51 s. */
export const MAX_AGE = 2097151;
/** Delta-width nibble meaning "this column is stored raw". */
export const MODE_RAW = 15;

/** Outcome codes of decode/encode (0 = ok); the TypeScript side turns them into messages. */
export const OK = 0;
export const ERR_EMPTY = 1;
export const ERR_TRUNCATED = 2;
export const ERR_UNKNOWN_PROFILE = 3;
export const ERR_UNSUPPORTED_PORT = 4;
export const ERR_UNKNOWN_VERSION = 5;
export const ERR_UNKNOWN_COMMAND = 6;
export const ERR_RESERVED_BITS = 7;
export const ERR_INVALID_CODE = 8;
export const ERR_OUT_OF_RANGE = 9;
export const ERR_SAMPLE_COUNT = 10;
export const ERR_TOO_LARGE = 11;
export const ERR_BAD_INTERVAL = 12;
export const ERR_NOT_A_NUMBER = 13;
export const ERR_MISSING_REF = 14;

/** Warning bits, set beside a successful decode. */
export const WARN_TRAILING_BYTES = 1;
