import {
  isCredentialHeader,
  MIN_KEY_LENGTH,
  REDACTED,
  redactKeyShapes,
  redactSecrets,
} from './redact-secrets.ts';

// Bounds of the walk: an error's cause may be any object (a fetch implementation's request, a
// library's response), even a cyclic or enormous one. Past these bounds nothing is checked, so
// nothing is kept: the rest is replaced by UNCHECKED (fail closed), never passed through.
const MAX_DEPTH = 24;
const MAX_NODES = 10_000;

/**
 * What replaces a part of a value the walk did not check: nested deeper than 24 levels, past the
 * first 10,000 objects, or unreadable (a Promise's result, a WeakMap's entries).
 */
export const UNCHECKED = '[redacted: not checked for secrets]';

// util.inspect's hook, without importing node:util into code that runs in browsers too.
// why (brand): Node's own registered key.
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

type Budget = { nodes: number };

/**
 * Returns `value` without any of `secrets`: the value itself when none occurs in it (the common
 * case: nothing is copied), otherwise a copy in which every string that held one has it replaced
 * by `[redacted]`.
 *
 * Made for errors and what they carry, since an error is printed whole (`util.inspect` with
 * `showHidden`, a logger's `err` serializer, `JSON.stringify`). Walked: own properties of every
 * kind (non-enumerable, symbol-keyed, getters; property names too), `cause` chains, arrays,
 * `Map` and `Set` entries, `Headers`, `Request` and `Response` (their URL and headers), `URL`,
 * `URLSearchParams`, `RegExp` sources and binary buffers. A copied error keeps its prototype and
 * every own property, so `instanceof`, `isInstance` and `toJSON` still work on it; a `Headers`,
 * `Request` or `Response` becomes plain data without its credential headers; another class
 * instance with its own `toJSON` or inspect hook becomes plain data (the hook could print state
 * the walk cannot see).
 *
 * Fails closed: what the walk cannot check (deeper than 24 levels, past 10,000 objects, a
 * Promise, a WeakMap, a property that throws) is replaced by {@link UNCHECKED} as soon as any part
 * of the value needs a copy, and makes a copy needed. Never mutates `value` and never throws.
 * @internal
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const active = secrets.filter((secret) => secret.length >= MIN_KEY_LENGTH);
  if (active.length === 0) return value;
  if (!mayHoldSecret(value, active, 0, new Set(), { nodes: 0 })) return value;
  return copyWithout(value, active, 0, new Map(), { nodes: 0 }) as T;
}

function holds(text: string, secrets: readonly string[]): boolean {
  // A Google key or token by its shape, whoever's (`redactKeyShapes`).
  if (redactKeyShapes(text) !== text) return true;
  for (const secret of secrets) if (text.includes(secret)) return true;
  return false;
}

/** True when `value` holds a secret, or may hold one the walk could not check. */
function mayHoldSecret(
  value: unknown,
  secrets: readonly string[],
  depth: number,
  seen: Set<object>,
  budget: Budget,
): boolean {
  if (typeof value === 'string') return holds(value, secrets);
  if (typeof value === 'symbol') return holds(value.description ?? '', secrets);
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  if (seen.has(value)) return false;
  if (depth > MAX_DEPTH || ++budget.nodes > MAX_NODES) return true;
  seen.add(value);
  const next = (item: unknown): boolean => mayHoldSecret(item, secrets, depth + 1, seen, budget);
  try {
    switch (kindOf(value)) {
      case 'unreadable':
      case 'request':
      case 'custom':
        return true;
      case 'opaque':
        return false;
      case 'map':
        for (const [key, item] of value as Map<unknown, unknown>) {
          if (next(key) || next(item)) return true;
        }
        break;
      case 'set':
        for (const item of value as Set<unknown>) if (next(item)) return true;
        break;
      case 'headers':
        for (const [name, item] of (value as Headers).entries()) {
          if (isCredentialHeader(name) || holds(name, secrets) || holds(item, secrets)) return true;
        }
        return false;
      case 'text':
        return holds(String(value), secrets);
      case 'regexp':
        return holds((value as RegExp).source, secrets);
      case 'binary':
        return binaryHolds(value as ArrayBuffer | ArrayBufferView, secrets);
      default:
        break;
    }
    for (const key of Reflect.ownKeys(value)) {
      if (next(key) || next(readOwn(value, key))) return true;
    }
  } catch {
    // A proxy or an exotic object that refuses to be listed: what it holds cannot be checked.
    return true;
  }
  return false;
}

