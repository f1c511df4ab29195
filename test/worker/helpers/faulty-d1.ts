/**
 * A D1 outage, which cannot exist locally, simulated around the real local D1: calls pass
 * through to it until the plan says fail. The failure is the error D1 raises when it cannot be
 * reached ("D1_ERROR: Network connection lost."). Everything that does run, runs on the real D1.
 */

export interface FaultPlan {
  /** Fail this many write calls (batch, or run of a non-SELECT), then work again. */
  failWrites?: number;
  /** Fail every call, reads included, while true. */
  down?: boolean;
  /**
   * Run this many write calls on the real database, then report failure anyway: the commit
   * happened but the answer was lost on the way back.
   */
  loseAnswers?: number;
}

export const OUTAGE_MESSAGE = "D1_ERROR: Network connection lost.";

const isWrite = (sql: string) => !/^\s*SELECT\b/i.test(sql);

export class FaultyD1 {
  readonly real: D1Database;
  plan: FaultPlan;
  failed = 0;
  lost = 0;
  writes = 0;

  constructor(real: D1Database, plan: FaultPlan) {
    this.real = real;
    this.plan = { ...plan };
  }

  /** Decides the fate of one call; returns "lose" if the call must run and then fail. */
  gate(write: boolean): "pass" | "lose" {
    if (this.plan.down) {
      this.failed++;
      throw new Error(OUTAGE_MESSAGE);
    }
    if (!write) return "pass";
    this.writes++;
    if ((this.plan.failWrites ?? 0) > 0) {
      this.plan.failWrites = (this.plan.failWrites ?? 0) - 1;
      this.failed++;
      throw new Error(OUTAGE_MESSAGE);
    }
    if ((this.plan.loseAnswers ?? 0) > 0) {
      this.plan.loseAnswers = (this.plan.loseAnswers ?? 0) - 1;
      this.lost++;
      return "lose";
    }
    return "pass";
  }

  prepare(sql: string): D1PreparedStatement {
    return new FaultyStatement(this, sql, this.real.prepare(sql)) as unknown as D1PreparedStatement;
  }

  async batch<T>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    const inner = statements as unknown as FaultyStatement[];
    const fate = this.gate(inner.some((s) => isWrite(s.sql)));
    const results = await this.real.batch<T>(inner.map((s) => s.real));
    if (fate === "lose") throw new Error(OUTAGE_MESSAGE);
    return results;
  }

  exec(query: string): Promise<D1ExecResult> {
    this.gate(true);
    return this.real.exec(query);
  }

  asD1(): D1Database {
    return this as unknown as D1Database;
  }
}

class FaultyStatement {
  readonly db: FaultyD1;
  readonly sql: string;
  readonly real: D1PreparedStatement;

  constructor(db: FaultyD1, sql: string, real: D1PreparedStatement) {
    this.db = db;
    this.sql = sql;
    this.real = real;
  }

  bind(...values: unknown[]): FaultyStatement {
    return new FaultyStatement(this.db, this.sql, this.real.bind(...values));
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    const fate = this.db.gate(isWrite(this.sql));
    const result = await run();
    if (fate === "lose") throw new Error(OUTAGE_MESSAGE);
    return result;
  }

  first<T>(column?: string): Promise<T | null> {
    return this.call(() => (column === undefined ? this.real.first<T>() : this.real.first<T>(column)));
  }

  all<T>(): Promise<D1Result<T>> {
    return this.call(() => this.real.all<T>());
  }

  run<T>(): Promise<D1Result<T>> {
    return this.call(() => this.real.run<T>());
  }

  raw<T>(): Promise<T[]> {
    return this.call(() => this.real.raw<T>());
  }
}

/** An R2 bucket that cannot be written: the fallback down too. */
export function brokenBucket(real: R2Bucket): R2Bucket {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "put") return () => Promise.reject(new Error("R2 unavailable"));
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
