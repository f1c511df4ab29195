import { AuthError } from "../auth/errors.ts";
import { IngestError } from "./errors.ts";
import type { IngestEvent } from "./event.ts";
import { type Outcome, processEvent } from "./process.ts";
import type { Scope } from "./scope.ts";
import { spoolEvent } from "./spool.ts";

export type Accepted = Outcome | { result: "deferred"; kind: IngestEvent["kind"]; devEui: string; time: number; message: string };

/**
 * Write-through with a durable fallback: the event is stored in D1 while the network server
 * waits; if that fails for any reason but a refusal (D1 down, timeout, a fault of ours), the
 * event goes to the R2 spool and the answer is 202. Only when the spool fails too does the Worker
 * answer 503 — then nothing was kept, and saying so is all that is left.
 */
export async function acceptEvent(env: Env, event: IngestEvent, scope: Scope, now: number): Promise<Accepted> {
  try {
    return await processEvent(env.DB, event, scope, "live");
  } catch (error) {
    if (error instanceof AuthError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`ingest: ${event.kind} of ${event.devEui} spooled: ${reason}`);
    try {
      await spoolEvent(env.SPOOL, { version: 1, event, scope, spooledAt: now, reason });
    } catch (spoolError) {
      throw new IngestError(
        "storage_unavailable",
        "STORAGE_UNAVAILABLE",
        "the event could not be stored (database and fallback both unavailable); nothing was kept — send it again",
        { cause: spoolError },
      );
    }
    return {
      result: "deferred",
      kind: event.kind,
      devEui: event.devEui,
      time: event.time,
      message: "storage is unavailable right now: the event is kept in the ingest spool and will be stored when it recovers",
    };
  }
}
