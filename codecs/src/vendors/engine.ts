/**
 * The contract between the TypeScript runtime and the compiled vendor decoders (vendors.wasm,
 * or one family's module translated by wasm2js inside a ChirpStack script), and the small machine
 * that moves bytes in and reads results out. No vendor knowledge lives here: every byte is read
 * and every output value computed by the engine; this side only rebuilds the JSON value the
 * engine wrote to its output tape (codecs/vendors/protocol.ts).
 */
import * as P from "../../vendors/protocol.ts";

export interface VendorEngineExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  /** 0 when the module holds every family, else the one family it was built for. */
  family(): number;
  inputPtr(): number;
  tapePtr(): number;
  numbersPtr(): number;
  charsPtr(): number;
  messagesPtr(): number;
  outputPtr(): number;
  argsPtr(): number;
  argNumbersPtr(): number;
  argCharsPtr(): number;
  tapeLength(): number;
  messageCount(): number;
  outputLength(): number;
  outputPort(): number;
  decodeUplink(codec: number, port: number, length: number): number;
  decodeDownlink(codec: number, port: number, length: number): number;
  encodeDownlink(codec: number, argCount: number): number;
}

const EXPORT_NAMES = [
  "family", "inputPtr", "tapePtr", "numbersPtr", "charsPtr", "messagesPtr", "outputPtr", "argsPtr", "argNumbersPtr",
  "argCharsPtr", "tapeLength", "messageCount", "outputLength", "outputPort", "decodeUplink", "decodeDownlink", "encodeDownlink",
] as const;

/** Checks that an instance really is the vendor decoder engine before trusting its exports. */
export function asVendorEngine(exports: Record<string, unknown>): VendorEngineExports {
  const missing = EXPORT_NAMES.filter((name) => typeof exports[name] !== "function");
  const memory = exports["memory"] as { buffer?: unknown } | undefined;
  if (missing.length > 0 || !memory || !(memory.buffer instanceof ArrayBuffer)) {
    throw new Error(`not a Cigale vendor decoder engine: missing ${missing.length ? missing.join(", ") : "memory"}; rebuild with \`npm run build\``);
  }
  return exports as unknown as VendorEngineExports;
}

/** Stable codes of a failed call, beside the vendor's own message. */
export type VendorIssueCode =
  | "truncated"
  | "unknown-port"
  | "invalid-frame"
  | "unknown-codec"
  | "too-long"
  | "output-overflow"
  | "invalid-input"
  | "unsupported";

const ISSUE_CODES: Record<number, VendorIssueCode> = {
  [P.ERR_TRUNCATED]: "truncated",
  [P.ERR_UNKNOWN_PORT]: "unknown-port",
  [P.ERR_INVALID_FRAME]: "invalid-frame",
  [P.ERR_UNKNOWN_CODEC]: "unknown-codec",
  [P.ERR_TOO_LONG]: "too-long",
  [P.ERR_OUTPUT_OVERFLOW]: "output-overflow",
  [P.ERR_INVALID_INPUT]: "invalid-input",
  [P.ERR_UNSUPPORTED]: "unsupported",
};

export interface VendorIssue {
  code: VendorIssueCode;
  message: string;
}

/** What one engine call gave: the vendor-shaped data on success, messages either way. */
export interface EngineResult {
  data?: unknown;
  errors: string[];
  warnings: string[];
  issue?: VendorIssue;
}

export interface EngineFrame extends EngineResult {
  bytes?: number[];
  fPort?: number;
}

export function issueOf(status: number, message: string): VendorIssue {
  return { code: ISSUE_CODES[status] ?? "invalid-frame", message };
}

/**
 * Drives one engine instance. The engine keeps no state between calls and never grows its memory,
 * so the views are made once.
 */
