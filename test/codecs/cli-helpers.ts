/** Runs the real cigale-codec in a child process, as integrators do. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const NODE = `${ROOT}node_modules/.bin/node`;
export const CLI = `${ROOT}codecs/cli/cigale-codec.ts`;
/** npm scripts and npx put the repository's Node 22 first on PATH; child processes get the same. */
export const PATH = `${ROOT}node_modules/.bin:${process.env["PATH"] ?? ""}`;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: readonly string[], options: { input?: string; cwd?: string } = {}): Run {
  const r = spawnSync(NODE, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, PATH },
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a shell command line (README examples) with the repository's Node first on PATH. */
export function shell(line: string, cwd: string): Run {
  const r = spawnSync("bash", ["-c", line], { cwd, encoding: "utf8", env: { ...process.env, PATH }, timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
