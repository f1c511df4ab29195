import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The commands the READMEs show run as written on a fresh machine whose system Node is 20: the
 * repository's tools need Node 22, which `npm ci` installs in node_modules/.bin, and only
 * `npm run …` and `npx …` put it first on the PATH. So no README shows a bare `wrangler`, `vitest`
 * or `tsc`, nor `node <file>.ts` (type stripping needs Node 22); each `npm run <script>` names a
 * script of package.json; each path a command reads exists; and the folder tour lists folders
 * that exist. (The platform commands themselves run in readme-local.test.ts.)
 */

const ROOT = join(import.meta.dirname, "..", "..");
const READMES = ["README.md", "worker/README.md"];
const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);

/** Every shell command a README shows: lines of ```sh/console blocks and inline `code` that starts like a command. */
function commands(readme: string): string[] {
  const text = readFileSync(join(ROOT, readme), "utf8");
  const out: string[] = [];
  for (const block of text.matchAll(/```(sh|console|bash)\n([\s\S]*?)```/g)) {
    let pending = "";
    for (const raw of block[2]!.split("\n")) {
      const line = block[1] === "console" ? (raw.startsWith("$ ") ? raw.slice(2) : "") : raw.replace(/\s+#.*$/, "");
      if (line.trim() === "") continue;
      pending += line.replace(/\\$/, " ");
      if (!line.endsWith("\\")) {
        out.push(pending.trim());
        pending = "";
      }
    }
  }
  for (const m of text.replace(/```[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)) {
    if (/^(npm|npx|node|wrangler|vitest|tsc|curl)\s/.test(m[1]!)) out.push(m[1]!);
  }
  return out;
}

describe.each(READMEs())("%s", (readme) => {
  const shown = commands(readme);

  it("shows commands (the check below is not vacuous)", () => {
    expect(shown.length).toBeGreaterThan(3);
  });

  it("runs the repository's tools through npm run or npx, never bare (they need Node 22)", () => {
    const bare = shown.filter((c) => /(^|[;&|]\s*)(wrangler|vitest|tsc|esbuild|asc)\s/.test(c) || /(^|[;&|]\s*)node\s+\S+\.ts\b/.test(c));
    expect(bare).toEqual([]);
  });

  it("names only scripts package.json has", () => {
    const named = shown.flatMap((c) => [...c.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it("reads only files that exist", () => {
    const files = shown.flatMap((c) => [...c.matchAll(/@([\w./-]+)/g)].map((m) => m[1]!));
    expect(files.filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
  });
});

function READMEs(): string[] {
  return READMES;
}

describe("README.md's folder tour", () => {
  it("lists folders that exist, and every top-level folder", () => {
    const text = readFileSync(join(ROOT, "README.md"), "utf8");
    const tour = text.split(/^## /m).find((s) => s.startsWith("The data flow, folder by folder"))!;
    const block = /```\n([\s\S]*?)```/.exec(tour)![1]!;
    const top = [...block.matchAll(/^(\w[\w-]*)\/\s/gm)].map((m) => m[1]!);
    const nested: string[] = [];
    let parent = "";
    for (const line of block.split("\n")) {
      const t = /^(\w[\w-]*)\/\s/.exec(line);
      if (t) parent = t[1]!;
      const n = /^ {2}([\w/-]+?)\/\s/.exec(line);
      if (n) nested.push(`${parent}/${n[1]}`);
    }
    expect([...top, ...nested].filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
    const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n");
    const folders = new Set(tracked.filter((f) => f.includes("/") && !f.startsWith(".")).map((f) => f.split("/")[0]!));
    expect([...folders].filter((f) => !top.includes(f)).sort()).toEqual([]);
  });
});
