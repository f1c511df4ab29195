/** A request to the admin API that cannot be served as sent (bad JSON, bad field, bad query). */
export class RequestError extends Error {
  readonly code: string;
  readonly status: 400 | 404 | 413 | 415;
  constructor(code: string, message: string, status: 400 | 404 | 413 | 415 = 400) {
    super(message);
    this.name = "RequestError";
    this.code = code;
    this.status = status;
  }
}
