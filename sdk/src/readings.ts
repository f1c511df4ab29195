import type { LatestValue } from "./api.generated.ts";
import type { MeasurementByProfile, ProfileId } from "./profiles.generated.ts";

/**
 * Readings typed per profile, from codecs/profiles (the generated measurement types): the
 * normalized keys a profile measures ("air.no2") and the type of each value.
 */

type Leaf<T> = NonNullable<T> extends readonly unknown[] ? true : NonNullable<T> extends object ? false : true;
/** [key, value] of each measured quantity, three levels deep at most ("metering.water.total"). */
type Entries3<T, P extends string> = { [K in keyof T & string]-?: [`${P}${K}`, NonNullable<T[K]>] }[keyof T & string];
type Entries2<T, P extends string> = {
  [K in keyof T & string]-?: Leaf<T[K]> extends true ? [`${P}${K}`, NonNullable<T[K]>] : Entries3<NonNullable<T[K]>, `${P}${K}.`>;
}[keyof T & string];
type Entries<T> = { [K in keyof T & string]-?: Leaf<T[K]> extends true ? [K, NonNullable<T[K]>] : Entries2<NonNullable<T[K]>, `${K}.`> }[keyof T & string];
type EntryOf<P extends ProfileId> = Extract<Entries<MeasurementByProfile[P]>, [string, unknown]>;

export type { ProfileId };

/** The quantities a profile measures: `QuantityOf<"env">` is "air.temperature" | "air.no2" | … | "battery". */
export type QuantityOf<P extends ProfileId> = EntryOf<P>[0];

/** The value type of a quantity of a profile (number, boolean or an enum's labels). */
export type ValueOf<P extends ProfileId, K extends QuantityOf<P>> = Extract<EntryOf<P>, [K, unknown]>[1];

/** Latest values of a device of profile P: its profile's quantities typed, any other key (device.interval…) as LatestValue. */
export type LatestValuesOf<P extends ProfileId> = { [K in QuantityOf<P>]?: Omit<LatestValue, "value"> & { value: ValueOf<P, K> } } & {
  [key: string]: LatestValue | undefined;
};
