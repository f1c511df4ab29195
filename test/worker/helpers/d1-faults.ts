import { env } from "cloudflare:workers";

/**
 * A D1 outage, which cannot exist locally, simulated around the real local D1: calls pass through
 * to it until the plan says fail. The failure is the error D1 raises when it cannot be reached
 * ("D1_ERROR: Network connection lost."). Everything that does run, runs on the real D1.
 *
 * The faults are installed on the D1 binding's prototypes, so they reach every D1 call of this
 * isolate — the tests', the fetch handler's, the cron's and the queue consumer's, which the local
 * queue broker invokes in this same isolate. `uninstall()` puts the real methods back.
 */

export interface FaultPlan {
  /** Fail this many write calls (a batch with a write, or run/all/first/raw of a non-SELECT), then work again. */
  failWrites?: number;
  /** Fail every call, reads included, while true. */
  down?: boolean;
  /**
   * Run this many write calls on the real database, then report failure anyway: the commit
   * happened but the answer was lost on the way back.
   */
  loseAnswers?: number;
  /**
   * Fail every write call with a statement whose SQL matches `sql` (and whose parameters, as JSON,
   * match `params`), with this error: not an outage but a fault of one statement.
   */
  refuse?: { sql: RegExp; params?: RegExp; error: string };
}

export const OUTAGE_MESSAGE = "D1_ERROR: Network connection lost.";

const isWrite = (sql: string) => !/^\s*SELECT\b/i.test(sql);

/** What the D1 binding's prepared statements carry (their public fields). */
interface Statement {
  statement: string;
  params: unknown[];
}

export interface Call {
  sql: string;
  params: unknown[];
}

type Method = (this: unknown, ...args: unknown[]) => Promise<unknown>;

export class D1Faults {
  plan: FaultPlan;
  failed = 0;
  lost = 0;
  writes = 0;
  /** Queries as D1 counts them against its per-invocation limit: each statement of a batch, each single call. */
  queries = 0;
  /** Every statement that reached D1 (or was failed by the plan), in order. */
  readonly statements: Call[] = [];
  private readonly restore: (() => void)[] = [];

  private constructor(plan: FaultPlan) {
    this.plan = { ...plan };
  }

  /** Installs `plan` for every D1 call of this isolate until uninstall(). */
  static install(plan: FaultPlan): D1Faults {
    const faults = new D1Faults(plan);
    const dbProto = Object.getPrototypeOf(env.DB) as Record<string, Method>;
    const stmtProto = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Record<string, Method>;
    faults.patch(dbProto, "batch", (statements) => (statements as Statement[]).map((s) => ({ sql: s.statement, params: s.params })));
    faults.patch(dbProto, "exec", (sql) => [{ sql: sql as string, params: [] }]);
    for (const name of ["first", "all", "run", "raw"]) {
      faults.patch(stmtProto, name, function (this: unknown) {
        const s = this as Statement;
        return [{ sql: s.statement, params: s.params }];
      });
    }
    return faults;
  }

  uninstall(): void {
    for (const undo of this.restore.splice(0)) undo();
  }

  private patch(proto: Record<string, Method>, name: string, callsOf: (this: unknown, ...args: unknown[]) => Call[]): void {
    const real = proto[name]!;
    const faults = this;
    proto[name] = async function (this: unknown, ...args: unknown[]) {
      const fate = faults.gate(callsOf.apply(this, args));
      const result = await real.apply(this, args);
      if (fate === "lose") throw new Error(OUTAGE_MESSAGE);
      return result;
    };
    this.restore.push(() => {
      proto[name] = real;
    });
  }

  /** Decides the fate of one call; returns "lose" if the call must run and then fail. */
  private gate(calls: Call[]): "pass" | "lose" {
    this.queries += calls.length;
    this.statements.push(...calls);
    if (this.plan.down) {
      this.failed++;
      throw new Error(OUTAGE_MESSAGE);
    }
    if (!calls.some((c) => isWrite(c.sql))) return "pass";
    this.writes++;
    const refuse = this.plan.refuse;
    const refused = (c: Call) => refuse && isWrite(c.sql) && refuse.sql.test(c.sql) && (!refuse.params || refuse.params.test(JSON.stringify(c.params)));
    if (refuse && calls.some(refused)) {
      this.failed++;
      throw new Error(refuse.error);
    }
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
}

/** An R2 bucket that cannot be written: the fallback down too. */
export function brokenBucket(real: R2Bucket): R2Bucket {
  return failing(real, ["put"], "R2 unavailable");
}

/** A queue binding whose sends (one message or a batch) fail, as when the queue service cannot be reached. */
export function brokenQueue(real: Queue): Queue {
  return failing(real, ["send", "sendBatch"], "Queue send failed: service unavailable");
}

/** One call the Worker made on a recordingQueue: which method, with how many messages, and whether it failed. */
export interface QueueCall {
  method: "send" | "sendBatch";
  messages: number;
  failed: boolean;
}

/**
 * The real queue binding, recording each send and sendBatch; with `failBatches`, every sendBatch
 * fails (a batch the queue refuses) while single sends go through.
 */
export function recordingQueue(real: Queue, options: { failBatches?: boolean } = {}): { queue: Queue; calls: QueueCall[] } {
  const calls: QueueCall[] = [];
  const queue = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "send") {
        return (body: unknown, o?: QueueSendOptions) => {
          calls.push({ method: "send", messages: 1, failed: false });
          return target.send(body, o);
        };
      }
      if (prop === "sendBatch") {
        return (messages: Iterable<MessageSendRequest>, o?: QueueSendBatchOptions) => {
          const list = [...messages];
          calls.push({ method: "sendBatch", messages: list.length, failed: options.failBatches === true });
          if (options.failBatches) return Promise.reject(new Error("Queue sendBatch failed: batch refused"));
          return target.sendBatch(list, o);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { queue, calls };
}

function failing<T extends object>(real: T, methods: readonly string[], message: string): T {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && methods.includes(prop)) return () => Promise.reject(new Error(message));
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
