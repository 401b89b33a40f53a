import { MIN_SECRET_LENGTH, REDACTED, redactSecrets } from './redact-secrets.ts';

// Bounds of the walk: an error's cause may be any object (a fetch implementation's request, a
// library's response); past these the value is taken as it is rather than walked forever.
const MAX_DEPTH = 12;
const MAX_NODES = 10_000;

/**
 * Returns `value` without any of `secrets`: the value itself when none occurs in it (the common
 * case: nothing is copied), otherwise a copy in which every string that held one has it replaced
 * by `[redacted]`.
 *
 * Made for errors and what they carry, since an error is printed whole (`util.inspect`, a logger's
 * `err` serializer, `JSON.stringify`): its `message`, `stack`, own fields and `cause` chain are
 * walked, non-enumerable ones included, as are plain objects, arrays and `Headers`. A copied error
 * keeps its prototype and every own property (symbols included), so `instanceof`, `isInstance`
 * and `toJSON` still work on it. A `Headers` object that held a secret becomes a plain object
 * without the credential headers.
 *
 * Never mutates `value` and never throws: a property that cannot be read is left out of the copy.
 * @internal
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const active = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  if (active.length === 0) return value;
  const budget = { nodes: 0 };
  if (!holdsSecret(value, active, 0, new Set(), budget)) return value;
  return copyWithout(value, active, 0, new Map()) as T;
}

function holdsSecret(
  value: unknown,
  secrets: readonly string[],
  depth: number,
  seen: Set<object>,
  budget: { nodes: number },
): boolean {
  if (typeof value === 'string') return secrets.some((secret) => value.includes(secret));
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_DEPTH || seen.has(value) || ++budget.nodes > MAX_NODES) return false;
  seen.add(value);
  try {
    if (isHeaders(value)) {
      for (const [, item] of value.entries()) {
        if (holdsSecret(item, secrets, depth + 1, seen, budget)) return true;
      }
      return false;
    }
    for (const key of Object.getOwnPropertyNames(value)) {
      if (holdsSecret(readOwn(value, key), secrets, depth + 1, seen, budget)) return true;
    }
  } catch {
    // A proxy or an exotic object that refuses to be listed: nothing more can be read from it.
  }
  return false;
}

function copyWithout(
  value: unknown,
  secrets: readonly string[],
  depth: number,
  copies: Map<object, unknown>,
): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  try {
    if (isHeaders(value)) return copyHeaders(value, secrets);
    if (isOpaque(value)) return value;
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      copies.set(value, items);
      for (const item of value) items.push(copyWithout(item, secrets, depth + 1, copies));
      return items;
    }
    // Errors (a real Error underneath, so it still prints as one) and plain data keep their
    // prototype; another class instance becomes plain data, as a copy made without its
    // constructor could break its internal slots.
    const prototype: object | null = Object.getPrototypeOf(value);
    let copy: object;
    if (Object.prototype.toString.call(value) === '[object Error]') {
      copy = new Error();
      Object.setPrototypeOf(copy, prototype);
    } else {
      const plain = prototype === null || prototype === Object.prototype;
      copy = Object.create(plain ? prototype : Object.prototype);
    }
    copies.set(value, copy);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      const item = 'value' in descriptor ? descriptor.value : readOwn(value, key);
      Object.defineProperty(copy, key, {
        value: copyWithout(item, secrets, depth + 1, copies),
        writable: descriptor.writable ?? true,
        enumerable: descriptor.enumerable ?? false,
        configurable: true,
      });
    }
    return copy;
  } catch {
    return REDACTED;
  }
}

/** Objects whose data lives in internal slots: never walked, never copied. */
function isOpaque(value: object): boolean {
  return (
    value instanceof Map ||
    value instanceof Set ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Promise ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value)
  );
}

function readOwn(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Duck-typed: a `Headers` of another realm or fetch implementation fails `instanceof`. */
function isHeaders(value: object): value is Headers {
  return (
    typeof (value as Headers).get === 'function' &&
    typeof (value as Headers).entries === 'function' &&
    typeof (value as Headers).has === 'function'
  );
}

const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
]);

function copyHeaders(headers: Headers, secrets: readonly string[]): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, item] of headers.entries()) {
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) continue;
    copy[name] = redactSecrets(String(item), secrets);
  }
  return copy;
}
