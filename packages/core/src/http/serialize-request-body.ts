import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { GenerateContentBody } from '../wire/request.ts';

/**
 * The key under which an owner of a request's history hands the client a
 * {@link ContentJsonCache}: a symbol, so `for...in`, `JSON.stringify`, option checks and the
 * body builder never see it. @internal
 */
export const CONTENT_JSON_CACHE: unique symbol = Symbol('gemloop.contentJsonCache');

/** What a {@link ContentJsonCache} keeps of one content: its JSON, and what it looked like then. */
type CachedContent = {
  json: string;
  role: unknown;
  parts: unknown;
  /** The part objects as they were (a copy of the parts array), so a replaced part is seen. */
  partRefs: readonly unknown[];
};

/**
 * The JSON of contents already sent in one agent run, so that each step serialises only the turns
 * added since the last one (a tool loop resends the whole history every step, and the history is
 * the bulk of the request: `JSON.stringify` of it was gemloop's largest function per step).
 *
 * A content is serialised again when it is another object, or when it has another role, another
 * parts array, or another part object at any index; a field edited inside a part object in place
 * is not seen. That is why only a run's own tracker makes one, for the run's length: the run
 * appends whole contents and never edits one it sent, and nothing outside the run can reach a
 * cache (the next run starts a new one, so a history edited in place between runs is sent as it
 * is now). Made by {@link createContentJsonCache}. @internal
 */
export type ContentJsonCache = WeakMap<object, CachedContent>;

/** A new, empty {@link ContentJsonCache}. @internal */
export function createContentJsonCache(): ContentJsonCache {
  return new WeakMap();
}

/**
 * Serialises a `generateContent` body once, before the first attempt: the same bytes as
 * `JSON.stringify(body)`, with the JSON of the contents taken from `cache` where it holds an
 * unchanged copy. A value JSON cannot hold (a cycle, a BigInt) is the caller's error.
 * @throws {@link InvalidArgumentError} naming why the request cannot be JSON.
 * @internal
 */
export function serializeRequestBody(body: unknown, cache?: ContentJsonCache | undefined): string {
  try {
    return cache === undefined
      ? JSON.stringify(body)
      : serializeWithCache(body as GenerateContentBody, cache);
  } catch (cause) {
    throw new InvalidArgumentError({
      argument: 'request',
      message: `request cannot be sent as JSON: ${cause instanceof Error ? cause.message : String(cause)}. Remove cycles and BigInt values.`,
      cause,
    });
  }
}

/**
 * `JSON.stringify(body)` spelled out for the body `buildGenerateContentBody` makes: its other
 * fields in their order, then `contents`, then `systemInstruction` (the builder's order, which this
 * relies on: the bytes must not depend on whether a cache was used).
 */
function serializeWithCache(body: GenerateContentBody, cache: ContentJsonCache): string {
  const contents: unknown = body.contents;
  // An array with a toJSON of its own serialises through it; leave such a thing to JSON.stringify.
  if (!Array.isArray(contents) || (contents as { toJSON?: unknown }).toJSON !== undefined) {
    return JSON.stringify(body);
  }
  const rest: Record<string, unknown> = {};
  for (const key in body) {
    if (key !== 'contents' && key !== 'systemInstruction' && Object.hasOwn(body, key)) {
      rest[key] = (body as Record<string, unknown>)[key];
    }
  }
  const head = JSON.stringify(rest);
  let json = head.length === 2 ? '{"contents":[' : `${head.slice(0, -1)},"contents":[`;
  for (let index = 0; index < contents.length; index++) {
    if (index > 0) json += ',';
    json += contentJson(contents[index], cache);
  }
  json += ']';
  const { systemInstruction } = body;
  if (systemInstruction !== undefined) {
    const instruction: string | undefined = JSON.stringify(systemInstruction);
    if (instruction !== undefined) json += `,"systemInstruction":${instruction}`;
  }
  return `${json}}`;
}

/** One element of the contents array, as `JSON.stringify` writes an array element. */
function contentJson(content: unknown, cache: ContentJsonCache): string {
  if (typeof content !== 'object' || content === null) return JSON.stringify(content) ?? 'null';
  const { role, parts } = content as { role?: unknown; parts?: unknown };
  const cached = cache.get(content);
  if (cached !== undefined && isUnchanged(cached, role, parts)) return cached.json;
  // An element that serialises to nothing (a toJSON returning undefined) is `null` in an array.
  const json: string = JSON.stringify(content) ?? 'null';
  cache.set(content, {
    json,
    role,
    parts,
    partRefs: Array.isArray(parts) ? parts.slice() : [],
  });
  return json;
}

function isUnchanged(cached: CachedContent, role: unknown, parts: unknown): boolean {
  if (cached.role !== role || cached.parts !== parts || !Array.isArray(parts)) return false;
  const refs = cached.partRefs;
  if (refs.length !== parts.length) return false;
  for (let index = 0; index < refs.length; index++) if (refs[index] !== parts[index]) return false;
  return true;
}
