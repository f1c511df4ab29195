import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prng } from "../../codecs/prng.ts";
import { base64, chirpstackTime, envFrame, fixtureBytes, fixtureJson, type Json } from "../helpers/fixtures.ts";
import { BASE } from "../helpers/http.ts";
import { settle } from "../helpers/ingest.ts";
import { toProtobuf } from "../helpers/protobuf.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Seeded fuzzing of the ingest routes. The rule under test (worker/README.md, "Answers"): bad
 * input gets a precise 4xx JSON error, or is accepted (202) and then stored or quarantined with
 * its reason — never a 5xx, never a consumer failure, never a silent drop.
 *
 * Every request is a mutation of a valid fixture event (ChirpStack JSON of all seven kinds,
 * ChirpStack protobuf, The Things Stack JSON) or a valid event with random headers. Each answer is
 * checked on the spot; every accepted event is then looked up in D1 once the queue consumer is
 * done. The oracle is the test's own, never the Worker's parsers or keys: an unmutated event must
 * be answered with the device, kind and time the test gave it, and every accepted event must be
 * found in D1's own columns (device, kind, time) as the answer promised — stored, quarantined, or
 * (README "Duplicates") a redelivery of a stored uplink of its device within 10 minutes. To replay
 * a failure, keep SEED: the failure names the request (family and index) and its mutations.
 */
const SEED = 0x5eed_c16a;
const rand = prng(SEED);
console.log(`ingest fuzz: seed ${SEED} (test/worker/ingest/fuzz.test.ts)`);

const CHIRPSTACK_JSON_REQUESTS = { up: 600, join: 150, status: 150, ack: 150, txack: 150, log: 150, location: 150 } as const;
const PROTOBUF_REQUESTS = { up: 200, join: 50, status: 50, ack: 50, txack: 50, log: 50, location: 50 } as const;
const TTN_REQUESTS = 500;
const HEADER_REQUESTS = 80;
const PARALLEL = 32;

const ALLOWED = new Set([202, 400, 401, 403, 413, 415]);

/** The event kinds of the README's routes. */
type ChirpstackKind = "up" | "join" | "status" | "ack" | "txack" | "log" | "location";
const KINDS: readonly string[] = ["up", "join", "status", "ack", "txack", "log", "location"];
/** README "Duplicates": a redelivery of a frame within 10 minutes is the same uplink. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;

// ---------------------------------------------------------------------------------------------
// Random choices

const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const chance = (p: number) => rand() < p;

/** JSON text inserted as is: numbers JSON.parse reads as Infinity, deep nesting, … */
class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

const randomAscii = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join("");
const randomHex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");

/** Values of every JSON type, and the strings and numbers the schemas have rules about. */
function randomValue(depth = 0): unknown {
  switch (int(depth > 2 ? 4 : 6)) {
    case 0:
      return pick<unknown>([
        0, -1, 1, 1.5, -0.5, 255, 256, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 32 - 1, 2 ** 53, -(2 ** 53), 1e21, 1e308, -1e308, 5e-324,
        int(1e9) - 5e8, new Raw("1e999"), new Raw("-1e999"), new Raw("-0"), new Raw("123456789012345678901234567890"), new Raw("1E-400"),
      ]);
    case 1:
      return pick<unknown>([
        "", "x", "NaN", "Infinity", "-Infinity", "1e999", "-1", " 42 ", "42", "4294967296", "0x10", "1.5", "true", "null",
        "AQ*m!", "====", "A", "AQ", "AQI=", "AQ==x", "_-_-", "\u0000", "é€😀", "\ud800", "0018b2000000000", "0018B2000000000G",
        "0018b200000000011", "0018b20000000001", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999+00:00", "2026-03-14T09:34:15.775+25:00", "2026-03-14T24:00:00Z", "2026-03-14 09:34:15Z",
        "2026-03-14T09:34:60Z", "yesterday", "3f6b2c1e-8d4a-4b7e-9c2f-1a5d7e9b3c40", "3f6b2c1e8d4a4b7e9c2f1a5d7e9b3c40",
        randomAscii(int(40)), randomHex(16), "A".repeat(pick([1000, 10_000, 60_000])), randomAscii(pick([2000, 20_000])),
      ]);
    case 2:
      return chance(0.5);
    case 3:
      return null;
    case 4:
      return Array.from({ length: int(4) }, () => randomValue(depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(["a", "devEui", "time", "rssi", "snr", "latitude", randomAscii(5)]), randomValue(depth + 1)]));
  }
}

