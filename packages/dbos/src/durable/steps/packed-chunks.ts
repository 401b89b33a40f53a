import { isDeepStrictEqual } from 'node:util';
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
  /** Each chunk as a patch of the one before it (the first of `{}`); a text is its length. */
  patches: Patch[];
};

/**
 * An object as a patch of the previous one: `v` the keys whose values changed or are new, `d` the
 * plain objects patched in turn, `x` the keys gone, `o` the keys' order when it is not the
 * previous object's (the new ones last). Any key in none of them is the previous value.
 */
type Patch = { v?: Record<string, unknown>; d?: Record<string, Patch>; x?: string[]; o?: string[] };

type Json = Record<string, unknown>;

/** The record of a stream's chunks: packed, or the chunks as they are when a text is not a string. */
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
  let previous: Json = {};
  const patches = holed.map((chunk) => {
    const patch = patchOf(previous, chunk);
    previous = chunk;
    return patch;
  });
  return { packedChunks: 1, text: texts.join(''), patches };
}

/** The chunks a record holds, in either shape (a malformed packed record throws). */
export function unpackChunks(
  record: PackedChunks | readonly GenerateContentResponse[],
): GenerateContentResponse[] {
  if (Array.isArray(record)) return record as GenerateContentResponse[];
  const { text, patches } = record as PackedChunks;
  if (typeof text !== 'string' || !Array.isArray(patches)) {
    throw new TypeError('a model step record of an unknown shape');
  }
  let at = 0;
  let previous: Json = {};
  return patches.map((patch) => {
    const holed = applyPatch(previous, patch);
    previous = holed;
    const chunk = structuredClone(holed);
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
  const copy = structuredClone(chunk) as Json;
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
    const parts = isPlain(candidate) && isPlain(candidate['content']) && candidate['content']['parts'];
    if (!Array.isArray(parts)) continue;
    for (const part of parts) if (isPlain(part) && Object.hasOwn(part, 'text')) each(part);
  }
}

function patchOf(previous: Json, next: Json): Patch {
  const patch: Patch = {};
  const natural: string[] = [];
  for (const key of Object.keys(previous)) {
    if (!Object.hasOwn(next, key)) (patch.x ??= []).push(key);
    else natural.push(key);
  }
  for (const key of Object.keys(next)) {
    const before = previous[key];
    const after = next[key];
    if (!Object.hasOwn(previous, key)) {
      set((patch.v ??= {}), key, after);
      natural.push(key);
    } else if (isDeepStrictEqual(before, after)) {
      continue;
    } else if (isPlain(before) && isPlain(after)) {
      set((patch.d ??= {}), key, patchOf(before, after));
    } else {
      set((patch.v ??= {}), key, after);
    }
  }
  const order = Object.keys(next);
  if (!isDeepStrictEqual(order, natural)) patch.o = order;
  return patch;
}

function applyPatch(previous: Json, patch: Patch): Json {
  if (!isPlain(patch)) throw new TypeError('a model step record of an unknown shape');
  const gone = new Set(patch.x ?? []);
  const added = Object.keys(patch.v ?? {}).filter((key) => !Object.hasOwn(previous, key));
  const order = patch.o ?? [...Object.keys(previous).filter((key) => !gone.has(key)), ...added];
  const next: Json = {};
  for (const key of order) {
    if (patch.v !== undefined && Object.hasOwn(patch.v, key)) set(next, key, patch.v[key]);
    else if (patch.d !== undefined && Object.hasOwn(patch.d, key)) {
      set(next, key, applyPatch(previous[key] as Json, patch.d[key] as Patch));
    } else set(next, key, previous[key]);
  }
  return next;
}

/** An own key, `__proto__` too (a gateway's JSON may hold one), never the prototype. */
function set(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

function isPlain(value: unknown): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