function copyWithout(
  value: unknown,
  secrets: readonly string[],
  depth: number,
  copies: Map<object, unknown>,
  budget: Budget,
): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (typeof value === 'symbol') {
    return holds(value.description ?? '', secrets)
      ? Symbol(redactSecrets(value.description ?? '', secrets))
      : value;
  }
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (depth > MAX_DEPTH || ++budget.nodes > MAX_NODES) return UNCHECKED;
  const next = (item: unknown): unknown => copyWithout(item, secrets, depth + 1, copies, budget);
  try {
    switch (kindOf(value)) {
      case 'unreadable':
        return UNCHECKED;
      case 'opaque':
        return value;
      case 'map': {
        const copy = new Map<unknown, unknown>();
        copies.set(value, copy);
        for (const [key, item] of value as Map<unknown, unknown>) copy.set(next(key), next(item));
        return copy;
      }
      case 'set': {
        const copy = new Set<unknown>();
        copies.set(value, copy);
        for (const item of value as Set<unknown>) copy.add(next(item));
        return copy;
      }
      case 'headers':
        return copyHeaders(value as Headers, secrets);
      case 'request': {
        // Its URL, method and headers live in internal slots; a plain summary keeps what helps.
        const { url, method, status, headers } = value as Partial<Request & Response>;
        const copy: Record<string, unknown> = {};
        if (typeof method === 'string') copy['method'] = method;
        if (typeof status === 'number') copy['status'] = status;
        if (typeof url === 'string') copy['url'] = redactSecrets(url, secrets);
        if (headers !== undefined) copy['headers'] = copyHeaders(headers, secrets);
        return copy;
      }
      case 'text': {
        const text = String(value);
        return holds(text, secrets) ? redactSecrets(text, secrets) : value;
      }
      case 'regexp': {
        const regexp = value as RegExp;
        return holds(regexp.source, secrets)
          ? new RegExp(redactSecrets(regexp.source, secrets), regexp.flags)
          : value;
      }
      case 'binary':
        return binaryHolds(value as ArrayBuffer | ArrayBufferView, secrets) ? REDACTED : value;
      case 'function':
        // A function cannot be copied; one whose properties hold a secret is left out.
        return mayHoldSecret(value, secrets, depth, new Set(), { nodes: budget.nodes })
          ? UNCHECKED
          : value;
      default:
        break;
    }
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      copies.set(value, items);
      for (const item of value) items.push(next(item));
      return items;
    }
    // Errors (a real Error underneath, so it still prints as one) and plain data keep their
    // prototype; another class instance becomes plain data, as a copy made without its
    // constructor could break its internal slots, and its toJSON or inspect hook could print
    // state that was never checked.
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
      Object.defineProperty(copy, next(key) as PropertyKey, {
        value: next(item),
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

type Kind =
  | 'map'
  | 'set'
  | 'headers'
  | 'request'
  | 'text'
  | 'regexp'
  | 'binary'
  | 'opaque'
  | 'unreadable'
  | 'custom'
  | 'function'
  | 'object';

/**
 * How the walk treats an object. By `Symbol.toStringTag` and duck typing, not `instanceof`: a
 * `Headers` or `Request` of another realm or fetch implementation (undici, node-fetch) fails it.
 */
function kindOf(value: object): Kind {
  if (typeof value === 'function') return 'function';
  const tag = Object.prototype.toString.call(value);
  switch (tag) {
    case '[object Map]':
      return 'map';
    case '[object Set]':
      return 'set';
    case '[object Headers]':
      return 'headers';
    case '[object Request]':
    case '[object Response]':
      return 'request';
    case '[object URL]':
    case '[object URLSearchParams]':
      return 'text';
    case '[object RegExp]':
      return 'regexp';
    case '[object Date]':
      return 'opaque';
    // Their contents cannot be read here, yet util.inspect shows them (a Promise's result; a
    // WeakMap's entries under showHidden).
    case '[object Promise]':
    case '[object WeakMap]':
    case '[object WeakSet]':
    case '[object WeakRef]':
      return 'unreadable';
    default:
      break;
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return 'binary';
  if (isHeadersLike(value)) return 'headers';
  if (hasCustomRendering(value)) return 'custom';
  return 'object';
}

/** A class instance (not an error, not plain data) that prints itself. */
function hasCustomRendering(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === null || prototype === Object.prototype || Array.isArray(value)) return false;
  if (Object.prototype.toString.call(value) === '[object Error]') return false;
  const record = value as Record<PropertyKey, unknown>;
  return typeof record[INSPECT] === 'function' || typeof record['toJSON'] === 'function';
}

function binaryHolds(value: ArrayBuffer | ArrayBufferView, secrets: readonly string[]): boolean {
  // TextDecoder, not Buffer: browsers and Workers have none, and the throw made every binary
  // value `[redacted]` there (attack25). Exact: an ASCII byte always decodes to itself, and a
  // UTF-8 secret starts on no continuation byte, so a broken sequence before it ends before it.
  return holds(new TextDecoder().decode(value), secrets);
}

function readOwn(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Duck-typed: a `Headers` of another fetch implementation may carry another tag. */
function isHeadersLike(value: object): value is Headers {
  return (
    typeof (value as Headers).get === 'function' &&
    typeof (value as Headers).entries === 'function' &&
    typeof (value as Headers).has === 'function' &&
    typeof (value as Headers).append === 'function'
  );
}

function copyHeaders(headers: Headers, secrets: readonly string[]): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, item] of headers.entries()) {
    if (isCredentialHeader(name)) continue;
    copy[redactSecrets(name, secrets)] = redactSecrets(String(item), secrets);
  }
  return copy;
}
