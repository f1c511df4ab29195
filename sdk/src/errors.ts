/**
 * An error answer of the Cigale API (`{"error":{"code","message"}}`), or a failure to get one:
 * `status` 0 with code NETWORK_ERROR, TIMEOUT or ABORTED.
 *
 * @example
 * try { await cigale.devices.get("70b3d57ed0001234"); }
 * catch (e) { if (e instanceof CigaleError && e.code === "NOT_FOUND") console.log("no such device"); }
 */
export class CigaleError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds the server asked to wait (429, 503), when it said. */
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, retryAfter: number | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CigaleError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}
