import type { GenerateContentResponse } from '@gemloop/core/wire';

/**
 * What a streamed model step records (issue 53, store-step42): each chunk as what changed from the
 * chunk before it, and the parts' texts joined once. A chunk's envelope (`usageMetadata`,
 * `modelVersion`, `responseId`, the candidate's shell) repeats on every chunk of a stream, and a
 * chunk's text is a few dozen characters: stored whole, the record was ~8 × the turn. It unpacks
 * to chunks deep-equal to those the client returned, keys in their order, so a replay hands the
 * agent the same chunks (the same deltas at the same indices, the same fold, usage and cost).
 * A record of an older version is the chunks' array, replayed as it is.
 * @internal
 */
export type PackedChunks = {
  /** The format's version. */
  packedChunks: 1;
  /** Every part's text, in order, joined. */
  text: string;
  /** The places a chunk changes (keys, and indices of arrays), each named once. */
  paths: Key[][];
  /**
   * Each chunk as the places where it differs from the one before it (the first from `{}`), and
   * their values: `[path, value, path, value, …]`, a path by its index in `paths`, the empty
   * path the whole chunk. A part's text is its length. An object that lost a key or whose keys
   * come in another order is a value whole; a new key is set last, as it comes.
   */
  patches: unknown[][];
};

type Key = string | number;

type Json = Record<string, unknown>;

/** The record of a stream's chunks: packed, or the chunks as they are when a text is not a string. @internal */
export function packChunks(
  chunks: readonly GenerateContentResponse[],
): PackedChunks | readonly GenerateContentResponse[] {
  const texts: string[] = [];
  const holed: Json[] = [];
  for (const chunk of chunks) {
    const each = withTextLengths(chunk, texts);
    if (each === undefined) return chunks;
    holed.push(each);
  }
  if (holed.length === 0) return chunks;
  const paths: Key[][] = [];
  const ids = new Map<string, number>();
  const idOf = (path: Key[]): number => {
    const name = JSON.stringify(path);
    let id = ids.get(name);
    if (id === undefined) {
      id = paths.push([...path]) - 1;
      ids.set(name, id);
    }
    return id;
  };
  let previous: Json = {};
  const patches = holed.map((chunk) => {
    const ops: unknown[] = [];
    diff(previous, chunk, [], (path, value) => ops.push(idOf(path), value));
    previous = chunk;
    return ops;
  });
  return { packedChunks: 1, text: texts.join(''), paths, patches };
}

/** The chunks a record holds, in either shape (a malformed packed record throws). @internal */
export function unpackChunks(
  record: PackedChunks | readonly GenerateContentResponse[],
): GenerateContentResponse[] {
  if (Array.isArray(record)) return record as GenerateContentResponse[];
  const { text, paths, patches } = record as PackedChunks;
  if (typeof text !== 'string' || !Array.isArray(paths) || !Array.isArray(patches)) {
    throw new TypeError('a model step record of an unknown shape');
  }
  let at = 0;
  let current: unknown = {};
  return patches.map((ops) => {
    if (!Array.isArray(ops)) throw new TypeError('a model step record of an unknown shape');
    for (let index = 0; index < ops.length; index += 2) {
      const path = paths[ops[index] as number];
      if (!Array.isArray(path)) throw new TypeError('a model step record of an unknown shape');
      // A copy: the working chunk changes at the next chunk's places, the record never.
      const value = copyOf(ops[index + 1]);
      if (value === NOT_DATA) throw new TypeError('a model step record of an unknown shape');
      current = setAt(current, path, value);
    }
    const chunk = copyOf(current) as Json;
    forEachTextPart(chunk, (part) => {
      const length = part['text'] as number;
      part['text'] = text.slice(at, at + length);
      at += length;
    });
    return chunk as GenerateContentResponse;
  });
}

/** A copy of the chunk whose parts' texts are their lengths (pushed to `texts`); none for a non-string text. */
function withTextLengths(chunk: GenerateContentResponse, texts: string[]): Json | undefined {
  // Not plain data (no client makes such a chunk): recorded as it is, as before.
  const copy = copyOf(chunk);
  if (!isPlain(copy)) return undefined;
  let plain = true;
  forEachTextPart(copy, (part) => {
    const text = part['text'];
    if (typeof text !== 'string') {
      plain = false;
      return;
    }
    texts.push(text);
    part['text'] = text.length;
  });
  return plain ? copy : undefined;
}

/** Each part of each candidate's content that has a `text` key. */
function forEachTextPart(chunk: Json, each: (part: Json) => void): void {
  const candidates = chunk['candidates'];
  if (!Array.isArray(candidates)) return;
  for (const candidate of candidates) {
    const parts =
      isPlain(candidate) && isPlain(candidate['content']) && candidate['content']['parts'];
    if (!Array.isArray(parts)) continue;
    for (const part of parts) if (isPlain(part) && Object.hasOwn(part, 'text')) each(part);
  }
}

/** The places `next` differs from `previous`, with their values (the order of keys kept). */
function diff(
  previous: unknown,
  next: unknown,
  path: Key[],
  emit: (path: Key[], value: unknown) => void,
): void {
  if (equal(previous, next)) return;
  if (Array.isArray(previous) && Array.isArray(next) && previous.length === next.length) {
    for (let index = 0; index < next.length; index++) {
      diff(previous[index], next[index], [...path, index], emit);
    }
    return;
  }
  if (!isPlain(previous) || !isPlain(next) || !keepsOrder(previous, next)) {
    emit(path, next);
    return;
  }
  for (const key of Object.keys(next)) {
    if (Object.hasOwn(previous, key)) diff(previous[key], next[key], [...path, key], emit);
    else emit([...path, key], next[key]);
  }
}

/** Whether `next` has every key of `previous`, in its order, the new ones after them. */
function keepsOrder(previous: Json, next: Json): boolean {
  const before = Object.keys(previous);
  const after = Object.keys(next);
  return before.every((key, index) => after[index] === key);
}

/** `value` at `path` of `root` (changed in place), the root itself for the empty path. */
function setAt(root: unknown, path: Key[], value: unknown): unknown {
  if (path.length === 0) return value;
  let object = root as Record<Key, unknown>;
  for (const key of path.slice(0, -1)) {
    const inner = object[key];
    if (typeof inner !== 'object' || inner === null || !Object.hasOwn(object, key)) {
      throw new TypeError('a model step record of an unknown shape');
    }
    object = inner as Record<Key, unknown>;
  }
  set(object, path[path.length - 1] as Key, value);
  return root;
}

/** Not data: a function, a symbol, a bigint, an object of a class. */
// why (sentinel): compared by identity inside this module, carries nothing.
const NOT_DATA: unique symbol = Symbol('not data');

/** A copy of data (plain objects, arrays, own keys, `__proto__` too); `NOT_DATA` for anything else. */
function copyOf(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_DATA;
  }
  if (Array.isArray(value)) {
    const copy = value.map(copyOf);
    return copy.includes(NOT_DATA) ? NOT_DATA : copy;
  }
  if (!isPlain(value)) return NOT_DATA;
  const copy: Json = {};
  for (const key of Object.keys(value)) {
    const inner = copyOf(value[key]);
    if (inner === NOT_DATA) return NOT_DATA;
    set(copy, key, inner);
  }
  return copy;
}

/** Deep equality of data, its keys in the same order. */
function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    if (others[index] !== key) return false;
    if (!equal((a as Json)[key], (b as Json)[key])) return false;
  }
  return true;
}

/** An own key, `__proto__` too (a gateway's JSON may hold one), never the prototype. */
function set(object: object, key: Key, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

function isPlain(value: unknown): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
