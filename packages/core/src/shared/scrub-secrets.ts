import {
  isCredentialHeader,
  isMediaData,
  MIN_KEY_LENGTH,
  REDACTED,
  redactKeyShapes,
  redactSecrets,
  redactSecretValues,
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

/**
 * The long texts found clean for one list of secrets, by the object and property that held each
 * (made by `createScanMemo`, shared/scan-memo.ts): `has` only while that property holds the same
 * text. @internal
 */
export type CleanTexts = {
  has(holder: object, key: PropertyKey, text: string): boolean;
  add(holder: object, key: PropertyKey, text: string): void;
};

/**
 * Texts a scan found without any secret, to be scanned once however often they are met: a door
 * walks each event and the result of a send, and a long thread's texts are in several of them
 * (a step's response, the run's end, the result's history), and again at the thread's next send
 * when its turns are the same objects (a memory store's). Kept per list of secrets (a text clean
 * of one list may hold a key of another). Made by `createScanMemo` (shared/scan-memo.ts, outside
 * the agent app's bundle: no run calls `scrubSecrets` unless it fails); given to `scrubSecrets`
 * by the doors' key filter (`keylessEvents`), and, through {@link HeldText}, to the client's
 * redactor by an observed run's key walk (telemetry/redact-key-observation.ts). @internal
 */
export type ScanMemo = {
  cleanTexts(secrets: readonly string[]): CleanTexts;
  /**
   * `text`, held at `holder[key]`, without `secrets` (those of {@link MIN_KEY_LENGTH} or more:
   * `scrubSecrets` with a {@link HeldText}): itself when found clean before, else scanned and
   * remembered when clean. Here, in the memo's own file, so the agent app's main chunk does not
   * carry it (only observed runs hand texts so).
   */
  heldText(text: string, secrets: readonly string[], holder: object, key: PropertyKey): string;
  /** The characters scanned for secrets with this memo so far (what tests and probes count). */
  scannedChars: number;
};

/**
 * Where a text handed alone to a redactor is held (`holder[key]`), and the memo of the texts found
 * clean there: an observed run's key walk (telemetry/redact-key-observation.ts) hands the client's
 * redactor each string on its own, so the holder that a {@link ScanMemo} is keyed by comes with it.
 * @internal
 */
export type HeldText = {
  readonly memo: ScanMemo;
  readonly holder: object;
  readonly key: PropertyKey;
};

/** What one scan may still walk, and the memo it counts on. @internal */
export type Budget = {
  nodes: number;
  readonly memo?: ScanMemo | undefined;
  readonly clean?: CleanTexts | undefined;
};

/**
 * The scan of one text for `secrets` and (unless `shapes` is false: a media part's base64,
 * `isMediaData`) key shapes, counted on the memo. @internal
 */
export function scan(
  text: string,
  secrets: readonly string[],
  budget: Budget,
  shapes = true,
): boolean {
  if (budget.memo) budget.memo.scannedChars += text.length;
  // A Google key or token by its shape, whoever's (`redactKeyShapes`).
  if (shapes && redactKeyShapes(text) !== text) return true;
  for (const secret of secrets) if (text.includes(secret)) return true;
  return false;
}

/** `holder[key]` holds a secret: the scan of the text there, remembered when it is clean. */
function holdsAt(
  text: string,
  secrets: readonly string[],
  budget: Budget,
  holder: object,
  key: PropertyKey,
): boolean {
  const { clean } = budget;
  if (clean?.has(holder, key, text)) return false;
  if (scan(text, secrets, budget, !isMediaData(holder, key))) return true;
  clean?.add(holder, key, text);
  return false;
}

/** `holder[key]`'s text without the secrets (itself when clean, then remembered as such). */
function textAt(
  text: string,
  secrets: readonly string[],
  budget: Budget,
  holder: object,
  key: PropertyKey,
): string {
  const { clean } = budget;
  if (clean?.has(holder, key, text)) return text;
  if (budget.memo) budget.memo.scannedChars += text.length;
  const without = isMediaData(holder, key)
    ? redactSecretValues(text, secrets)
    : redactSecrets(text, secrets);
  if (without === text) clean?.add(holder, key, text);
  return without;
}

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
 *
 * `memo` ({@link ScanMemo}): the long texts found clean by earlier calls, not scanned again while
 * the same object's property holds the same text (a door's events and results of one thread).
 * `held` ({@link HeldText}): for a string `value`, where it is held and the memo to skip it by.
 * @internal
 */
