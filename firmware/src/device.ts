/**
 * Runs firmware.wasm in Node: the host ABI (firmware/README.md) implemented over a scripted
 * environment — sensor readings, the link, non-volatile storage — with a virtual clock. The
 * tests, the fleet simulator and the embedded build's reference run all drive the firmware
 * through this class.
 */
import { readFileSync } from "node:fs";
import { PROFILES } from "../../codecs/profiles/index.ts";
import type { ProfileId } from "../../codecs/src/data.ts";

export const FIRMWARE_WASM_URL = new URL("../build/firmware.wasm", import.meta.url);

let compiled: WebAssembly.Module | undefined;
/** The compiled firmware module (npm run firmware:build writes it). */
export function firmwareModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(FIRMWARE_WASM_URL));
  return compiled;
}

/** What the device senses and how its link behaves, as functions of the clock (seconds). */
export interface Environment {
  /** A channel's reading at `clock`; NaN when the sensor has none. */
  sensor(channel: number, clock: number): number;
  /** The data rate the stack would use (EU868 DR0…DR5), −1 when not joined. Default: DR5. */
  dataRate?(clock: number): number;
  /** Whether a frame sent at `clock` goes out. Default: always. */
  linkUp?(clock: number): boolean;
}

export interface Uplink {
  clock: number;
  fPort: number;
  bytes: Uint8Array;
  dr: number;
}

/** Reset causes as the status frame names them (codecs/profiles/common.ts). */
export const RESET = { powerOn: 0, brownOut: 1, watchdog: 2, software: 3, pin: 4, lockup: 5, other: 6 } as const;

interface FirmwareExports {
  memory: WebAssembly.Memory;
  init(profile: number, resetCause: number): number;
  tick(): void;
  onDownlink(port: number, length: number): void;
  onJoin(): void;
  downlinkPtr(): number;
  buffered(): number;
  droppedSamples(): number;
  reportingInterval(): number;
  nextTransmission(): number;
  threshold(ref: number, high: number): number;
  pendingAlarms(): number;
}

/** xorshift32: the same generator the embedded runtime uses, so that both runs draw the same numbers. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x & 0x7fffffff;
  };
}

export interface DeviceOptions {
  profile: ProfileId;
  env: Environment;
  /** Clock at power-on, seconds (default 0). */
  clock?: number;
  seed?: number;
  /** Non-volatile storage shared across reboots (pass the same object to keep it). */
  storage?: { bytes: Uint8Array | null };
  /** Diagnostics from host.log. */
  onLog?: (code: number, value: number) => void;
  /** Every frame that went out. */
  onUplink?: (uplink: Uplink) => void;
}

export class FirmwareDevice {
  readonly profile: ProfileId;
  readonly storage: { bytes: Uint8Array | null };
  readonly uplinks: Uplink[] = [];
  clock: number;
  boots = 0;
  private exports!: FirmwareExports;
  private readonly env: Environment;
  private readonly random: () => number;
  private restartRequested = false;
  private readonly options: DeviceOptions;

  constructor(options: DeviceOptions) {
    this.options = options;
    this.profile = options.profile;
    this.env = options.env;
    this.clock = options.clock ?? 0;
    this.random = xorshift32(options.seed ?? 1);
    this.storage = options.storage ?? { bytes: null };
  }

  /** Instantiates the firmware and calls init, as a power-on or reset does. */
  boot(resetCause: number = RESET.powerOn): this {
    const code = PROFILES.find((p) => p.id === this.profile)?.code;
    if (code === undefined) throw new Error(`unknown profile ${this.profile}`);
    const memory = () => this.exports.memory.buffer;
    const imports = {
      host: {
        sensor: (channel: number) => this.env.sensor(channel, this.clock),
        clock: () => this.clock >>> 0,
        dataRate: () => this.env.dataRate?.(this.clock) ?? 5,
        send: (port: number, ptr: number, length: number, dr: number) => {
          if (this.env.linkUp && !this.env.linkUp(this.clock)) return 0;
          const uplink = { clock: this.clock, fPort: port, bytes: new Uint8Array(memory(), ptr, length).slice(), dr };
          this.uplinks.push(uplink);
          this.options.onUplink?.(uplink);
          return 1;
        },
        persist: (ptr: number, length: number) => {
          this.storage.bytes = new Uint8Array(memory(), ptr, length).slice();
        },
        restore: (ptr: number, length: number) => {
          const saved = this.storage.bytes;
          if (!saved) return 0;
          const n = Math.min(length, saved.length);
          new Uint8Array(memory(), ptr, n).set(saved.subarray(0, n));
          return n;
        },
        random: () => this.random(),
        log: (c: number, v: number) => this.options.onLog?.(c, v),
        restart: () => {
          this.restartRequested = true;
        },
      },
    };
    this.exports = new WebAssembly.Instance(firmwareModule(), imports).exports as unknown as FirmwareExports;
    this.boots += 1;
    const status = this.exports.init(code, resetCause);
    if (status !== 0) throw new Error(`firmware init failed (${status}) for profile ${this.profile}`);
    return this;
  }

  /** Advances the clock by `seconds`, one tick per second. */
  run(seconds: number): this {
    for (let s = 0; s < seconds; s++) {
      this.clock += 1;
      this.exports.tick();
      if (this.restartRequested) {
        this.restartRequested = false;
        this.boot(RESET.software);
      }
    }
    return this;
  }

  /** Delivers a downlink (as the stack does after an uplink's receive window). */
  downlink(fPort: number, bytes: Uint8Array): void {
    new Uint8Array(this.exports.memory.buffer, this.exports.downlinkPtr(), bytes.length).set(bytes);
    this.exports.onDownlink(fPort, bytes.length);
  }

  join(): void {
    this.exports.onJoin();
  }

  get buffered(): number {
    return this.exports.buffered();
  }
  get dropped(): number {
    return this.exports.droppedSamples();
  }
  get interval(): number {
    return this.exports.reportingInterval();
  }
  get nextTransmission(): number {
    return this.exports.nextTransmission();
  }
  get pendingAlarms(): number {
    return this.exports.pendingAlarms();
  }
  threshold(ref: number): { low: number; high: number } {
    return { low: this.exports.threshold(ref, 0), high: this.exports.threshold(ref, 1) };
  }
  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }
  /** Whether the module can grow its memory (it must not: one page). */
  canGrowMemory(): boolean {
    try {
      return this.exports.memory.grow(1) >= 0;
    } catch {
      return false;
    }
  }
}
