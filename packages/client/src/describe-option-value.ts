// C1 controls, DEL and the characters that reorder or break text (bidi marks, embeddings,
// overrides, isolates, line and paragraph separators), which JSON.stringify leaves as they are.
const UNESCAPED_BY_JSON =
  /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A refused option's value, named as `@gemloop/core`'s option checks name one (its
 * `describeValue`): `3`, `true`, `null`; a string quoted and cut at 40 characters, and `the
 * string "3"` when it reads as a number, a boolean or null (`got 3` read as if 3 were refused);
 * `an empty string`, `an array`, `an object`, `a function`. Written again here rather than
 * imported: the page's bundle holds nothing of core (core's is in a module of its option checks,
 * which would bring them all), so the rule is kept and tested on both sides
 * (`describe-option-value.attacks.test.ts`).
 * @internal
 */
export function describeOptionValue(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      if (value === '') return 'an empty string';
      const cut = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      const quoted = JSON.stringify(cut).replace(
        UNESCAPED_BY_JSON,
        (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
      const word = value.trim();
      const readsAsOther =
        word !== '' && (!Number.isNaN(Number(word)) || /^(true|false|null|NaN)$/.test(word));
      return readsAsOther ? `the string ${quoted}` : quoted;
    }
    case 'object':
      if (value === null) return 'null';
      try {
        return Array.isArray(value) ? 'an array' : 'an object';
      } catch {
        return 'a revoked Proxy';
      }
    case 'function':
      return 'a function';
    default:
      // number, boolean, bigint, undefined; a symbol's String() is its description.
      return typeof value === 'symbol' ? 'a symbol' : String(value);
  }
}
