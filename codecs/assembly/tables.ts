// Typed reads of the generated layout tables.
import { LAYOUT_FIELDS, LAYOUT_STRIDE, LAYOUTS, REF_FIELDS, REF_PROFILES, REF_STRIDE, SPEC_STRIDE, SPECS } from "./tables.generated";
import { FIELD_REF_VALUE, KIND_ACK, KIND_COMMAND, KIND_STATUS } from "./protocol";

// @ts-ignore: decorator
@inline export function layoutFieldStart(layout: i32): i32 {
  return unchecked(LAYOUTS[layout * LAYOUT_STRIDE + 3]);
}
// @ts-ignore: decorator
@inline export function layoutFieldCount(layout: i32): i32 {
  return unchecked(LAYOUTS[layout * LAYOUT_STRIDE + 4]);
}
// @ts-ignore: decorator
@inline export function layoutSparse(layout: i32): bool {
  return unchecked(LAYOUTS[layout * LAYOUT_STRIDE + 5]) != 0;
}
// @ts-ignore: decorator
@inline export function layoutSub(layout: i32): i32 {
  return unchecked(LAYOUTS[layout * LAYOUT_STRIDE + 2]);
}

/** The field spec at position `position` of the layout list (layout start + field index). */
// @ts-ignore: decorator
@inline export function layoutField(position: i32): i32 {
  return <i32>unchecked(LAYOUT_FIELDS[position]);
}

// @ts-ignore: decorator
@inline export function fieldKind(spec: i32): i32 {
  return unchecked(SPECS[spec * SPEC_STRIDE]);
}
// @ts-ignore: decorator
@inline export function fieldBits(spec: i32): i32 {
  return unchecked(SPECS[spec * SPEC_STRIDE + 1]);
}
// @ts-ignore: decorator
@inline export function fieldStep(spec: i32): f64 {
  return <f64>unchecked(SPECS[spec * SPEC_STRIDE + 2]);
}
// @ts-ignore: decorator
@inline export function fieldEnumCount(spec: i32): i32 {
  return unchecked(SPECS[spec * SPEC_STRIDE + 3]);
}
// @ts-ignore: decorator
@inline export function fieldMin(spec: i32): f64 {
  return <f64>unchecked(SPECS[spec * SPEC_STRIDE + 4]);
}
// @ts-ignore: decorator
@inline export function fieldScale(spec: i32): f64 {
  return unchecked(POW10[unchecked(SPECS[spec * SPEC_STRIDE + 5])]);
}
// @ts-ignore: decorator
@inline export function fieldCodeCount(spec: i32): f64 {
  return <f64><u32>unchecked(SPECS[spec * SPEC_STRIDE + 6]);
}

const POW10: StaticArray<f64> = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

/** Layouts of status, ack and commands are shared by every profile (table profile 0). */
function isShared(kind: i32): bool {
  return kind == KIND_STATUS || kind == KIND_ACK || kind == KIND_COMMAND;
}

/** Index of the layout for (profile, kind, version or command code), or −1. */
export function findLayout(profile: i32, kind: i32, sub: i32): i32 {
  const owner = isShared(kind) ? 0 : profile;
  const count = LAYOUTS.length / LAYOUT_STRIDE;
  for (let i = 0; i < count; i++) {
    const at = i * LAYOUT_STRIDE;
    if (unchecked(LAYOUTS[at]) == owner && unchecked(LAYOUTS[at + 1]) == kind && unchecked(LAYOUTS[at + 2]) == sub) return i;
  }
  return -1;
}

/** Highest version of (profile, kind), or 0 when there is none. */
export function latestVersion(profile: i32, kind: i32): i32 {
  const owner = isShared(kind) ? 0 : profile;
  const count = LAYOUTS.length / LAYOUT_STRIDE;
  let best = 0;
  for (let i = 0; i < count; i++) {
    const at = i * LAYOUT_STRIDE;
    if (unchecked(LAYOUTS[at]) == owner && unchecked(LAYOUTS[at + 1]) == kind && unchecked(LAYOUTS[at + 2]) > best) {
      best = unchecked(LAYOUTS[at + 2]);
    }
  }
  return best;
}

function refRow(profile: i32): i32 {
  const count = REF_PROFILES.length / REF_STRIDE;
  for (let i = 0; i < count; i++) if (unchecked(REF_PROFILES[i * REF_STRIDE]) == profile) return i * REF_STRIDE;
  return -1;
}

export function profileExists(profile: i32): bool {
  return profile > 0 && refRow(profile) >= 0;
}

/** Spec index of the measurement field a `fieldRef` code names, or −1. */
export function refTarget(profile: i32, code: i32): i32 {
  const row = refRow(profile);
  if (row < 0 || code < 0 || code >= unchecked(REF_PROFILES[row + 2])) return -1;
  return <i32>unchecked(REF_FIELDS[unchecked(REF_PROFILES[row + 1]) + code]);
}

/** Bits of a field in a frame; a ref takes its target's width, or 0 when nothing is referenced. */
export function widthOfField(field: i32, target: i32): i32 {
  if (fieldKind(field) == FIELD_REF_VALUE) return target < 0 ? 0 : fieldBits(target);
  return fieldBits(field);
}
