import { battery, num, oneOf } from "./fields.ts";
import type { Command, Field, Layout } from "./schema.ts";

/**
 * Messages every profile shares: the status report (fPort 2), the threshold part of alarms
 * (fPort 3), and the config commands with their acknowledgement (fPort 10).
 */

export const RESET_CAUSES = ["powerOn", "brownOut", "watchdog", "software", "pin", "lockup", "other"] as const;

export const STATUS: readonly Layout[] = [
  {
    version: 1,
    fields: [
      { kind: "version", key: "device.firmware" },
      battery,
      num("device.uptime", 0, 4294967294, 1, "32-bit seconds counter (136 years)"),
      oneOf("device.resetCause", RESET_CAUSES, "Cortex-M4 reset status register causes"),
      num("device.lastError", 0, 254, 1, "firmware error code, 0 = none"),
      num("device.interval", 10, 86400, 1, "reporting interval from 10 s to one day"),
    ],
  },
];

/** Alarm frames start with the threshold that fired (absent when the alarm is a profile event). */
export const THRESHOLD_ALARM_FIELDS: readonly Field[] = [
  { kind: "fieldRef", key: "threshold.field" },
  { kind: "ref", key: "threshold.value" },
  oneOf("threshold.crossed", ["above", "below", "cleared"]),
];

/** Interval bounds shared by setInterval and the status report. */
const interval = num("interval", 10, 86400, 1, "reporting interval from 10 s to one day");

/** Downlink commands on fPort 10, in code order (code = position + 1; never reorder). */
export const COMMANDS: readonly Command[] = [
  { name: "setInterval", description: "Set the reporting interval in seconds.", fields: [interval] },
  {
    name: "setThreshold",
    description: "Set the alarm thresholds of one measured quantity; an absent bound disables it.",
    fields: [
      { kind: "fieldRef", key: "field" },
      { kind: "ref", key: "low" },
      { kind: "ref", key: "high" },
    ],
  },
  { name: "reboot", description: "Restart the device after the acknowledgement is sent.", fields: [] },
  { name: "requestStatus", description: "Send a status report (fPort 2) at the next uplink.", fields: [] },
];

/** Outcome of a config command, sent back on fPort 10 with the command's token. */
export const ACK_RESULTS = ["ok", "invalidCommand", "outOfRange", "unsupported", "busy"] as const;

export const ACK: readonly Layout[] = [
  {
    version: 1,
    fields: [num("token", 0, 254, 1, "token echoed from the downlink"), oneOf("result", ACK_RESULTS)],
  },
];
