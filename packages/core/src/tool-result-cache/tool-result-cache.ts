import type { AgentPlugin, PluginRun } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import { CANONICAL_JSON_MAX_DEPTH, canonicalJson } from '../shared/canonical-json.ts';
import { utf8Length } from '../shared/cut-text.ts';
import { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';
import { setOwnKey } from '../shared/set-own-key.ts';
import { fromToolResultMark, toolResultMark } from '../tools/responses/tool-result-mark.ts';
import {
  createMemoryToolResultStore,
  DEFAULT_TOOL_RESULT_ENTRY_BYTES,
} from './create-memory-tool-result-store.ts';
import { ToolResultCacheError, type ToolResultStoreOperation } from './tool-result-cache-error.ts';
import type { ToolResultEntry, ToolResultStore } from './tool-result-store.ts';

/** Tags or key prefixes, fixed or from the call's (parsed) arguments. */
// The input is the tool's parsed arguments, whose type the options cannot know: `any` lets a
// declaration destructure them (`({ id }) => ...`) without a cast.
// biome-ignore lint/suspicious/noExplicitAny: see above
type FromInput = readonly string[] | ((input: any) => readonly string[]);

/**
 * A tool whose result may be served again for the same arguments: a lookup, a read, a search.
 * Only results that returned are cached (never errors, timeouts or aborts), and only plain JSON
 * (what the model would get as it is).
 */
export type ReadEffect = {
  readonly effect: 'read';
  /**
   * How long a result is served, by the cache's `now` clock (at most 8.64e15: a date's range);
   * `undefined` or `Infinity`: until invalidated or dropped for room. Never longer: an entry whose expiry lies further ahead than this (the clock
   * stepped back, or a fleet worker's clock runs ahead) is dropped as expired.
   */
  readonly ttlMs?: number | undefined;
  /**
   * The key's part after `<tool name>:` from the call's parsed arguments; default: the
   * arguments as canonical JSON. A call whose key is no string or finite number (an optional field
   * left out) is not cached (a `skip` event, reason `no-key`). A key of your own makes prefixes to invalidate by
   * (`cacheKey: ({ id }) => \`doc/${id}\`` → `read_doc:doc/42`).
   */
  // biome-ignore lint/suspicious/noExplicitAny: the tool's parsed arguments (see FromInput)
  readonly cacheKey?: ((input: any) => string) | undefined;
  /** Tags a write can invalidate the result by. */
  readonly tags?: FromInput | undefined;
  /**
   * In the `fleet` scope, the result is the same for every user (public data), so it is kept in
   * the `shared` partition and served to all. Never set it for what depends on who asks.
   */
  readonly shared?: boolean | undefined;
};

/** A tool that changes what reads return: never cached; what it invalidates once it ran. */
export type WriteEffect = {
  readonly effect: 'write';
  readonly invalidates?:
    | {
        /** Entries with any of these tags. */
        readonly tags?: FromInput | undefined;
        /** Entries whose key (`<tool name>:<key>`) starts with any of these. */
        readonly prefixes?: FromInput | undefined;
      }
    | undefined;
};

/** What a tool does, for the cache. */
export type ToolEffect = ReadEffect | WriteEffect;

/**
 * How far a cached result reaches: `run` (one run), `session` (a chat session's runs: in the
 * plugin's own store by their conversation, the chat's history store and id, so one id in two
 * stores is two conversations; in a `store` you give by the id alone, which must then be unique
 * across its users; a run outside a chat keeps its own), or `fleet` (every worker sharing the
 * `store`, one partition per `user`, plus `shared` for reads declared shared).
 */
export type ToolResultCacheScope = 'run' | 'session' | 'fleet';

/** Options of {@link toolResultCache}. */
export type ToolResultCacheOptions = {
  /** Each cached or invalidating tool's effect, by tool name; other tools run as they are. */
  tools: Readonly<Record<string, ToolEffect>>;
  /** @defaultValue 'run' */
  scope?: ToolResultCacheScope | undefined;
  /**
   * Where entries are kept: required for `fleet` (`createPostgresToolResultStore` in
   * `@gemloop/dbos`); for `session`, a memory store of the plugin's own by default.
   */
  store?: ToolResultStore | undefined;
  /**
   * Whose results these are, in the `fleet` scope (required there): a user or tenant id, or a
   * function of the run. A run whose user is unknown caches nothing but shared reads.
   */
  user?: string | ((run: PluginRun) => string | undefined) | undefined;
  /**
   * The largest result kept (UTF-8 bytes of its JSON); a larger one is refused (a `refused`
   * event with a {@link ToolResultCacheError}) and not cached.
   * @defaultValue 262144 (256 KiB)
   */
  maxEntryBytes?: number | undefined;
  /** Also cache in the subagents the run starts. @defaultValue false */
  inherit?: boolean | undefined;
  /** The clock for TTLs. @defaultValue Date.now */
  now?: (() => number) | undefined;
  /**
   * How long a store call (`get`, `set`, `delete`, `invalidate`) may take, in milliseconds, before
   * it counts as failed, as a store that threw does: a read runs the tool uncached, a result goes
   * on unkept (a `skip` event, reason `store-error`, `error: 'TimeoutError'`), a failed
   * invalidation ends the run (a {@link ToolResultCacheError}). `Infinity`: no limit.
   * @defaultValue 10000 (10 s)
   */
  storeTimeoutMs?: number | undefined;
};

/** The plugin's per-run state: the run's own store, for the `run` scope and runs outside a chat. */
type CacheState = { local: ToolResultStore | undefined };

/**
 * A plugin that serves a read tool's result again for the same arguments instead of running the
 * tool, and drops cached results when a write tool runs. A hit answers the call from
 * `wrapToolCall` (after the arguments are parsed, guardrails and approvals), so every later hook
 * sees it as the tool's value and the model gets the same response bytes it would have got; it
 * is a `plugin` event `hit` (`{ toolName, scope }`). Invalidations are `invalidate` events, refused
 * entries `refused` events (`{ toolName, reason }`, see {@link ToolResultCacheError}). Events carry
 * no arguments, keys or results.
 *
 * @example
 * ```ts
 * import { toolResultCache } from '@gemloop/core/tool-result-cache';
 * const cache = toolResultCache({
 *   scope: 'session',
 *   tools: {
 *     read_doc: { effect: 'read', cacheKey: ({ id }) => `doc/${id}`, ttlMs: 60_000 },
 *     edit_doc: { effect: 'write', invalidates: { prefixes: ({ id }) => [`read_doc:doc/${id}`] } },
 *   },
 * });
 * const agent = createAgent({ gemini, model, tools, plugins: [cache] });
 * ```
 */
export function toolResultCache(options: ToolResultCacheOptions): AgentPlugin<CacheState> {
  checkOptions(options);
  const {
    tools,
    scope = 'run',
    user,
    maxEntryBytes = DEFAULT_TOOL_RESULT_ENTRY_BYTES,
    inherit = false,
    now = Date.now,
    storeTimeoutMs = DEFAULT_STORE_TIMEOUT_MS,
  } = options;
  // Every store call is given the limit: one that never settles (a pool waiting for a connection
  // that never comes) held the run until it was aborted (econ2's leftover, core2).
  const timed = <T>(call: Promise<T>): Promise<T> => withinLimit(call, storeTimeoutMs);
  // The plugin's own session store keeps what the option allows, as a run's does: made with the
  // default 256 KiB, it refused every result between that and a larger `maxEntryBytes` (economy68).
  const store =
    options.store ??
    (scope === 'session' ? createMemoryToolResultStore({ maxEntryBytes }) : undefined);
  // Only a store the app gave can hold what the cache did not write (another process, a person
  // with SQL): the plugin's own memory stores are out of reach, so their entries skip the digest,
  // most of a miss's cost (bench/src/loops/loops-bench.ts).
  const verify = options.store !== undefined;
  const effects = new Map(Object.entries(tools));
  // The conversations of the plugin's own session store, by the chat's history store: one id in
  // two stores is two conversations (attack48a: an agent shared by tenants, each with a store of
  // its own and a session `main`, served one tenant's cached reads to the other). A number per
  // store, not the store: the entries stay in the one bounded store.
  const conversations = new WeakMap<object, number>();
  let conversationsSeen = 0;
  const sessionPartition = (run: PluginRun<CacheState>, id: string): string => {
    const conversation = verify ? undefined : internalsOf(run).conversation;
    if (conversation === undefined) return `session:${id}`;
    let number = conversations.get(conversation);
    if (number === undefined) {
      number = conversationsSeen++;
      conversations.set(conversation, number);
    }
    return `session:${number}:${id}`;
  };

  /** The store and partition a run's entries of this tool live in; `undefined`: not cached. */
  const placeOf = (
    run: PluginRun<CacheState>,
    shared: boolean,
  ): { store: ToolResultStore; partition: string } | undefined => {
    if (scope === 'fleet') {
      if (shared) return { store: store as ToolResultStore, partition: 'shared' };
      const id = typeof user === 'function' ? user(run) : user;
      return typeof id === 'string' && id !== ''
        ? { store: store as ToolResultStore, partition: `user:${id}` }
        : undefined;
    }
    if (scope === 'session' && run.conversationId !== undefined)
      return {
        store: store as ToolResultStore,
        partition: sessionPartition(run, run.conversationId),
      };
    run.state.local ??= createMemoryToolResultStore({ maxEntryBytes });
    return { store: run.state.local, partition: 'run' };
  };

  return definePlugin<CacheState>({
    name: 'tool-result-cache',
    inherit,
    startRun: () => ({ local: undefined }),
    async wrapToolCall(call, next, run) {
      const effect = effects.get(call.toolName);
      if (effect === undefined) return next();
      if (effect.effect === 'write') {
        const execution = await next();
        // Whatever the outcome: a write that failed or timed out may have written part of it.
        await invalidate(run, call.toolName, call.input, effect);
        return execution;
      }
      const place = placeOf(run, effect.shared === true);
      if (place === undefined) {
        run.emit('skip', { toolName: call.toolName, reason: 'no-user' });
        return next();
      }
      const ownKey =
        effect.cacheKey === undefined
          ? canonicalJson(call.input)
          : keyOf(effect.cacheKey(call.input));
      // A cacheKey that gave no string or number (an optional field the model left out): keyed
      // `undefined` or `[object Object]`, every such call was served the first one's result
      // (economy68). It runs as if not cached.
      if (ownKey === null) {
        run.emit('skip', { toolName: call.toolName, reason: 'no-key' });
        return next();
      }
      // Arguments nested too deeply to key (CANONICAL_JSON_MAX_DEPTH): run as if not cached.
      if (ownKey === undefined) {
        run.emit('skip', { toolName: call.toolName, reason: 'too-deep' });
        return next();
      }
      const key = `${call.toolName}:${ownKey}`;
      const hit = await lookUp(run, place, key, call.toolName, effect.ttlMs);
      if (hit !== undefined) return { type: 'value', value: hit.value };
      const execution = await next();
      // Only what returned is kept: an error may not happen again.
      if (execution.type !== 'value') return execution;
      const kept = await keep(run, place, key, call.toolName, call.input, effect, execution.value);
      // The copy that was kept goes on to the model, the record and the run file: reading the
      // tool's own value again would read its getters again, and a hit must answer what this
      // call answered (tools45).
      return kept === undefined ? execution : { type: 'value', value: kept.copy };
    },
  });

  async function lookUp(
    run: PluginRun<CacheState>,
    { store, partition }: { store: ToolResultStore; partition: string },
    key: string,
    toolName: string,
    ttlMs: number | undefined,
  ): Promise<{ value: unknown } | undefined> {
    let entry: ToolResultEntry | undefined;
    try {
      entry = await timed(store.get(partition, key));
    } catch (error) {
      skipForStore(run, toolName, 'get', error);
      return undefined;
    }
    // Another tool's entry under this key is not this call's result: caches of other agents on
    // one store make keys of names holding ':' that meet, which checkOptions refuses within one
    // cache (attack-core7: `docs` keyed `admin:{…}` by one agent answered another's `docs:admin`).
    if (entry === undefined || entry.toolName !== toolName) return undefined;
    // An expiry further ahead than the TTL was set by a clock ahead of this one: the clock stepped
    // back since (NTP, a restored VM), or a fleet worker's runs fast. Served until that expiry, a
    // 60 s result lived an hour past a step back of an hour (economy68): it is expired now.
    const at = now();
    if (
      entry.expiresAt !== undefined &&
      (entry.expiresAt <= at ||
        (ttlMs !== undefined && entry.expiresAt - at > ttlMs + CLOCK_SLACK_MS))
    ) {
      await dropEntry(run, store, partition, key, toolName);
      return undefined;
    }
    let value: unknown;
    try {
      if (verify && (await digestOf(partition, key, entry.text)) !== entry.digest)
        throw new Error('digest mismatch');
      value = JSON.parse(entry.text);
    } catch (cause) {
      await dropEntry(run, store, partition, key, toolName);
      const error = new ToolResultCacheError({ reason: 'poisoned', toolName, cause });
      run.emit('refused', { toolName, reason: error.reason, message: error.message });
      return undefined;
    }
    run.emit('hit', { toolName, scope });
    return { value: fromToolResultMark(value, markOf(entry.tags)) };
  }

  /**
   * Keeps a value that is plain JSON, read once into a copy: the copy (also when the store
   * refused it), or undefined when it is not plain JSON (not kept).
   */
  async function keep(
    run: PluginRun<CacheState>,
    { store, partition }: { store: ToolResultStore; partition: string },
    key: string,
    toolName: string,
    input: unknown,
    effect: ReadEffect,
    value: unknown,
  ): Promise<{ copy: unknown } | undefined> {
    // Anything JSON cannot carry as it is (bytes, a Date, undefined) is not kept: parsed back, it
    // would not be what the model was sent. Nor is a value that throws when read (a getter, a
    // Proxy): the tool path answers the model with an error for it, where this read's throw ended
    // the run (attack26).
    let copy: unknown;
    try {
      copy = plainJsonCopy(value);
    } catch {
      copy = undefined;
    }
    if (copy === undefined) {
      run.emit('skip', { toolName, reason: 'not-json' });
      return undefined;
    }
    // The copy lost toolResult()'s mark (JSON): it goes on marked as the tool's value was, so a
    // toolResult() stays media on this call as on a hit (toolresult45 with tools45's copy).
    const mark = toolResultMark(value);
    const text = JSON.stringify(copy);
    const bytes = utf8Length(text);
    try {
      if (bytes > maxEntryBytes)
        throw new ToolResultCacheError({
          reason: 'oversized',
          toolName,
          bytes,
          limit: maxEntryBytes,
        });
      const entry: ToolResultEntry = {
        toolName,
        text,
        tags: withMark(listOf(effect.tags, input), mark),
        expiresAt: expiryOf(effect.ttlMs, now()),
        digest: verify ? await digestOf(partition, key, text) : '',
      };
      try {
        await timed(store.set(partition, key, entry));
      } catch (error) {
        // The store refused the entry (above its own limit): a `refused` event below.
        if (ToolResultCacheError.isInstance(error)) throw error;
        // The store is down: the tool's result still goes on, uncached (econ2).
        skipForStore(run, toolName, 'set', error);
      }
    } catch (error) {
      if (!ToolResultCacheError.isInstance(error)) throw error;
      run.emit('refused', {
        toolName,
        reason: error.reason,
        bytes: error.bytes,
        limit: error.limit,
      });
    }
    return { copy: fromToolResultMark(copy, mark ?? false) };
  }

  async function invalidate(
    run: PluginRun<CacheState>,
    toolName: string,
    input: unknown,
    effect: WriteEffect,
  ): Promise<void> {
    const invalidation = {
      tags: listOf(effect.invalidates?.tags, input),
      prefixes: listOf(effect.invalidates?.prefixes, input),
    };
    if (invalidation.tags.length === 0 && invalidation.prefixes.length === 0) return;
    // A write in the fleet changes what every user reads of shared data, and its own user's.
    const places = [placeOf(run, false), ...(scope === 'fleet' ? [placeOf(run, true)] : [])];
    let removed = 0;
    for (const place of places)
      if (place !== undefined)
        try {
          removed += await timed(place.store.invalidate(place.partition, invalidation));
        } catch (error) {
          // Unlike a failed read or keep, this one is not skipped: what the write changed would be
          // served stale to later calls, in this run and (fleet) every worker's. The run stops,
          // typed, without the store's words (a driver's message may hold its URL and password).
          throw new ToolResultCacheError({
            reason: 'store-error',
            toolName,
            operation: 'invalidate',
            storeError: errorName(error),
          });
        }
    run.emit('invalidate', { toolName, removed });
  }

  /** Drops an expired or poisoned entry; a store that fails to is reported, not fatal. */
  async function dropEntry(
    run: PluginRun<CacheState>,
    store: ToolResultStore,
    partition: string,
    key: string,
    toolName: string,
  ): Promise<void> {
    try {
      await timed(store.delete(partition, key));
    } catch (error) {
      skipForStore(run, toolName, 'delete', error);
    }
  }
}

/**
 * Reports a store that failed a `get`, `set` or `delete`: the cache is an optimisation, so the
 * call goes on uncached (a store that threw ended the whole run as a PluginError: economy68's
 * leftover, econ2). The event names the operation and the thrown value's `name`, never its
 * message: a driver's holds what it connected to (`postgres://app:password@…`).
 */
function skipForStore(
  run: PluginRun<CacheState>,
  toolName: string,
  operation: ToolResultStoreOperation,
  error: unknown,
): void {
  run.emit('skip', { toolName, reason: 'store-error', operation, error: errorName(error) });
}

/** A thrown value's `name` when it reads as an identifier (`Error`, `AggregateError`), else `Error`. */
function errorName(error: unknown): string {
  let name: unknown;
  try {
    name = (error as { name?: unknown } | null)?.name;
  } catch {
    name = undefined;
  }
  return typeof name === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : 'Error';
}

/**
 * How long a store call may take by default: far above a healthy store's milliseconds (a
 * Postgres round trip, a connect), short enough that a store that hangs costs a run seconds, not
 * its whole time budget.
 */
const DEFAULT_STORE_TIMEOUT_MS = 10_000;

/**
 * `call`, or after `limitMs` a rejection with a `TimeoutError` (a `DOMException`, as
 * `AbortSignal.timeout` aborts with): the cache reports it as a failed store call by its name. The
 * timer goes when the call settles; the call itself is left to the store (a store call has no
 * signal to abort it by).
 */
function withinLimit<T>(call: Promise<T>, limitMs: number): Promise<T> {
  if (limitMs === Number.POSITIVE_INFINITY) return call;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DOMException(
            `The tool-result store did not answer within ${limitMs} ms.`,
            'TimeoutError',
          ),
        ),
      limitMs,
    );
  });
  return Promise.race([call, limit]).finally(() => clearTimeout(timer));
}