function deepNest(): Raw {
  const n = pick([10, 100, 1000, 10_000, 40_000]);
  return chance(0.5) ? new Raw(`${"[".repeat(n)}0${"]".repeat(n)}`) : new Raw(`${'{"a":'.repeat(n)}0${"}".repeat(n)}`);
}

// ---------------------------------------------------------------------------------------------
// Structural mutations of a JSON event, then text and byte mutations of its encoding

type Path = (string | number)[];
/** Extra members appended to an object, by path: duplicate keys (the last one wins in JSON.parse). */
type Extras = Map<string, [string, unknown][]>;

function allPaths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (v instanceof Raw || v === null || typeof v !== "object") return out;
  for (const [k, child] of Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v)) {
    out.push([...prefix, k]);
    allPaths(child, [...prefix, k], out);
  }
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let v = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) v = v[k] as Record<string | number, unknown>;
  return v;
}

function serialize(v: unknown, extras: Extras, at = ""): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map((x, i) => serialize(x, extras, `${at}/${i}`)).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const members = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${serialize(x, extras, `${at}/${k}`)}`);
    for (const [k, x] of extras.get(at) ?? []) members.push(`${JSON.stringify(k)}:${serialize(x, extras, `${at}/${k}`)}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** Mutates a JSON event in place (1–3 structural changes), returns its bytes and what was done. */
function mutateJson(event: Json): { body: Uint8Array; did: string[] } {
  const did: string[] = [];
  let root: unknown = event;
  const extras: Extras = new Map();
  if (chance(0.08)) did.push("none");
  else {
    const n = 1 + (chance(0.3) ? 1 : 0) + (chance(0.1) ? 1 : 0);
    for (let m = 0; m < n; m++) {
      const paths = allPaths(root);
      if (paths.length === 0) break;
      // Mostly the fields the parsers read (near the top), sometimes anything.
      const near = paths.filter((p) => p.length <= 3);
      const path = chance(0.75) && near.length > 0 ? pick(near) : pick(paths);
      const parent = parentOf(root, path);
      const key = path.at(-1)!;
      const r = rand();
      if (r < 0.25) {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
        did.push(`delete ${path.join(".")}`);
      } else if (r < 0.7) {
        const value = randomValue();
        parent[key] = value;
        did.push(`${path.join(".")} = ${(value instanceof Raw ? value.text : JSON.stringify(value) ?? "").slice(0, 60)}`);
      } else if (r < 0.78) {
        parent[key] = deepNest();
        did.push(`${path.join(".")} nested deeply`);
      } else if (r < 0.88 && !Array.isArray(parent)) {
        const at = path.slice(0, -1).map((k) => `/${k}`).join("");
        const value = randomValue();
        extras.set(at, [...(extras.get(at) ?? []), [String(key), value]]);
        did.push(`duplicate key ${path.join(".")} = ${JSON.stringify(value)?.slice(0, 60)}`);
      } else if (r < 0.95 && !Array.isArray(parent)) {
        parent[randomAscii(1 + int(8))] = randomValue();
        did.push(`new field next to ${path.join(".")}`);
      } else {
        root = chance(0.5) ? [root] : { event: root };
        did.push("wrapped");
      }
    }
  }
  return mutateBytes(new TextEncoder().encode(serialize(root, extras)), 0.15, did);
}

/** With probability `p`, one byte-level change: truncation, random bytes inserted, bytes overwritten. */
function mutateBytes(bytes: Uint8Array, p: number, did: string[]): { body: Uint8Array; did: string[] } {
  if (!chance(p) || bytes.length === 0) return { body: bytes, did };
  const at = int(bytes.length);
  const r = rand();
  if (r < 0.4) {
    did.push(`truncated at ${at}`);
    return { body: bytes.slice(0, at), did };
  }
  const junk = Uint8Array.from({ length: 1 + int(8) }, () => int(256));
  if (r < 0.7) {
    did.push(`inserted ${junk.length} random bytes at ${at}`);
    const out = new Uint8Array(bytes.length + junk.length);
    out.set(bytes.subarray(0, at));
    out.set(junk, at);
    out.set(bytes.subarray(at), at + junk.length);
    return { body: out, did };
  }
  did.push(`overwrote ${junk.length} bytes at ${at}`);
  const out = bytes.slice();
  junk.forEach((b, i) => {
    if (at + i < out.length) out[at + i] = b;
  });
  return { body: out, did };
}

