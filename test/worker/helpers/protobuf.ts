import common from "@chirpstack/chirpstack-api/common/common_pb.js";
import gw from "@chirpstack/chirpstack-api/gw/gw_pb.js";
import pb from "@chirpstack/chirpstack-api/integration/integration_pb.js";
import { Timestamp } from "google-protobuf/google/protobuf/timestamp_pb.js";
import type { Json } from "./fixtures.ts";

/**
 * Builds ChirpStack's protobuf body (integration `json=false`) for a proto3-JSON event with the
 * generated message classes, as ChirpStack's Rust side would encode it.
 */

function ts(text: unknown): Timestamp | undefined {
  if (typeof text !== "string") return undefined;
  const m = /\.(\d+)/.exec(text);
  const t = new Timestamp();
  t.setSeconds(Math.floor(Date.parse(text) / 1000));
  t.setNanos(m ? Number(m[1]!.padEnd(9, "0").slice(0, 9)) : 0);
  return t;
}

function deviceInfo(j: Json): pb.DeviceInfo {
  const d = new pb.DeviceInfo();
  const i = j["deviceInfo"] as Json;
  d.setDevEui(String(i["devEui"]));
  d.setDeviceName(String(i["deviceName"] ?? ""));
  d.setApplicationId(String(i["applicationId"] ?? ""));
  for (const [k, v] of Object.entries((i["tags"] as Record<string, string>) ?? {})) d.getTagsMap().set(k, v);
  return d;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const num = (v: unknown) => (typeof v === "number" ? v : 0);

const BUILDERS: Record<string, (j: Json) => Uint8Array> = {
  up(j) {
    const e = new pb.UplinkEvent();
    e.setDeduplicationId(str(j["deduplicationId"]));
    const t = ts(j["time"]);
    if (t) e.setTime(t);
    e.setDeviceInfo(deviceInfo(j));
    e.setDevAddr(str(j["devAddr"]));
    e.setAdr(j["adr"] === true);
    e.setDr(num(j["dr"]));
    e.setFCnt(num(j["fCnt"]));
    e.setFPort(num(j["fPort"]));
    e.setConfirmed(j["confirmed"] === true);
    e.setData(str(j["data"]));
    for (const r of (j["rxInfo"] as Json[]) ?? []) {
      const rx = new gw.UplinkRxInfo();
      rx.setGatewayId(str(r["gatewayId"]));
      rx.setRssi(num(r["rssi"]));
      rx.setSnr(num(r["snr"]));
      const g = ts(r["gwTime"]);
      if (g) rx.setGwTime(g);
      const n = ts(r["nsTime"]);
      if (n) rx.setNsTime(n);
      e.addRxInfo(rx);
    }
    return e.serializeBinary();
  },
  join(j) {
    const e = new pb.JoinEvent();
    e.setDeduplicationId(str(j["deduplicationId"]));
    const t = ts(j["time"]);
    if (t) e.setTime(t);
    e.setDeviceInfo(deviceInfo(j));
    e.setDevAddr(str(j["devAddr"]));
    return e.serializeBinary();
  },
  status(j) {
    const e = new pb.StatusEvent();
    e.setDeduplicationId(str(j["deduplicationId"]));
    const t = ts(j["time"]);
    if (t) e.setTime(t);
    e.setDeviceInfo(deviceInfo(j));
    e.setMargin(num(j["margin"]));
    e.setExternalPowerSource(j["externalPowerSource"] === true);
    e.setBatteryLevelUnavailable(j["batteryLevelUnavailable"] === true);
    e.setBatteryLevel(num(j["batteryLevel"]));
    return e.serializeBinary();
  },
  ack(j) {
    const e = new pb.AckEvent();
    e.setDeduplicationId(str(j["deduplicationId"]));
    const t = ts(j["time"]);
    if (t) e.setTime(t);
    e.setDeviceInfo(deviceInfo(j));
    e.setQueueItemId(str(j["queueItemId"]));
    e.setAcknowledged(j["acknowledged"] === true);
    e.setFCntDown(num(j["fCntDown"]));
    return e.serializeBinary();
  },
  txack(j) {
    const e = new pb.TxAckEvent();
    e.setDownlinkId(num(j["downlinkId"]));
    const t = ts(j["time"]);
    if (t) e.setTime(t);
    e.setDeviceInfo(deviceInfo(j));
    e.setQueueItemId(str(j["queueItemId"]));
    e.setFCntDown(num(j["fCntDown"]));
    e.setGatewayId(str(j["gatewayId"]));
    const txj = j["txInfo"] as Json | undefined;
    if (txj) {
      const tx = new gw.DownlinkTxInfo();
      tx.setFrequency(num(txj["frequency"]));
      tx.setPower(num(txj["power"]));
      e.setTxInfo(tx);
    }
    return e.serializeBinary();
  },
  log(j) {
    const e = new pb.LogEvent();
    const t = ts(j["time"]);
    if (t) e.setTime(t);
    e.setDeviceInfo(deviceInfo(j));
    e.setLevel(pb.LogLevel[str(j["level"]) as keyof typeof pb.LogLevel]);
    e.setCode(pb.LogCode[str(j["code"]) as keyof typeof pb.LogCode]);
    e.setDescription(str(j["description"]));
    for (const [k, v] of Object.entries((j["context"] as Record<string, string>) ?? {})) e.getContextMap().set(k, v);
    return e.serializeBinary();
  },
  location(j) {
    const e = new pb.LocationEvent();
    e.setDeduplicationId(str(j["deduplicationId"]));
    const t = ts(j["time"]);
    if (t) e.setTime(t);
    e.setDeviceInfo(deviceInfo(j));
    const lj = j["location"] as Json;
    const l = new common.Location();
    l.setLatitude(num(lj["latitude"]));
    l.setLongitude(num(lj["longitude"]));
    l.setAltitude(num(lj["altitude"]));
    l.setAccuracy(num(lj["accuracy"]));
    l.setSource(common.LocationSource[str(lj["source"]) as keyof typeof common.LocationSource]);
    e.setLocation(l);
    return e.serializeBinary();
  },
};

export function toProtobuf(kind: string, event: Json): Uint8Array {
  const build = BUILDERS[kind];
  if (!build) throw new Error(`no protobuf builder for ${kind}`);
  return build(event);
}
