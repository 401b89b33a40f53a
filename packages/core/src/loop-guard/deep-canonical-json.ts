/**
 * The most values {@link deepCanonicalJson} visits: past it a value has no key. Arguments a model
 * sends are parsed JSON, so the bound only ends a walk of a value that holds itself (history
 * built in code) or one far wider than any tool's arguments.
 * @internal
 */
export const DEEP_CANONICAL_JSON_MAX_VALUES = 100_000;

/** A piece of the output pushed on the walk's stack between values. */
class Token {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

const CLOSE_ARRAY = new Token(']');
const CLOSE_OBJECT = new Token('}');
const COMMA = new Token(',');

/**
 * `canonicalJson` for a value that nests past its depth bound (a model's arguments 101 levels
 * deep): the same text, object keys sorted at every depth, written by a loop over a stack of its
 * own instead of recursion, so no depth overflows the call stack. The work is one visit per value
 * the arguments hold, as `JSON.parse` already made; `undefined` past
 * {@link DEEP_CANONICAL_JSON_MAX_VALUES} values. The exact text, not a hash of it: the same
 * memory as the arguments the history holds anyway, and no two different calls ever share a key
 * (a collision would steer a call that was not repeated).
 * @internal
 */
export function deepCanonicalJson(value: unknown): string | undefined {
  const out: string[] = [];
  const stack: unknown[] = [value];
  let values = 0;
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Token) {
      out.push(item.text);
      continue;
    }
    if (++values > DEEP_CANONICAL_JSON_MAX_VALUES) return undefined;
    const plain = jsonValueOf(item);
    if (typeof plain !== 'object' || plain === null) {
      // A function or undefined in an array is written `null`, as JSON.stringify writes it.
      out.push(JSON.stringify(plain) ?? 'null');
    } else if (Array.isArray(plain)) {
      out.push('[');
      stack.push(CLOSE_ARRAY);
      for (let index = plain.length - 1; index >= 0; index--) {
        stack.push(plain[index]);
        if (index > 0) stack.push(COMMA);
      }
    } else {
      out.push('{');
      stack.push(CLOSE_OBJECT);
      // Dropped as JSON.stringify drops them: undefined, functions and symbols.
      const keys = Object.keys(plain)
        .filter((key) => isWritten((plain as Record<string, unknown>)[key]))
        .sort();
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index] as string;
        stack.push((plain as Record<string, unknown>)[key]);
        stack.push(new Token(`${JSON.stringify(key)}:`));
        if (index > 0) stack.push(COMMA);
      }
    }
  }
  return out.join('');
}

/** `value` as JSON.stringify sees it: its `toJSON()` once (a Date, or one that returns itself). */
function jsonValueOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const json = (value as { toJSON?: unknown }).toJSON;
  return typeof json === 'function' ? (json as () => unknown).call(value) : value;
}

function isWritten(field: unknown): boolean {
  return field !== undefined && typeof field !== 'function' && typeof field !== 'symbol';
}