/** Offsets of the length varints of length-delimited fields, top level and one level down. */
function lengthFields(bytes: Uint8Array, from = 0, to = bytes.length, depth = 0, out: number[] = []): number[] {
  let i = from;
  const varint = (): number | null => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (i >= to) return null;
      const b = bytes[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    return null;
  };
  while (i < to) {
    const tag = varint();
    if (tag === null) break;
    const wire = tag & 7;
    if (wire === 0 && varint() === null) break;
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const at = i;
      const len = varint();
      if (len === null || i + len > to) break;
      out.push(at);
      if (depth < 1) lengthFields(bytes, i, i + len, depth + 1, out);
      i += len;
    } else if (wire !== 0) break;
  }
  return out;
}

function mutateProtobuf(bytes: Uint8Array): { body: Uint8Array; did: string[] } {
  const did: string[] = [];
  const r = rand();
  if (r < 0.08) return { body: bytes, did: ["none"] };
  if (r < 0.3) {
    const out = bytes.slice();
    const flips = 1 + int(8);
    for (let f = 0; f < flips; f++) out[int(out.length)]! ^= 1 << int(8);
    return { body: out, did: [`${flips} bit flips`] };
  }
  if (r < 0.45) {
    const at = int(bytes.length);
    return { body: bytes.slice(0, at), did: [`truncated at ${at}`] };
  }
  if (r < 0.58) {
    const n = pick([0, 1, 2, 10, 100, 1000]);
    return { body: Uint8Array.from({ length: n }, () => int(256)), did: [`${n} random bytes`] };
  }
  if (r < 0.85) {
    const fields = lengthFields(bytes);
    const at = pick(fields);
    const len = pick([[0x00], [0x01], [0x7f], [0xff, 0x01], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80], [int(128)]]);
    // Replace the one-byte length (every length in these small events fits one byte).
    const out = new Uint8Array(bytes.length - 1 + len.length);
    out.set(bytes.subarray(0, at));
    out.set(len, at);
    out.set(bytes.subarray(at + 1), at + len.length);
    return { body: out, did: [`length at ${at} = ${len.join(",")}`] };
  }
  if (r < 0.92) {
    // Protobuf merges repeated messages: the event twice, or with a field of a random tag appended.
    const tail = chance(0.5) ? bytes : Uint8Array.from([(1 + int(40)) << 3 | pick([0, 1, 2, 5]), ...Array.from({ length: int(10) }, () => int(256))]);
    const out = new Uint8Array(bytes.length + tail.length);
    out.set(bytes);
    out.set(tail, bytes.length);
    return { body: out, did: [`appended ${tail === bytes ? "itself" : "a random field"}`] };
  }
  return mutateBytes(bytes, 1, did);
}

// ---------------------------------------------------------------------------------------------
// Requests, answers and what was accepted


/** What the test itself knows an event to be: its device, kind and time (epoch ms). */
interface Identity {
  kind: string;
  devEui: string;
  time: number;
}

interface Sent {
  name: string;
  did: string[];
  /** The event before any mutation; an unmutated one must be answered with exactly this. */
  base: Identity;
  /** The Things Stack route (may answer "ignored"). */
  ttn: boolean;
}

interface Answered {
  status: number;
  body: unknown;
  contentType: string | null;
}

const accepted: { sent: Sent; event: Identity; result: string }[] = [];
const failures: string[] = [];
const statuses = new Map<string, number>();
const errors: unknown[][] = [];

async function post(path: string, body: Uint8Array, headers: Record<string, string>): Promise<Answered> {
  const response = await exports.default.fetch(new Request(`${BASE}${path}`, { method: "POST", headers, body }));
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { notJson: text.slice(0, 200) };
  }
  return { status: response.status, body: json, contentType: response.headers.get("content-type") };
}

