/**
 * A deliberately tiny MSB-first bit writer and reader, independent of the engine, for tests that
 * build or walk frames from the format's definition (docs/codec-format.md) rather than trusting
 * the encoder.
 */

/** One run of bits: [width in bits, unsigned value]. */
export type Bits = readonly [width: number, value: number];

/** Packs the runs most significant bit first; the last byte is padded with zero bits. */
export function packBits(runs: readonly Bits[]): Uint8Array {
  let text = "";
  for (const [width, value] of runs) {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** width) throw new Error(`${value} does not fit ${width} bits`);
    if (width > 0) text += value.toString(2).padStart(width, "0");
  }
  text = text.padEnd(Math.ceil(text.length / 8) * 8, "0");
  const out = new Uint8Array(text.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(8 * i, 8 * i + 8), 2);
  return out;
}

/** Reads runs back, most significant bit first. */
export class BitReader {
  private readonly text: string;
  position = 0;

  constructor(bytes: ArrayLike<number>) {
    let text = "";
    for (let i = 0; i < bytes.length; i++) text += (bytes[i] as number).toString(2).padStart(8, "0");
    this.text = text;
  }

  get length(): number {
    return this.text.length;
  }

  read(width: number): number {
    if (this.position + width > this.text.length) throw new Error(`read of ${width} bits past the end at bit ${this.position}`);
    const value = width === 0 ? 0 : parseInt(this.text.slice(this.position, this.position + width), 2);
    this.position += width;
    return value;
  }

  /** The bits after the position, as a string of 0 and 1. */
  rest(): string {
    return this.text.slice(this.position);
  }
}
