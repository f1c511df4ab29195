/**
 * The embedded build: firmware.wasm → C (wasm2c) → Cortex-M4 (arm-none-eabi-gcc -Os) with the
 * runtime glue in this folder, flash and RAM from arm-none-eabi-size, then a run in QEMU
 * (mps2-an386) for each script of script.ts, whose uplinks must equal the Node run's byte for byte.
 *
 *   npm run firmware:embedded        (after npm run firmware:build)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FIRMWARE_WASM_URL } from "../src/device.ts";
import { runInNode, type Script, SCRIPTS, scriptHeader } from "./script.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const OUT = here("../build/embedded/");

/** The Debian packages behind each tool. */
const TOOLS: ReadonlyArray<{ command: string; args: string[]; pkg: string }> = [
  { command: "wasm2c", args: ["--version"], pkg: "wabt" },
  { command: "arm-none-eabi-gcc", args: ["--version"], pkg: "gcc-arm-none-eabi" },
  { command: "arm-none-eabi-size", args: ["--version"], pkg: "binutils-arm-none-eabi" },
  { command: "qemu-system-arm", args: ["--version"], pkg: "qemu-system-arm" },
];
const WASM_RT_H = "/usr/include/wasm-rt.h";
export const APT_PACKAGES = "wabt gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm";

/** What is missing, as a sentence that says what to install; undefined when all is there. */
export function missingToolchain(): string | undefined {
  const missing = TOOLS.filter((t) => spawnSync(t.command, t.args, { stdio: "ignore" }).status !== 0).map((t) => `${t.command} (${t.pkg})`);
  if (!existsSync(WASM_RT_H)) missing.push(`${WASM_RT_H} (wabt)`);
  const newlib = spawnSync("arm-none-eabi-gcc", ["-print-file-name=librdimon.a", "-mcpu=cortex-m4", "-mthumb"], { encoding: "utf8" });
  if (newlib.status !== 0 || !newlib.stdout.trim().startsWith("/")) missing.push("newlib for arm-none-eabi (libnewlib-arm-none-eabi)");
  if (missing.length === 0) return undefined;
  return `the embedded build needs ${missing.join(", ")}: install them with \`sudo apt-get install ${APT_PACKAGES}\``;
}

const CFLAGS = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft", "-Os", "-std=gnu11", "-ffunction-sections", "-fdata-sections", "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0", "-DWASM_RT_USE_STACK_DEPTH_COUNT=0", "-w"];

export interface Sizes {
  /** firmware.c + runtime.c alone: what the application costs a device. */
  firmware: { text: number; data: number; bss: number };
  /** the whole QEMU image (with newlib's printf and semihosting). */
  image: { text: number; data: number; bss: number };
}

function size(files: string[]): { text: number; data: number; bss: number } {
  const out = execFileSync("arm-none-eabi-size", ["-t", ...files], { encoding: "utf8" }).trim().split("\n");
  const [text, data, bss] = (out.at(-1) as string).trim().split(/\s+/).map(Number) as [number, number, number];
  return { text, data, bss };
}

/** wasm2c and the objects that do not depend on the script. */
export function compileFirmware(): Sizes["firmware"] {
  mkdirSync(OUT, { recursive: true });
  execFileSync("wasm2c", [fileURLToPath(FIRMWARE_WASM_URL), "-o", `${OUT}firmware.c`, "-n", "firmware"]);
  copyFileSync(WASM_RT_H, `${OUT}wasm-rt.h`);
  for (const [src, obj] of [[`${OUT}firmware.c`, "firmware.o"], [here("runtime.c"), "runtime.o"], [here("startup.c"), "startup.o"]] as const) {
    execFileSync("arm-none-eabi-gcc", [...CFLAGS, "-I", OUT, "-c", src, "-o", `${OUT}${obj}`]);
  }
  return size([`${OUT}firmware.o`, `${OUT}runtime.o`]);
}

/** Links the QEMU image for one script. */
export function linkImage(script: Script): { elf: string; image: Sizes["image"] } {
  const dir = `${OUT}${script.profile}/`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}script.h`, scriptHeader(script));
  const elf = `${dir}firmware.elf`;
  execFileSync("arm-none-eabi-gcc", [
    ...CFLAGS, "-I", OUT, "-I", dir, here("main.c"), `${OUT}firmware.o`, `${OUT}runtime.o`, `${OUT}startup.o`,
    "--specs=nano.specs", "--specs=rdimon.specs", "-T", here("link.ld"), "-Wl,--gc-sections", "-lm", "-o", elf,
  ]);
  return { elf, image: size([elf]) };
}

/** Runs an image in QEMU on an emulated Cortex-M4 (MPS2 AN386); its semihosting output, line by line. */
export function runInQemu(elf: string, timeoutMs = 600_000): string[] {
  const r = spawnSync("qemu-system-arm", ["-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none", "-semihosting-config", "enable=on,target=native", "-kernel", elf], {
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("UP ") || l.startsWith("END") || l.startsWith("TRAP"));
  if (r.status !== 0) throw new Error(`qemu exited with ${r.status}: ${r.stderr}${lines.slice(-3).join("\n")}`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingToolchain();
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  const firmware = compileFirmware();
  console.log(`Cortex-M4 (arm-none-eabi-gcc -Os), firmware.c + runtime.c: flash ${firmware.text + firmware.data} bytes, RAM ${firmware.data + firmware.bss} bytes (text ${firmware.text}, data ${firmware.data}, bss ${firmware.bss}; the 64 KiB linear memory is in bss)`);
  let failed = 0;
  for (const script of SCRIPTS) {
    const { elf, image } = linkImage(script);
    const started = performance.now();
    const qemu = runInQemu(elf);
    const seconds = (performance.now() - started) / 1000;
    const node = runInNode(script);
    const same = qemu.length === node.length && qemu.every((l, i) => l === node[i]);
    if (!same) failed++;
    const firstDiff = qemu.findIndex((l, i) => l !== node[i]);
    console.log(
      `${script.profile}: QEMU image flash ${image.text + image.data} B, RAM ${image.data + image.bss} B; ${script.seconds} s simulated in ${seconds.toFixed(1)} s; ${node.length - 1} uplinks; ${same ? "bytes identical to the Node run" : `DIFFERENT from the Node run at line ${firstDiff}: qemu ${qemu[firstDiff]} / node ${node[firstDiff]}`}`,
    );
  }
  if (failed) process.exit(1);
}