export class VendorMachine {
  private readonly engine: VendorEngineExports;
  private readonly bytesIn: Uint8Array;
  private readonly bytesOut: Uint8Array;
  private readonly tape: Int32Array;
  private readonly tapeBase: number;
  private readonly numbers: Float64Array;
  private readonly units: Uint16Array;
  private readonly charsBase: number;
  private readonly messages: Int32Array;
  private readonly args: Int32Array;
  private readonly argNumbers: Float64Array;
  private readonly argChars: Uint16Array;
  /** Static strings of the module, decoded once, by address / 4 (their address never changes). */
  private readonly strings: Array<string | undefined>;
  private pos = 0;

  constructor(engine: VendorEngineExports) {
    this.engine = engine;
    const buffer = engine.memory.buffer;
    this.bytesIn = new Uint8Array(buffer, engine.inputPtr(), P.MAX_INPUT);
    this.bytesOut = new Uint8Array(buffer, engine.outputPtr(), P.MAX_OUTPUT);
    this.tapeBase = engine.tapePtr() >>> 2;
    this.tape = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    this.numbers = new Float64Array(buffer, engine.numbersPtr(), P.MAX_NUMBERS);
    this.units = new Uint16Array(buffer, 0, buffer.byteLength >>> 1);
    this.charsBase = engine.charsPtr() >>> 1;
    this.messages = new Int32Array(buffer, engine.messagesPtr(), P.MAX_MESSAGES * 4);
    this.args = new Int32Array(buffer, engine.argsPtr(), P.MAX_ARGS * 5);
    this.argNumbers = new Float64Array(buffer, engine.argNumbersPtr(), P.MAX_ARGS);
    this.argChars = new Uint16Array(buffer, engine.argCharsPtr(), P.MAX_ARG_CHARS);
    this.strings = new Array<string | undefined>(buffer.byteLength >>> 2).fill(undefined);
  }

  /** The family this module was built for (0: all). */
  family(): number {
    return this.engine.family();
  }

  decodeUplink(codec: number, fPort: number, bytes: ArrayLike<number>): EngineResult {
    const bad = this.load(bytes);
    if (bad) return bad;
    return this.result(this.engine.decodeUplink(codec, fPort | 0, bytes.length));
  }

  decodeDownlink(codec: number, fPort: number, bytes: ArrayLike<number>): EngineResult {
    const bad = this.load(bytes);
    if (bad) return bad;
    return this.result(this.engine.decodeDownlink(codec, fPort | 0, bytes.length));
  }

  encodeDownlink(codec: number, data: unknown): EngineFrame {
    const count = this.writeArgs(data);
    if (typeof count === "string") return failure(P.ERR_INVALID_INPUT, count);
    const status = this.engine.encodeDownlink(codec, count);
    const { errors, warnings } = this.readMessages();
    if (status !== P.OK) return { errors, warnings, issue: issueOf(status, errors[0] ?? "encoding failed") };
    const n = this.engine.outputLength();
    return { bytes: Array.from(this.bytesOut.subarray(0, n)), fPort: this.engine.outputPort(), errors, warnings };
  }

  /** Copies the frame into the engine; a non-byte entry or an oversize frame fails here. */
  private load(bytes: ArrayLike<number>): EngineResult | undefined {
    const n = bytes.length;
    if (n > P.MAX_INPUT) return failure(P.ERR_TOO_LONG, `payload longer than ${P.MAX_INPUT} bytes`);
    const into = this.bytesIn;
    for (let i = 0; i < n; i++) {
      const b = bytes[i] as number;
      if (b !== (b & 0xff)) return failure(P.ERR_INVALID_INPUT, `bytes[${i}] is not a byte (0…255): ${String(b)}`);
      into[i] = b;
    }
    return undefined;
  }

  private result(status: number): EngineResult {
    const { errors, warnings } = this.readMessages();
    if (status !== P.OK) return { errors, warnings, issue: issueOf(status, errors[0] ?? "decoding failed") };
    this.pos = this.tapeBase;
    const data = this.value();
    return { data, errors, warnings };
  }

