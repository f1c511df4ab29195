/* Cortex-M4 vector table for the MPS2 AN386 board in QEMU: reset enters newlib's semihosting crt0. */
#include <stdint.h>

extern void _start(void);
extern uint32_t __stack_top;

static void fault(void) {
  for (;;) {
  }
}

__attribute__((section(".vectors"), used)) const void* const vectors[16] = {
    &__stack_top, (const void*)_start, (const void*)fault, (const void*)fault, (const void*)fault, (const void*)fault, (const void*)fault,
};
