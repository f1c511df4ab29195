/** Vite's `?raw` imports: a file's text (the SDK test compares a generated file with a fresh rendering). */
declare module "*?raw" {
  const text: string;
  export default text;
}
