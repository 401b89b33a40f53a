// How a generateContent body is written, and what a request's owner may hand the client with it
// (through `ModelCallInput.bodyCache`, model-call-entry.ts) so that only what is new is serialised
// and checked: part of the client's contract with the agent, so the agent may import this file
// (see .dependency-cruiser.mjs, core-http-contract).
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import type { ResolvedCallOptions } from './options/resolve-call-options.ts';

/** What a {@link ContentJsonCache} keeps of one content: its JSON, and what it looked like then. @internal */
export type CachedContent = {
  json: string;
  role: unknown;
  parts: unknown;
  /** The part objects as they were (a copy of the parts array), so a replaced part is seen. */
  partRefs: readonly unknown[];
};

/**
 * The JSON of what one agent run already sent (and the run's call options and model name as a
 * call of the run checked them), so that each step serialises only the turns added
 * since the last one (a tool loop resends the whole history, the tool declarations and the
 * configuration every step: `JSON.stringify` of it was gemloop's largest function per step).
 *
 * A content is serialised again when it is another object, or when it has another role, another
 * parts array, or another part object at any index; the other fields of the request (tools,
 * configuration, system instruction) when they are other objects. A field edited inside one of
 * these objects in place is not seen. That is why only a run's own tracker makes one, for the
 * run's length: the run appends whole contents, never edits one it sent, and its configuration is
 * the agent's own; nothing outside the run can reach the cache (the next run starts a new one, so
 * a history edited in place between runs is sent as it is now). @internal
 */
export class ContentJsonCache {
  readonly contents: WeakMap<object, CachedContent> = new WeakMap();
  readonly values: WeakMap<object, string> = new WeakMap();
  /**
   * The run's call options once a call of the run checked them, when they are a frozen object
   * (the agent freezes the run's own, `modelCallOptions`): a frozen object cannot have changed
   * since, so the run's later calls skip the strict check of their keys and values.
   */
  checkedCallOptions: object | undefined = undefined;
  /**
   * The request `tools` the run's calls last resolved `checkedCallOptions` with, and that resolved
   * object (the client's settings merged, the tools' credentials among its secrets): a later call
   * with the same two takes it as it is. Tools edited in place are not seen, as for their JSON.
   */
  callTools: unknown = undefined;
  resolvedCall: ResolvedCallOptions | undefined = undefined;
  /**
   * The model name a call of the run last made a path of, and that path: a run asks for the same
   * model every step, and checking the name took three regular expressions a call (1,051
   * instructions of a streamed agent step, callgrind, helper step-cpu3).
   */
  model: string | undefined = undefined;
  modelPath = '';
  /**
   * The contents array the request's check last walked, the objects of its leading run of
   * contents found unchanged here, and their JSON joined: the serialiser that follows takes that
   * prefix as it is when the array still holds those objects, where it looked each up again (one
   * lookup and one comparison of each content's parts a content a step fewer; helper step-run4).
   * Taken once: set by the check, cleared by the serialiser.
   */
  checked: unknown = undefined;
  readonly prefix: object[] = [];
  prefixJson = '';
}

/** A new, empty {@link ContentJsonCache}. @internal */
export function createContentJsonCache(): ContentJsonCache {
  return new ContentJsonCache();
}

/**
 * Serialises a `generateContent` body once, before the first attempt: the same bytes as
 * `JSON.stringify(body)`, with the JSON of the leading contents the request's check found
 * unchanged in `cache` taken from it (`ContentJsonCache.checked`). A value JSON cannot hold (a
 * cycle, a BigInt, nesting too deep for the stack) is the caller's error.
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
      message: `request cannot be sent as JSON: ${describeFailure(cause)}`,
      cause,
    });
  }
}

/**
 * Why `JSON.stringify` failed, and what to do. A stack overflow is a value nested too deeply:
 * `JSON.stringify` recurses, `JSON.parse` does not, so arguments a model or gateway sent (parsed at
 * any depth) can come back in the history that no request can carry.
 */
function describeFailure(cause: unknown): string {
  if (cause instanceof RangeError && /call stack/i.test(cause.message)) {
    return (
      `it is nested too deeply for JSON.stringify (${cause.message}). The history likely holds ` +
      'a value nested thousands of levels deep, such as function call arguments a model or ' +
      'gateway sent: remove or replace that turn before the next request.'
    );
  }
  return `${cause instanceof Error ? cause.message : String(cause)}. Remove cycles and BigInt values.`;
}

