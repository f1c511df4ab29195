/**
 * Exit codes of cigale-codec, the same for every subcommand:
 *   0  success
 *   1  the payload could not be decoded (decode prints the TS013 `{errors}` JSON on stdout)
 *   2  bad usage or input: unknown command or option, missing option, malformed JSON, hex or
 *      base64, unknown profile, a reading the codec rejects (the message names the field and its
 *      allowed range)
 *   3  the tool could not run: codecs not built, output file not writable, unexpected failure
 */
export const EXIT = { ok: 0, undecodable: 1, usage: 2, internal: 3 } as const;

/** Bad usage or input, reported on stderr with exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The tool could not do its job for a reason outside the input (exit code 3). */
export class ToolError extends Error {
  override readonly name = "ToolError";
}
