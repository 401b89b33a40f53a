/**
 * A small deterministic pseudo-random generator (mulberry32): the fake's ids, signatures and
 * probabilistic faults repeat exactly for a given seed, so a failing test replays.
 * @internal
 */
export type SeededRandom = {
  /** A float in [0, 1). */
  next(): number;
  /** An unsigned 32-bit integer. */
  nextUint32(): number;
};

/** @internal */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return (mixed ^ (mixed >>> 14)) >>> 0;
  };
  return { nextUint32, next: () => nextUint32() / 4294967296 };
}

/** FNV-1a over a string's UTF-16 code units: a cheap stable hash. @internal */
export function hashString(text: string, hash = 0x811c9dc5): number {
  let value = hash >>> 0;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

const base36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * `length` lowercase base36 characters, like the 8-character function-call ids Gemini 3 returns
 * (`w71i0cbt`).
 * @internal
 */
export function randomBase36(random: SeededRandom, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += base36[random.nextUint32() % 36];
  return text;
}

const base64Url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `length` base64url characters, like a `responseId` (`wlP6af6uB-rBz7IP3s-7kAc`). @internal */
export function randomBase64Url(random: SeededRandom, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += base64Url[random.nextUint32() & 63];
  return text;
}
