/**
 * A per-isolate map whose entries expire, bounded in size: when full, the oldest entry goes
 * (a Map iterates in insertion order, and every set re-inserts). Memory stays bounded whatever a
 * client sends, which matters for caches keyed by what clients present.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; at: number }>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** The entry and its age in ms, if it is younger than `maxAgeMs`. */
  get(key: string, now: number, maxAgeMs: number): { value: V; age: number } | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    const age = now - hit.at;
    return age < maxAgeMs ? { value: hit.value, age } : undefined;
  }

  set(key: string, value: V, now: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, at: now });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