/** A `cacheKey`'s answer as a key: a string, or a finite number written out; else `null` (none). */
function keyOf(key: unknown): string | null {
  if (typeof key === 'string') return key;
  return typeof key === 'number' && Number.isFinite(key) ? String(key) : null;
}

/**
 * How far ahead of the reading clock an expiry may lie past its TTL before it is read as set by a
 * clock ahead (see lookUp): an expiry rounded up to a whole millisecond, or a fleet worker's clock
 * a little ahead (NTP keeps them well within a second), is not a clock that stepped back.
 */
const CLOCK_SLACK_MS = 1_000;

/**
 * The longest `ttlMs` taken: ECMAScript's date range (100,000,000 days), so an expiry stays a
 * whole number of milliseconds a store keeps exactly (Postgres's bigint).
 */
const MAX_TTL_MS = 8.64e15;

/**
 * When an entry kept at `time` expires: a whole millisecond, rounded up (a store keeps integers:
 * Postgres refused `…857.142` as a bigint and the cache ended the run, economy68); `undefined`
 * without a TTL or with an infinite one (kept until invalidated, which Postgres refused too).
 */
function expiryOf(ttlMs: number | undefined, time: number): number | undefined {
  return ttlMs === undefined || ttlMs === Number.POSITIVE_INFINITY
    ? undefined
    : Math.ceil(time + ttlMs);
}

