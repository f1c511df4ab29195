/**
 * The duplicate rule of uplinks, in one place: in SQL for the insert and the lookup that see
 * stored rows, in TypeScript for copies that arrive in one batch.
 *
 * Two deliveries are one uplink when they are of the same device, within DUPLICATE_WINDOW_MS of
 * each other, and share the network server's id (ChirpStack deduplicationId, TTS `as:up` id) or
 * the frame counter and the payload: the same frame through two network servers, a LoRaWAN
 * retransmission, a webhook retry with a new id. The same (time, frame counter) is the uplinks
 * table's key, so a second delivery with that key is never a new uplink either: if its payload
 * differs it is a conflicting frame (kept in quarantine, never merged).
 */

/**
 * How far apart in time two deliveries of one frame can be and still count as duplicates when
 * they do not share the network server's id.
 */
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/** The fields of a delivery the rule looks at (payload and id in any one form, compared as given). */
export interface FrameIdentity<B> {
  time: number;
  fCnt: number;
  payload: B;
  dedupId: B | null;
}

/** Whether two deliveries of one device are the same uplink, or share its key (TypeScript form). */
export function isSameFrame(a: FrameIdentity<string>, b: FrameIdentity<string>): boolean {
  if (a.time === b.time && a.fCnt === b.fCnt) return true;
  if (Math.abs(a.time - b.time) > DUPLICATE_WINDOW_MS) return false;
  return (a.dedupId !== null && a.dedupId === b.dedupId) || (a.fCnt === b.fCnt && a.payload === b.payload);
}

/**
 * SQL: "a stored uplink that is this delivery already". `stored` is the alias of a row of
 * `uplinks`; the others are SQL expressions of the delivery (payload and id as BLOBs); `window`
 * an expression giving DUPLICATE_WINDOW_MS.
 */
export function storedDuplicateSql(stored: string, d: { deviceId: string; time: string; fCnt: string; payload: string; dedupId: string }, window: string): string {
  return `EXISTS (SELECT 1 FROM uplinks ${stored} WHERE ${stored}.device_id = ${d.deviceId}
      AND ${stored}.time BETWEEN ${d.time} - ${window} AND ${d.time} + ${window}
      AND ((${d.dedupId} IS NOT NULL AND ${stored}.dedup_id = ${d.dedupId}) OR (${stored}.f_cnt = ${d.fCnt} AND ${stored}.payload = ${d.payload})))`;
}
