// The same firmware.wasm, translated to C by wasm2c and compiled for a Cortex-M4, runs in QEMU
// (mps2-an386) and emits exactly the bytes of the Node run of the same script. Without the
// toolchain this test fails and says which Debian packages to install: it never passes silently.
import { beforeAll, describe, expect, it } from "vitest";
import { compileFirmware, linkImage, missingToolchain, runInQemu } from "../../firmware/embedded/build.ts";
import { runInNode, SCRIPTS } from "../../firmware/embedded/script.ts";

describe("embedded build: Cortex-M4 in QEMU ≡ Node", () => {
  let sizes: ReturnType<typeof compileFirmware> | undefined;
  beforeAll(() => {
    const missing = missingToolchain();
    if (missing) throw new Error(missing);
    sizes = compileFirmware();
  });

  it("fits a Cortex-M4: the firmware and its runtime take under 32 KB of flash and 72 KB of RAM", () => {
    expect(sizes).toBeDefined();
    expect((sizes?.text ?? 0) + (sizes?.data ?? 0)).toBeLessThan(32 * 1024);
    expect((sizes?.data ?? 0) + (sizes?.bss ?? 0)).toBeLessThan(72 * 1024);
  });

  it.each(SCRIPTS.map((s) => [s.profile, s] as const))("%s: the uplinks from QEMU equal the Node run's, byte for byte", (_profile, script) => {
    const { elf } = linkImage(script);
    const qemu = runInQemu(elf);
    const node = runInNode(script);
    expect(node.length).toBeGreaterThan(10);
    expect(qemu).toEqual(node);
  });
});