function listOf(from: FromInput | undefined, input: unknown): readonly string[] {
  if (from === undefined) return [];
  const list: unknown = typeof from === 'function' ? from(input) : from;
  // One tag or prefix given as a string (plain JavaScript, or a function over `any`): read as no
  // list, a write invalidated nothing and the next read was served what it had changed (economy68).
  if (typeof list === 'string') return [list];
  return Array.isArray(list) ? list.map(String) : [];
}

/**
 * The tags an entry's value of `toolResult()`'s shape carries: whether `toolResult()` made it
 * (its parts are media) or it is the tool's data. Its JSON text loses the mark, and every store
 * keeps an entry's tags (it invalidates by them), so the mark goes there, where the tool's data
 * cannot reach; a tag of the same name from the options (or the model's arguments) is dropped
 * (toolresult45).
 */
const MEDIA_TAG = 'gemloop:tool-result';
const DATA_TAG = 'gemloop:tool-result-shaped-data';

/** `tags` with the mark's tag for a value of `toolResult()`'s shape (see {@link MEDIA_TAG}). */
function withMark(tags: readonly string[], mark: boolean | undefined): readonly string[] {
  const own = tags.filter((tag) => tag !== MEDIA_TAG && tag !== DATA_TAG);
  if (mark !== undefined) own.push(mark ? MEDIA_TAG : DATA_TAG);
  return own;
}

