/*
 * The device side of the host ABI (firmware/README.md) for the QEMU run: sensor values, the
 * clock, the link and downlinks come from script.h (written by firmware/embedded/build.ts from the
 * same script the Node run uses); uplinks go out over semihosting as text lines:
 *   UP <clock> <fPort> <dr> <hex>
 * A real device implements the same functions over its drivers, its RTC and LoRaMac-node.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "firmware.h"
#include "script.h"

struct Z_host_instance_t {
  uint32_t clock;
  int restart;
};

static Z_firmware_instance_t firmware;
static struct Z_host_instance_t host;
static uint8_t nv[8192];
static uint32_t nv_length;
static uint32_t rng = 1;

static uint8_t* mem(uint32_t ptr) { return firmware.w2c_memory.data + ptr; }

/* The script's sensor pattern: the same expression as scriptedSensor() in firmware/embedded/script.ts. */
f64 Z_hostZ_sensor(struct Z_host_instance_t* h, u32 channel) {
  if (channel >= SCRIPT_CHANNELS) return __builtin_nan("");
  const double base = script_base[channel];
  if (base != base) return base;
  const uint32_t step = script_step[channel];
  return base + (double)((h->clock / step * (channel + 3) + channel * 7) % 97) * script_scale[channel];
}
u32 Z_hostZ_clock(struct Z_host_instance_t* h) { return h->clock; }
u32 Z_hostZ_dataRate(struct Z_host_instance_t* h) { return (h->clock / SCRIPT_DR_PERIOD) % 6; }
u32 Z_hostZ_send(struct Z_host_instance_t* h, u32 port, u32 ptr, u32 length, u32 dr) {
  if (h->clock >= SCRIPT_OUTAGE_FROM && h->clock < SCRIPT_OUTAGE_TO) return 0;
  printf("UP %lu %lu %lu ", (unsigned long)h->clock, (unsigned long)port, (unsigned long)dr);
  for (uint32_t i = 0; i < length; i++) printf("%02x", mem(ptr)[i]);
  printf("\n");
  return 1;
}
void Z_hostZ_persist(struct Z_host_instance_t* h, u32 ptr, u32 length) {
  (void)h;
  if (length > sizeof nv) length = sizeof nv;
  memcpy(nv, mem(ptr), length);
  nv_length = length;
}
u32 Z_hostZ_restore(struct Z_host_instance_t* h, u32 ptr, u32 length) {
  (void)h;
  uint32_t n = nv_length < length ? nv_length : length;
  memcpy(mem(ptr), nv, n);
  return n;
}
/* xorshift32, as firmware/src/device.ts */
u32 Z_hostZ_random(struct Z_host_instance_t* h) {
  (void)h;
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng & 0x7fffffff;
}
void Z_hostZ_log(struct Z_host_instance_t* h, u32 code, u32 value) {
  (void)h;
  (void)code;
  (void)value;
}
void Z_hostZ_restart(struct Z_host_instance_t* h) { h->restart = 1; }

static void boot(uint32_t cause) {
  Z_firmware_instantiate(&firmware, &host);
  if (Z_firmwareZ_init(&firmware, SCRIPT_PROFILE, cause) != 0) {
    printf("init failed\n");
    exit(1);
  }
}

int main(void) {
  wasm_rt_init();
  Z_firmware_init_module();
  host.clock = 0;
  boot(0);
  unsigned next_downlink = 0;
  for (uint32_t s = 0; s < SCRIPT_SECONDS; s++) {
    host.clock += 1;
    Z_firmwareZ_tick(&firmware);
    if (host.restart) {
      host.restart = 0;
      boot(3);
    }
    while (next_downlink < SCRIPT_DOWNLINKS && script_downlink_at[next_downlink] == host.clock) {
      const uint8_t* bytes = script_downlink_bytes[next_downlink];
      uint32_t length = script_downlink_length[next_downlink];
      memcpy(mem(Z_firmwareZ_downlinkPtr(&firmware)), bytes, length);
      Z_firmwareZ_onDownlink(&firmware, 10, length);
      next_downlink++;
    }
  }
  printf("END %lu\n", (unsigned long)Z_firmwareZ_buffered(&firmware));
  return 0;
}
