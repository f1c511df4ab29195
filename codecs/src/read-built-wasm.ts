import { readFileSync } from "node:fs";

/** Compiles a WASM file that `npm run build` writes (Node only), or says how to get it. */
export function readBuiltWasm(url: URL): WebAssembly.Module {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(url));
  } catch {
    throw new Error(`${url.pathname.split("/").pop()} not found at ${url.pathname}: run \`npm run build\` first`);
  }
  return new WebAssembly.Module(bytes);
}
