/**
 * Small deterministic hashing for the simulator: every price, gap and shuffle is a pure function of
 * (seed, names, instants), so the same request always gives the same bytes.
 *
 * @module
 */

/** FNV-1a 32-bit hash of `text`. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes any number of 32-bit integers into one well-distributed 32-bit hash (murmur3 finalizer). */
export function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    // Split large numbers (epoch milliseconds) into two 32-bit halves so nothing is lost.
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    h = Math.imul(h ^ lo, 0x85ebca6b);
    h = (h << 13) | (h >>> 19);
    h = Math.imul(h ^ hi, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in `[0, 1)` derived from `values`. */
export function unit(...values: number[]): number {
  return mix(...values) / 4294967296;
}

/** An approximately standard-normal number derived from `values` (sum of four uniforms). */
export function normal(...values: number[]): number {
  const h = mix(...values);
  let sum = 0;
  let x = h;
  for (let i = 0; i < 4; i++) {
    x = mix(x, i);
    sum += x / 4294967296;
  }
  return (sum - 2) * Math.sqrt(3);
}

/** Shuffles `items` in place with a Fisher–Yates pass driven by `key`; returns `items`. */
export function shuffleInPlace<T>(items: T[], key: number): T[] {
  let x = key;
  for (let i = items.length - 1; i > 0; i--) {
    x = mix(x, i);
    const j = x % (i + 1);
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}