/** Checks one answer; records accepted events and every broken rule. */
function check(sent: Sent, a: Answered): void {
  const what = `${sent.name} [${sent.did.join("; ")}]`;
  const fail = (why: string): void => {
    failures.push(`${what}: ${why}: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
  };
  const b = a.body as Record<string, unknown>;
  const answer = `${a.status} ${a.status === 202 ? b["result"] : (b["error"] as Record<string, unknown> | undefined)?.["code"]}`;
  statuses.set(answer, (statuses.get(answer) ?? 0) + 1);
  if (!ALLOWED.has(a.status)) return fail("status not allowed");
  if (!a.contentType?.includes("application/json")) return fail(`content-type ${a.contentType}`);
  if (a.status !== 202) {
    const e = b["error"] as Record<string, unknown> | undefined;
    if (typeof e?.["code"] !== "string" || typeof e["message"] !== "string" || e["message"] === "") fail("not an error body");
    return;
  }
  if (b["result"] === "ignored") {
    if (!sent.ttn || typeof b["messageType"] !== "string" || typeof b["message"] !== "string") fail("ignored, but not a The Things Stack message type");
    return;
  }
  if (b["result"] !== "accepted" && b["result"] !== "deferred") return fail("202 without accepted/deferred/ignored");
  const devEui = String(b["devEui"]);
  const time = Date.parse(String(b["time"]));
  if (!/^[0-9a-f]{16}$/.test(devEui) || !KINDS.includes(String(b["event"])) || Number.isNaN(time) || new Date(time).toISOString() !== b["time"]) {
    return fail("202 whose devEui, event or time is not well formed");
  }
  const event: Identity = { kind: String(b["event"]), devEui, time };
  if (sent.did.length === 1 && sent.did[0] === "none" && (event.kind !== sent.base.kind || event.devEui !== sent.base.devEui || event.time !== sent.base.time)) {
    fail(`answer does not match the unmutated event ${JSON.stringify(sent.base)}`);
  }
  accepted.push({ sent, event, result: String(b["result"]) });
}

async function run(requests: (() => { sent: Sent; path: string; body: Uint8Array; headers: Record<string, string> })[]): Promise<void> {
  for (let i = 0; i < requests.length; i += PARALLEL) {
    // Built in order (the PRNG is sequential), sent in parallel.
    const group = requests.slice(i, i + PARALLEL).map((make) => make());
    const answers = await Promise.all(group.map((r) => post(r.path, r.body, r.headers)));
    answers.forEach((a, j) => check(group[j]!.sent, a));
  }
}

// ---------------------------------------------------------------------------------------------
// Valid base events: every one with its own time, frame counter and ids, so none is another's duplicate

let reg: Registry;
let known: string;
let toulon: string;
let serial = 0;
const T0 = Date.parse("2026-01-01T00:00:00Z");

function devEuiFor(): string {
  const r = rand();
  if (r < 0.5) return known;
  if (r < 0.65) return toulon;
  if (r < 0.75) return "0018b20000000001";
  return `7e57f0${serial.toString(16).padStart(10, "0")}`;
}

/** The identity of the last base event made (read right after making it). */
let lastBase: Identity = { kind: "up", devEui: "", time: 0 };

function baseChirpstack(kind: ChirpstackKind): Json {
  serial += 1;
  const e = fixtureJson(`chirpstack/${kind}.json`);
  const devEui = devEuiFor();
  // 20 minutes apart: outside each other's duplicate window.
  lastBase = { kind, devEui, time: T0 + serial * 20 * 60_000 };
  const time = chirpstackTime(lastBase.time, "123456");
  const out: Json = { ...e, time, deviceInfo: { ...(e["deviceInfo"] as Json), devEui } };
  if ("deduplicationId" in e) out["deduplicationId"] = crypto.randomUUID();
  if (kind === "up") {
    out["fCnt"] = serial;
    if (devEui === known && chance(0.6)) {
      const { bytes, fPort } = envFrame();
      Object.assign(out, { data: base64(bytes), fPort });
    }
  }
  if (kind === "txack") out["downlinkId"] = serial;
  if (kind === "ack") out["queueItemId"] = crypto.randomUUID();
  return out;
}

function baseTtn(): Json {
  serial += 1;
  const m = fixtureJson("ttn/uplink.json");
  const devEui = devEuiFor();
  const receivedAt = new Date(T0 + serial * 20 * 60_000).toISOString();
  lastBase = { kind: "up", devEui, time: T0 + serial * 20 * 60_000 };
  const ids = { ...(m["end_device_ids"] as Json), dev_eui: devEui.toUpperCase() };
  const asUp = `01JQ7Z${serial.toString().padStart(20, "0")}`;
  const correlation = (m["correlation_ids"] as string[]).map((id) => (id.startsWith("as:up:") ? `as:up:${asUp}` : id));
  if (chance(0.2)) {
    lastBase = { ...lastBase, kind: "join" };
    const { uplink_message: _, ...rest } = m;
    return { ...rest, end_device_ids: ids, correlation_ids: correlation, received_at: receivedAt, join_accept: { session_key_id: "AY2xQm8fR3WnT0p1cVbK9g==", received_at: receivedAt } };
  }
  const up: Json = { ...(m["uplink_message"] as Json), f_cnt: serial, received_at: receivedAt };
  if (devEui === known && chance(0.6)) {
    const { bytes, fPort } = envFrame();
    Object.assign(up, { frm_payload: base64(bytes), f_port: fPort });
  }
  return { ...m, end_device_ids: ids, correlation_ids: correlation, received_at: receivedAt, uplink_message: up };
}

const bearer = () => ({ authorization: `Bearer ${reg.ingest}` });

// ---------------------------------------------------------------------------------------------

let spoolBefore: string[];

beforeAll(async () => {
  reg = await setUpRegistry();
  known = "7e57f00000000001";
  toulon = "7e57f00000000002";
  await registerDevice(reg.admin, known, { profile: "env" });
  await registerDevice(reg.admin, toulon, { profile: "env", commune: "83137" });
  spoolBefore = (await env.SPOOL.list()).objects.map((o) => o.key);
  // The queue consumer runs in this isolate: anything it logs as an error is a finding.
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe(`ingest fuzz (seed ${SEED})`, () => {
  it("ChirpStack JSON, all seven event kinds: 4xx with an error body or 202", async () => {
    const requests = Object.entries(CHIRPSTACK_JSON_REQUESTS).flatMap(([kind, n]) =>
      Array.from({ length: n }, (_, i) => () => {
        const k = kind as ChirpstackKind;
        const { body, did } = mutateJson(baseChirpstack(k));
        const sent: Sent = { name: `chirpstack json ${k} #${i}`, did, base: lastBase, ttn: false };
        return { sent, path: `/v1/ingest/chirpstack?event=${k}`, body, headers: { ...bearer(), "content-type": "application/json" } };
      }),
    );
    await run(requests);
    expect(failures).toEqual([]);
  }, 120_000);

  it("ChirpStack protobuf: bit flips, truncation, random bytes, corrupt lengths → 4xx or 202", async () => {
    const requests = Object.entries(PROTOBUF_REQUESTS).flatMap(([kind, n]) =>
      Array.from({ length: n }, (_, i) => () => {
        const k = kind as ChirpstackKind;
        const fixture = k === "up" && chance(0.25);
        const valid = fixture ? fixtureBytes("chirpstack/up.pb") : toProtobuf(k, baseChirpstack(k));
        // up.pb is up.json as protobuf: device 0018b20000000001 at 2026-03-14T09:34:15.775Z.
        const base = fixture ? { kind: "up", devEui: "0018b20000000001", time: Date.parse("2026-03-14T09:34:15.775Z") } : lastBase;
        const { body, did } = mutateProtobuf(valid);
        const sent: Sent = { name: `chirpstack protobuf ${k} #${i}`, did, base, ttn: false };
        return { sent, path: `/v1/ingest/chirpstack?event=${k}`, body, headers: { ...bearer(), "content-type": "application/octet-stream" } };
      }),
    );
    await run(requests);
    expect(failures).toEqual([]);
  }, 120_000);

  it("The Things Stack JSON (uplinks and join-accepts): 4xx with an error body or 202", async () => {
    const requests = Array.from({ length: TTN_REQUESTS }, (_, i) => () => {
      const { body, did } = mutateJson(baseTtn());
      const sent: Sent = { name: `ttn #${i}`, did, base: lastBase, ttn: true };
      return { sent, path: "/v1/ingest/ttn", body, headers: { ...bearer(), "content-type": "application/json" } };
    });
    await run(requests);
    expect(failures).toEqual([]);
  }, 120_000);

  it("random Content-Type and Authorization headers on valid events", async () => {
    const contentTypes = [
      undefined, "", "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json", "application/json;;;",
      "text/plain", "text/json", "application/octet-stream", "application/x-protobuf", "multipart/form-data; boundary=x", ";", "application/json, text/plain",
      "application/x-www-form-urlencoded", `application/json; ${"p=1; ".repeat(200)}`,
    ];
    const authorizations = () => [
      undefined, "", "Bearer", "Bearer ", `Bearer ${reg.ingest}`, `bearer ${reg.ingest}`, `Bearer  ${reg.ingest}`, `Bearer ${reg.ingest}x`, `Bearer ${reg.ingest.slice(0, -1)}`,
      `Basic ${btoa("user:pass")}`, `Bearer ${reg.admin}`, `Bearer ${reg.toulon}`, `Bearer ${"x".repeat(10_000)}`, `Token ${reg.ingest}`, reg.ingest, "Bearer cig_ingest_0000",
    ];
    const requests = Array.from({ length: HEADER_REQUESTS }, (_, i) => () => {
      const ttn = chance(0.3);
      const contentType = pick(contentTypes);
      const authorization = pick(authorizations());
      const kind: ChirpstackKind = ttn ? "up" : pick(["up", "up", "status", "join"] as const);
      const json = ttn ? baseTtn() : baseChirpstack(kind);
      const protobuf = !ttn && /octet|protobuf/.test(contentType ?? "") && chance(0.7);
      const body = protobuf ? toProtobuf(kind, json) : new TextEncoder().encode(JSON.stringify(json));
      const headers: Record<string, string> = {};
      if (contentType !== undefined) headers["content-type"] = contentType;
      if (authorization !== undefined) headers["authorization"] = authorization;
      const did = [`content-type ${JSON.stringify(contentType)?.slice(0, 40)}`, `authorization ${JSON.stringify(authorization)?.slice(0, 40)}`];
      // Only headers vary: the event itself is unmutated.
      const sent: Sent = { name: `headers ${ttn ? "ttn" : kind} #${i}`, did: ["none", ...did], base: lastBase, ttn };
      return { sent, path: ttn ? "/v1/ingest/ttn" : `/v1/ingest/chirpstack?event=${kind}`, body, headers };
    });
    await run(requests);
    expect(failures).toEqual([]);
  }, 60_000);

  it("nothing accepted was lost: every accepted event is stored, a duplicate of a stored one, or quarantined; no dead letters", async () => {
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(`ingest fuzz: ${total} requests, ${accepted.length} accepted; answers: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    // The deliberately valid share keeps the check below meaningful.
    expect(accepted.filter((a) => a.event.kind === "up").length).toBeGreaterThan(300);
    await settle(reg.ingest);

    // D1's own columns, read by device, kind and time: nothing of the Worker's keys.
    const uplinks = (
      await env.DB.prepare("SELECT d.dev_eui, u.time, u.decode FROM uplinks u JOIN devices d ON d.id = u.device_id").all<{ dev_eui: string; time: number; decode: number }>()
    ).results;
    const quarantined = new Set(
      (await env.DB.prepare("SELECT dev_eui || ':' || kind || ':' || time AS k FROM quarantine").all<{ k: string }>()).results.map((r) => r.k),
    );
    const events = (
      await env.DB.prepare("SELECT d.dev_eui, e.kind, e.time FROM device_events e JOIN devices d ON d.id = e.device_id").all<{ dev_eui: string; kind: string; time: number }>()
    ).results;
    const eventAt = new Set(events.map((e) => `${e.dev_eui}:${e.kind}:${e.time}`));
    const eventOf = new Set(events.map((e) => `${e.dev_eui}:${e.kind}`));
    const uplinkAt = new Map(uplinks.map((u) => [`${u.dev_eui}:${u.time}`, u]));

    const lost: string[] = [];
    for (const { sent, event, result } of accepted) {
      const what = `${sent.name} [${sent.did.join("; ")}] (${result}, ${JSON.stringify(event)})`;
      if (quarantined.has(`${event.devEui}:${event.kind}:${event.time}`)) continue;
      if (event.kind !== "up") {
        // Stored at its time, or a redelivery of one stored before (the same network-server id).
        if (!eventAt.has(`${event.devEui}:${event.kind}:${event.time}`) && !eventOf.has(`${event.devEui}:${event.kind}`)) lost.push(`${what}: not stored, not quarantined`);
        continue;
      }
      const row = uplinkAt.get(`${event.devEui}:${event.time}`);
      if (row) {
        if (![0, 1, 2, 3].includes(row.decode)) lost.push(`${what}: stored with decode status ${row.decode}`);
        continue;
      }
      // A duplicate of a stored uplink of the same device within 10 minutes (README "Duplicates").
      const duplicate = uplinks.some((u) => u.dev_eui === event.devEui && Math.abs(u.time - event.time) <= DUPLICATE_WINDOW_MS);
      if (!duplicate) lost.push(`${what}: not stored, not quarantined`);
    }
    expect(lost).toEqual([]);

    // Nothing went to the spool: no dead letter, no unreadable message, no deferral.
    const spool = (await env.SPOOL.list()).objects.map((o) => o.key).filter((k) => !spoolBefore.includes(k));
    expect(spool).toEqual([]);
    expect(accepted.filter((a) => a.result !== "accepted").map((a) => a.sent.name)).toEqual([]);
    // …and the consumer logged no failure.
    expect(errors.map((e) => e.map(String).join(" ").slice(0, 300))).toEqual([]);
  }, 60_000);
});
