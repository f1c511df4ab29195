/**
 * Throughput measurement: warm up, calibrate a batch that runs for about `roundMs`, then time
 * `rounds` batches with process.hrtime.bigint() and report the median rate. Results feed a sink
 * so the JIT cannot drop the calls.
 */
export interface Rate {
  /** Median calls per second over the rounds. */
  perSec: number;
  /** Each round's calls per second, in order. */
  rounds: number[];
  /** Spread of the rounds: (max − min) / median. */
  spread: number;
}

export interface TimingOptions {
  warmupMs?: number;
  roundMs?: number;
  rounds?: number;
}

let sink = 0;

/** Something observable from a result, so each call's work is used. */
export function consume(result: unknown): void {
  sink = (sink + (result === undefined ? 0 : 1)) | 0;
}

export function sinkValue(): number {
  return sink;
}

const nowNs = () => process.hrtime.bigint();

export function measure(fn: (i: number) => unknown, options: TimingOptions = {}): Rate {
  const { warmupMs = 300, roundMs = 150, rounds = 7 } = options;
  // Warm-up doubles as calibration: how many calls fit in a round.
  let batch = 16;
  let spent = 0;
  const warmupEnd = nowNs() + BigInt(warmupMs) * 1_000_000n;
  while (nowNs() < warmupEnd) {
    const t0 = nowNs();
    for (let i = 0; i < batch; i++) consume(fn(i));
    spent = Number(nowNs() - t0) / 1e6;
    if (spent < roundMs / 4) batch *= 2;
  }
  const perCallMs = spent / batch;
  const calls = Math.max(1, Math.round(roundMs / Math.max(perCallMs, 1e-6)));
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = nowNs();
    for (let i = 0; i < calls; i++) consume(fn(i));
    const ns = Number(nowNs() - t0);
    rates.push((calls * 1e9) / ns);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return { perSec: median, rounds: rates, spread: ((sorted[sorted.length - 1] as number) - (sorted[0] as number)) / median };
}

/** Median wall time in milliseconds of `fn` over `runs` runs (for slow calls such as a QuickJS context). */
export function medianMs(fn: () => unknown, runs: number, warmup = 3): number {
  for (let i = 0; i < warmup; i++) consume(fn());
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = nowNs();
    consume(fn());
    times.push(Number(nowNs() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
