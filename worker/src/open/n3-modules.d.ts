// n3's stream-free modules, imported one by one: its index pulls readable-stream, which workerd
// cannot load. Same classes as @types/n3 describes for the package root.
declare module "n3/src/N3Writer.js" {
  import { Writer } from "n3";
  export default Writer;
}
declare module "n3/src/N3Parser.js" {
  import { Parser } from "n3";
  export default Parser;
}
declare module "n3/src/N3DataFactory.js" {
  import { DataFactory } from "n3";
  export default DataFactory;
}