export function scrubSecrets<T>(
  value: T,
  secrets: readonly string[],
  memo?: ScanMemo,
  held?: HeldText,
): T {
  // Before the list is filtered: the memo keeps it filtered (an observed run hands its redactor
  // each string and property name of each record on its own, most of them found clean before).
  if (held !== undefined && typeof value === 'string') {
    return held.memo.heldText(value, secrets, held.holder, held.key) as T;
  }
  const active = secrets.filter((secret) => secret.length >= MIN_KEY_LENGTH);
  if (active.length === 0) return value;
  const clean = memo?.cleanTexts(active);
  if (!mayHoldSecret(value, active, 0, new Set(), { nodes: 0, clean, memo })) return value;
  return copyWithout(value, active, 0, new Map(), { nodes: 0, clean, memo }) as T;
}

/** True when `value` holds a secret, or may hold one the walk could not check. */
function mayHoldSecret(
  value: unknown,
  secrets: readonly string[],
  depth: number,
  seen: Set<object>,
  budget: Budget,
): boolean {
  if (typeof value === 'string') return scan(value, secrets, budget);
  if (typeof value === 'symbol') return scan(value.description ?? '', secrets, budget);
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
          if (
            isCredentialHeader(name) ||
            scan(name, secrets, budget) ||
            scan(item, secrets, budget)
          )
            return true;
        }
        return false;
      case 'text':
        return scan(String(value), secrets, budget);
      case 'regexp':
        return scan((value as RegExp).source, secrets, budget);
      case 'binary':
        return binaryHolds(value as ArrayBuffer | ArrayBufferView, secrets, budget);
      default:
        break;
    }
    for (const key of Reflect.ownKeys(value)) {
      if (next(key)) return true;
      const item = readOwn(value, key);
      if (typeof item === 'string' ? holdsAt(item, secrets, budget, value, key) : next(item)) {
        return true;
      }
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
  if (typeof value === 'string') {
    if (budget.memo) budget.memo.scannedChars += value.length;
    return redactSecrets(value, secrets);
  }
  if (typeof value === 'symbol') {
    return scan(value.description ?? '', secrets, budget)
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
        return scan(text, secrets, budget) ? redactSecrets(text, secrets) : value;
      }
      case 'regexp': {
        const regexp = value as RegExp;
        return scan(regexp.source, secrets, budget)
          ? new RegExp(redactSecrets(regexp.source, secrets), regexp.flags)
          : value;
      }
      case 'binary':
        return binaryHolds(value as ArrayBuffer | ArrayBufferView, secrets, budget)
          ? REDACTED
          : value;
      case 'function':
        // A function cannot be copied; one whose properties hold a secret is left out.
        return mayHoldSecret(value, secrets, depth, new Set(), { ...budget }) ? UNCHECKED : value;
      default:
        break;
    }
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      copies.set(value, items);
      // A text found clean (by the check, or by an earlier call with the memo) is itself.
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        items.push(
          typeof item === 'string'
            ? textAt(item, secrets, budget, value, String(index))
            : next(item),
        );
      }
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
        value: typeof item === 'string' ? textAt(item, secrets, budget, value, key) : next(item),
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

function binaryHolds(
  value: ArrayBuffer | ArrayBufferView,
  secrets: readonly string[],
  budget: Budget,
): boolean {
  // TextDecoder, not Buffer: browsers and Workers have none, and the throw made every binary
  // value `[redacted]` there (attack25). Exact: an ASCII byte always decodes to itself, and a
  // UTF-8 secret starts on no continuation byte, so a broken sequence before it ends before it.
  return scan(new TextDecoder().decode(value), secrets, budget);
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
