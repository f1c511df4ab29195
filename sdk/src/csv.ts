/**
 * RFC 4180 records read from a byte stream as they arrive: quoted fields (commas, line breaks and
 * doubled quotes inside), CRLF or LF line ends, UTF-8 split anywhere across chunks. Holds one
 * chunk and one record at a time; stopping early (break, return) cancels the stream.
 */
export async function* csvRecords(body: ReadableStream<Uint8Array>): AsyncGenerator<string[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let field = "";
  let record: string[] = [];
  /** Inside a quoted field. */
  let quoted = false;
  /** A quote just closed or doubled (inside a quoted field): the next character decides which. */
  let quote = false;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      const ready: string[][] = [];
      for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (quote) {
          quote = false;
          if (ch === '"') {
            field += '"';
            continue;
          }
          quoted = false;
        } else if (quoted) {
          if (ch === '"') quote = true;
          else field += ch;
          continue;
        }
        if (ch === '"' && field === "") quoted = true;
        else if (ch === ",") {
          record.push(field);
          field = "";
        } else if (ch === "\n") {
          record.push(field);
          ready.push(record);
          record = [];
          field = "";
        } else if (ch !== "\r") field += ch;
      }
      yield* ready;
      if (done) {
        finished = true;
        if (field !== "" || record.length > 0) yield [...record, field];
        return;
      }
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
