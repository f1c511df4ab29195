// Constants shared by the vendor decoders (AssemblyScript) and the TypeScript runtime that drives
// them (plain numbers: valid in both languages).

// — Families: one AssemblyScript file each. A codec's family is `codec >> 4`. —
export const FAMILY_ELSYS = 1;
export const FAMILY_MILESIGHT = 2;
export const FAMILY_DECENTLAB = 3;
export const FAMILY_NETVOX = 4;
export const FAMILY_BOSCH = 5;
export const FAMILY_IMBUILDINGS = 6;
export const FAMILY_ADEUNIS = 7;
export const FAMILY_SENSATIVE = 8;
export const FAMILY_DRAGINO = 9;
export const FAMILY_EXAMPLE = 10;

// — Codecs (numbers stored nowhere: the registry maps The Things Network codec ids onto them). —
export const ELSYS_ERS = 0x10;
export const ELSYS_ERS_CO2 = 0x11;
export const ELSYS_ERS_SOUND = 0x12;
export const ELSYS_ELT_ULTRASONIC = 0x13;
export const ELSYS_ELT_2 = 0x14;

export const MILESIGHT_EM300_TH = 0x20;
export const MILESIGHT_EM300_ZLD = 0x21;
export const MILESIGHT_EM300_DI = 0x22;
export const MILESIGHT_AM307 = 0x23;
export const MILESIGHT_AM319 = 0x24;
export const MILESIGHT_EM310_UDL = 0x25;
export const MILESIGHT_EM500_UDL = 0x26;
export const MILESIGHT_EM400_MUD = 0x27;
export const MILESIGHT_WS202 = 0x28;
export const MILESIGHT_VS133 = 0x29;
export const MILESIGHT_VS121 = 0x2a;

export const DECENTLAB_DL_PM = 0x30;
export const DECENTLAB_DL_LP8P = 0x31;
export const DECENTLAB_DL_MBX = 0x32;

export const NETVOX_RA0715 = 0x40;
export const NETVOX_R718AB = 0x41;
export const NETVOX_R311W = 0x42;

export const BOSCH_TPS110 = 0x50;

export const IMBUILDINGS_PEOPLE_COUNTER = 0x60;

export const ADEUNIS_PULSE = 0x70;

export const SENSATIVE_STRIPS = 0x80;

export const DRAGINO_LHT65 = 0x90;
export const DRAGINO_LAQ4 = 0x91;

export const EXAMPLE_WINDSENSOR = 0xa0;

// — Buffers. LoRaWAN's largest FRMPayload is 242 bytes. —
export const MAX_INPUT = 256;
export const MAX_OUTPUT = 64;
/** Output tape: 32-bit words (an op code, then its operands). */
export const TAPE_WORDS = 4096;
/** Numbers referenced from the tape, as IEEE doubles. */
export const MAX_NUMBERS = 1024;
/** UTF-16 code units of the strings built while decoding (hex ids, dates, messages). */
export const MAX_CHARS = 2048;
/** Errors and warnings of one call. */
export const MAX_MESSAGES = 8;
/** Downlink arguments: top-level entries of the input object, and their keys and strings. */
export const MAX_ARGS = 16;
export const MAX_ARG_CHARS = 512;

// — Tape op codes. A value is one op with its operands; an object is OBJ, (key value)*, END. —
export const OP_OBJECT = 1;
export const OP_ARRAY = 2;
export const OP_END = 3;
/** OP_NUMBER index: the double at numbers[index]. */
export const OP_NUMBER = 4;
/** OP_STRING pointer length: a static string of the module (UTF-16 at pointer). */
export const OP_STRING = 5;
/** OP_TEXT offset length: a string built during the call (UTF-16 in the chars buffer). */
export const OP_TEXT = 6;
export const OP_TRUE = 7;
export const OP_FALSE = 8;
export const OP_NULL = 9;

// — Message list entries: kind, string op (OP_STRING or OP_TEXT), pointer or offset, length. —
export const MESSAGE_ERROR = 1;
export const MESSAGE_WARNING = 2;

// — Downlink argument entries: key offset, key length, type, value offset, value length. —
export const ARG_NUMBER = 1;
export const ARG_STRING = 2;
export const ARG_TRUE = 3;
export const ARG_FALSE = 4;
export const ARG_OTHER = 5;

// — Outcome of a call (0 = ok); the message list says what went wrong in the vendor's words. —
export const OK = 0;
export const ERR_TRUNCATED = 1;
export const ERR_UNKNOWN_PORT = 2;
export const ERR_INVALID_FRAME = 3;
export const ERR_UNKNOWN_CODEC = 4;
export const ERR_TOO_LONG = 5;
export const ERR_OUTPUT_OVERFLOW = 6;
export const ERR_INVALID_INPUT = 7;
export const ERR_UNSUPPORTED = 8;
