import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, NODE, ROOT, shell } from "./cli-helpers.ts";

/**
 * The README's cigale-codec examples are a test: every `$ ` line of its console block runs in a
 * shell and must print exactly the lines below it (stdout and stderr, in order).
 */
interface Example {
  command: string;
  output: string;
}

function readmeExamples(): Example[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("Codec CLI"));
  const block = section && /```console\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README.md: no console block in the Codec CLI section");
  const examples: Example[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("$ ")) examples.push({ command: line.slice(2), output: "" });
    else if (line !== "" && examples.length > 0) (examples[examples.length - 1] as Example).output += `${line}\n`;
  }
  return examples;
}

const examples = readmeExamples();
const cwd = mkdtempSync(join(tmpdir(), "cigale-readme-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe("README cigale-codec examples", () => {
  it("has examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const e of examples) expect(e.command).toMatch(/^npx cigale-codec /);
  });

  // `npx cigale-codec` resolves to this file (cli.test.ts runs npx itself); calling it directly
  // keeps the suite fast.
  it.each(examples)("$command", ({ command, output }) => {
    const line = command.replace(/^npx cigale-codec /, `'${NODE}' '${CLI}' `);
    const r = shell(`{ ${line}; } 2>&1`, cwd);
    expect(r.stdout).toBe(output);
  });
});
