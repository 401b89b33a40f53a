// What a request's owner hands the client with it so that the client serialises only what is new
// (see serialize-request-body.ts): part of the client's contract with the agent, so the agent
// may import this file (see .dependency-cruiser.mjs, core-http-contract).

/**
 * The key under which an owner of a request's history hands the client a
 * {@link ContentJsonCache}: a symbol, so `for...in`, `JSON.stringify`, option checks and the
 * body builder never see it. @internal
 */
export const CONTENT_JSON_CACHE: unique symbol = Symbol('gemloop.contentJsonCache');

/** What a {@link ContentJsonCache} keeps of one content: its JSON, and what it looked like then. @internal */
export type CachedContent = {
  json: string;
  role: unknown;
  parts: unknown;
  /** The part objects as they were (a copy of the parts array), so a replaced part is seen. */
  partRefs: readonly unknown[];
};

/**
 * The JSON of what one agent run already sent, so that each step serialises only the turns added
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
}

/** A new, empty {@link ContentJsonCache}. @internal */
export function createContentJsonCache(): ContentJsonCache {
  return new ContentJsonCache();
}