/**
 * The mark an entry's tags say (`undefined`: none, an entry kept before the mark, whose value of
 * `toolResult()`'s shape was served as media).
 */
function markOf(tags: unknown): boolean | undefined {
  if (!Array.isArray(tags)) return undefined;
  return tags.includes(MEDIA_TAG) ? true : tags.includes(DATA_TAG) ? false : undefined;
}

/** SHA-256 (hex) binding a text to its partition and key. */
async function digestOf(partition: string, key: string, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${partition}\u0000${key}\u0000${text}`);
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of hash) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * A copy of `value` when it is plain objects, arrays, strings, finite numbers, booleans and null
 * all the way down, each value read once (a getter answering otherwise at a second read cannot
 * make the kept text differ from the value passed on); otherwise undefined.
 */
function plainJsonCopy(value: unknown, depth = 0): unknown {
  if (depth > CANONICAL_JSON_MAX_DEPTH) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'object') return undefined;
  let copy: unknown[] | Record<string, unknown>;
  if (Array.isArray(value)) {
    copy = [];
    // A hole reads as undefined: not kept, as JSON would make it null.
    for (const item of value) {
      const itemCopy = plainJsonCopy(item, depth + 1);
      if (itemCopy === undefined) return undefined;
      copy.push(itemCopy);
    }
    return copy;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  copy = {};
  for (const [key, item] of Object.entries(value)) {
    const itemCopy = plainJsonCopy(item, depth + 1);
    if (itemCopy === undefined) return undefined;
    setOwnKey(copy, key, itemCopy);
  }
  return copy;
}

function checkOptions(options: ToolResultCacheOptions): void {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument: `toolResultCache.${argument}`, message });
  };
  if (typeof options !== 'object' || options === null)
    fail('options', 'toolResultCache(options) takes { tools, scope?, store?, user? }.');
  const { tools, scope = 'run', store, user } = options;
  if (typeof tools !== 'object' || tools === null || Array.isArray(tools))
    fail(
      'tools',
      "toolResultCache.tools must map tool names to effects, e.g. { read_doc: { effect: 'read' } }.",
    );
  for (const [name, effect] of Object.entries(tools)) {
    const kind = (effect as { effect?: unknown } | null)?.effect;
    if (kind !== 'read' && kind !== 'write')
      fail(
        `tools.${name}`,
        `toolResultCache.tools.${name} must be { effect: 'read' } or { effect: 'write' }.`,
      );
    const ttl = (effect as ReadEffect).ttlMs;
    if (
      kind === 'read' &&
      ttl !== undefined &&
      !(
        typeof ttl === 'number' &&
        ttl > 0 &&
        (ttl <= MAX_TTL_MS || ttl === Number.POSITIVE_INFINITY)
      )
    )
      fail(
        `tools.${name}.ttlMs`,
        `toolResultCache.tools.${name}.ttlMs must be a positive number of milliseconds, at most ${MAX_TTL_MS} (Infinity, or none: kept until invalidated); got ${describeValue(ttl)}.`,
      );
  }
  // A key is `<tool name>:<key>` and a name may hold ':': `read` keyed `doc:1` and `read:doc`
  // keyed `1` both made `read:doc:1`, and one tool was served the other's result. Only a key of
  // the app's can start that way (canonical JSON starts with '{', which no name holds).
  for (const [name, effect] of Object.entries(tools)) {
    if ((effect as ReadEffect).cacheKey === undefined) continue;
    const longer = Object.keys(tools).find((other) => other.startsWith(`${name}:`));
    if (longer !== undefined)
      fail(
        `tools.${longer}`,
        `toolResultCache.tools: ${name}'s cacheKey could make the key of a ${longer} call (keys are "<tool name>:<key>"), so one tool could be served the other's result. Leave out ${name}'s cacheKey or rename one of the tools.`,
      );
  }
  if (scope !== 'run' && scope !== 'session' && scope !== 'fleet')
    fail(
      'scope',
      `toolResultCache.scope must be 'run', 'session' or 'fleet'; got ${describeValue(scope)}.`,
    );
  if (scope === 'fleet' && store === undefined)
    fail(
      'store',
      "toolResultCache({ scope: 'fleet' }) needs a store shared by the workers, e.g. createPostgresToolResultStore() from @gemloop/dbos.",
    );
  if (
    scope === 'fleet' &&
    user === undefined &&
    !Object.values(tools).every((effect) => effect.effect === 'write' || effect.shared === true)
  )
    fail(
      'user',
      "toolResultCache({ scope: 'fleet' }) needs user (a user or tenant id, or a function of the run): results are never served across users unless a read is declared shared: true.",
    );
  if (scope === 'run' && store !== undefined)
    fail(
      'store',
      "toolResultCache({ scope: 'run' }) keeps each run's results in the run; a store is for scope 'session' or 'fleet'.",
    );
  const limit = options.storeTimeoutMs;
  if (
    limit !== undefined &&
    !(
      typeof limit === 'number' &&
      limit > 0 &&
      (limit <= MAX_TIMER_MS || limit === Number.POSITIVE_INFINITY)
    )
  )
    fail(
      'storeTimeoutMs',
      `toolResultCache.storeTimeoutMs must be a positive number of milliseconds, at most ${MAX_TIMER_MS} (a timer's longest), or Infinity for no limit; got ${describeValue(limit)}.`,
    );
  const bytes = options.maxEntryBytes;
  if (bytes !== undefined && (!Number.isInteger(bytes) || bytes < 1))
    fail(
      'maxEntryBytes',
      'toolResultCache.maxEntryBytes must be a whole number of bytes, at least 1.',
    );
}