  private readMessages(): { errors: string[]; warnings: string[] } {
    const errors: string[] = [];
    const warnings: string[] = [];
    const count = this.engine.messageCount();
    if (count === 0) return { errors, warnings };
    const m = this.messages;
    for (let i = 0; i < count; i++) {
      const k = i * 4;
      const text = this.string(m[k + 1] as number, m[k + 2] as number, m[k + 3] as number);
      (m[k] === P.MESSAGE_ERROR ? errors : warnings).push(text);
    }
    return { errors, warnings };
  }

  private string(op: number, at: number, length: number): string {
    if (op === P.OP_STRING) {
      let s = this.strings[at >>> 2];
      if (s === undefined) {
        s = this.decode(at >>> 1, length);
        this.strings[at >>> 2] = s;
      }
      return s;
    }
    return this.decode(this.charsBase + at, length);
  }

  private decode(unit: number, length: number): string {
    const u = this.units;
    let s = "";
    for (let i = 0; i < length; i++) s += String.fromCharCode(u[unit + i] as number);
    return s;
  }

  /** Rebuilds the JSON value at the tape position (the hot path: locals, static strings inline). */
  private value(): unknown {
    const t = this.tape;
    let pos = this.pos;
    const op = t[pos++] as number;
    let result: unknown;
    if (op === P.OP_OBJECT) {
      const o: Record<string, unknown> = {};
      const strings = this.strings;
      let kop = t[pos] as number;
      while (kop !== P.OP_END) {
        const at = t[pos + 1] as number;
        let key = kop === P.OP_STRING ? strings[at >>> 2] : undefined;
        if (key === undefined) key = this.string(kop, at, t[pos + 2] as number);
        this.pos = pos + 3;
        o[key] = this.value();
        pos = this.pos;
        kop = t[pos] as number;
      }
      pos++;
      result = o;
    } else if (op === P.OP_NUMBER) {
      result = this.numbers[t[pos++] as number];
    } else if (op === P.OP_STRING || op === P.OP_TEXT) {
      result = this.string(op, t[pos] as number, t[pos + 1] as number);
      pos += 2;
    } else if (op === P.OP_ARRAY) {
      const a: unknown[] = [];
      while (t[pos] !== P.OP_END) {
        this.pos = pos;
        a.push(this.value());
        pos = this.pos;
      }
      pos++;
      result = a;
    } else {
      result = op === P.OP_TRUE ? true : op === P.OP_FALSE ? false : null;
    }
    this.pos = pos;
    return result;
  }

  /** Writes the top-level members of the downlink input; returns their count or a message. */
  private writeArgs(data: unknown): number | string {
    if (data === null || typeof data !== "object" || Array.isArray(data)) return "input data must be an object";
    let count = 0;
    let chars = 0;
    const put = (s: string): number => {
      if (chars + s.length > P.MAX_ARG_CHARS) return -1;
      const at = chars;
      for (let i = 0; i < s.length; i++) this.argChars[chars++] = s.charCodeAt(i);
      return at;
    };
    for (const key of Object.keys(data)) {
      if (count >= P.MAX_ARGS) return `input data has more than ${P.MAX_ARGS} members`;
      const v = (data as Record<string, unknown>)[key];
      const k = put(key);
      if (k < 0) return "input data too large";
      const base = count * 5;
      this.args[base] = k;
      this.args[base + 1] = key.length;
      this.args[base + 3] = 0;
      this.args[base + 4] = 0;
      if (typeof v === "number") {
        this.args[base + 2] = P.ARG_NUMBER;
        this.argNumbers[count] = v;
      } else if (typeof v === "string") {
        const at = put(v);
        if (at < 0) return "input data too large";
        this.args[base + 2] = P.ARG_STRING;
        this.args[base + 3] = at;
        this.args[base + 4] = v.length;
      } else if (typeof v === "boolean") {
        this.args[base + 2] = v ? P.ARG_TRUE : P.ARG_FALSE;
      } else {
        this.args[base + 2] = P.ARG_OTHER;
      }
      count++;
    }
    return count;
  }
}

function failure(status: number, message: string): EngineResult {
  return { errors: [message], warnings: [], issue: issueOf(status, message) };
}
