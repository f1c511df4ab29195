// The host ABI: what the device's C runtime (or the Node simulator) provides. Module "host".
// Every import is a plain number function so that wasm2c and Node bind them without glue code.

/** A sensor channel's current reading in its quantity's unit; NaN when the sensor has none. */
// @ts-ignore: decorator
@external("host", "sensor") export declare function sensor(channel: i32): f64;
/** Seconds of a monotonic clock that keeps counting across resets (RTC); tick() comes once per second. */
// @ts-ignore: decorator
@external("host", "clock") export declare function clock(): u32;
/** The data rate the LoRaWAN stack would send at now (EU868 DR0…DR5), −1 when not joined. */
// @ts-ignore: decorator
@external("host", "dataRate") export declare function dataRate(): i32;
/** Sends `length` bytes at `ptr` on `port` at data rate `dr`; 1 when the frame went out, 0 when not. */
// @ts-ignore: decorator
@external("host", "send") export declare function send(port: i32, ptr: usize, length: i32, dr: i32): i32;
/** Stores `length` bytes at `ptr` in non-volatile memory (replacing what was stored). */
// @ts-ignore: decorator
@external("host", "persist") export declare function persist(ptr: usize, length: i32): void;
/** Loads what persist stored into `ptr` (at most `length` bytes); returns the byte count, 0 when none. */
// @ts-ignore: decorator
@external("host", "restore") export declare function restore(ptr: usize, length: i32): i32;
/** A random 31-bit number (the radio's noise, or a seeded generator in the simulator). */
// @ts-ignore: decorator
@external("host", "random") export declare function random(): i32;
/** A diagnostic: an event code (firmware/README.md) and a value. */
// @ts-ignore: decorator
@external("host", "log") export declare function log(code: i32, value: i32): void;
/** Restarts the device (after a `reboot` command has been acknowledged). */
// @ts-ignore: decorator
@external("host", "restart") export declare function restart(): void;
