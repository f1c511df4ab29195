/*
 * The few wasm2c runtime functions firmware.c needs, for a bare-metal Cortex-M without an MMU:
 * linear memory is one static 64 KiB page (the firmware's budget; it never grows), bounds are
 * checked by the generated code (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0), and a trap stops the device.
 * wabt's wasm-rt-impl.c assumes mmap and signals, which a microcontroller does not have.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "wasm-rt.h"

#define PAGE 65536u

uint32_t wasm_rt_call_stack_depth;
static uint8_t linear_memory[PAGE] __attribute__((aligned(8)));
static int initialized;

void wasm_rt_init(void) { initialized = 1; }
bool wasm_rt_is_initialized(void) { return initialized; }
void wasm_rt_free(void) {}

void wasm_rt_trap(wasm_rt_trap_t code) {
  printf("TRAP %d\n", (int)code);
  exit(2);
}

/* Function types are only compared for call_indirect; the firmware has no table of functions. */
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  static uint32_t next;
  (void)params;
  (void)results;
  return next++;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t* memory, uint32_t initial_pages, uint32_t max_pages) {
  if (initial_pages != 1 || max_pages != 1) {
    printf("firmware wants %lu..%lu pages of memory, the runtime has one\n", (unsigned long)initial_pages, (unsigned long)max_pages);
    exit(3);
  }
  memory->data = linear_memory;
  memory->pages = 1;
  memory->max_pages = 1;
  memory->size = PAGE;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* memory, uint32_t delta) {
  (void)memory;
  return delta == 0 ? 1 : (uint32_t)-1;
}

void wasm_rt_free_memory(wasm_rt_memory_t* memory) { (void)memory; }