/**
 * `JSON.stringify(body)` spelled out, field by field in the body's own order, with the JSON of
 * objects the run already sent taken from the cache (the contents' from the check's prefix).
 * Anything with a `toJSON` of its own (which `JSON.stringify` calls with the key it is under) is
 * left to `JSON.stringify` whole.
 */
function serializeWithCache(body: GenerateContentBody, cache: ContentJsonCache): string {
  let json = '{';
  for (const key in body) {
    if (!Object.hasOwn(body, key)) continue;
    const value: unknown = (body as Record<string, unknown>)[key];
    let valueJson: string | undefined;
    // `toJSON` read in place at both spots, not through a helper: −1.3 calls a step (V8 precise
    // coverage, the bench's default agent, helper step-run3).
    if (typeof value !== 'object' || value === null) valueJson = JSON.stringify(value);
    else if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
      return JSON.stringify(body);
    else if (key === 'contents' && Array.isArray(value)) {
      valueJson = '[';
      let index = takePrefix(cache, value);
      if (index > 0) valueJson += cache.prefixJson;
      for (; index < value.length; index++) {
        const content = contentJson(value[index], cache.contents);
        if (content === undefined) return JSON.stringify(body);
        valueJson += index === 0 ? content : `,${content}`;
      }
      valueJson += ']';
    } else {
      valueJson = cache.values.get(value);
      if (valueJson === undefined) {
        valueJson = JSON.stringify(value);
        cache.values.set(value, valueJson);
      }
    }
    // A field JSON cannot write (a function, undefined) is left out, as JSON.stringify does.
    if (valueJson === undefined) continue;
    json +=
      json.length === 1
        ? `${JSON.stringify(key)}:${valueJson}`
        : `,${JSON.stringify(key)}:${valueJson}`;
  }
  return `${json}}`;
}

/**
 * How many leading contents of `contents` the serialiser takes from the check's prefix: all of
 * them when the check walked this array and its first elements are still the objects it found
 * unchanged (a getter run by the check may have edited the array), else none.
 */
function takePrefix(cache: ContentJsonCache, contents: unknown[]): number {
  const { prefix } = cache;
  const checked = cache.checked === contents;
  cache.checked = undefined;
  for (let index = 0; checked && index < prefix.length; index++)
    if (contents[index] !== prefix[index]) return 0;
  return checked ? prefix.length : 0;
}

/**
 * One element of the contents array, as `JSON.stringify` writes an array element, kept for the
 * run's later checks (see {@link sentJson}); undefined for an element that has a `toJSON` of its
 * own. A content the check found unchanged comes from its prefix, not from here.
 */
function contentJson(content: unknown, cache: WeakMap<object, CachedContent>): string | undefined {
  if (typeof content !== 'object' || content === null) return JSON.stringify(content) ?? 'null';
  if (typeof (content as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const { role, parts } = content as { role?: unknown; parts?: unknown };
  const json = JSON.stringify(content);
  cache.set(content, {
    json,
    role,
    parts,
    partRefs: Array.isArray(parts) ? parts.slice() : [],
  });
  return json;
}

/**
 * The JSON `cache` holds of `content` when it holds it as it is now: the client sent it (and so
 * checked it) earlier in the run, and its role, parts array and part objects are the same. A
 * `toJSON` given to it since (in place) is the serialiser's to follow: undefined then. @internal
 */
export function sentJson(cache: ContentJsonCache, content: object): string | undefined {
  const cached = cache.contents.get(content);
  const { role, parts, toJSON } = content as { role?: unknown; parts?: unknown; toJSON?: unknown };
  if (
    cached === undefined ||
    typeof toJSON === 'function' ||
    cached.role !== role ||
    cached.parts !== parts ||
    !Array.isArray(parts)
  )
    return undefined;
  const refs = cached.partRefs;
  if (refs.length !== parts.length) return undefined;
  for (let index = 0; index < refs.length; index++)
    if (refs[index] !== parts[index]) return undefined;
  return cached.json;
}
