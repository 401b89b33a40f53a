import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import type {
  ModelCallEntry,
  ModelCallInput,
  ModelStreamResult,
} from '../../../http/model-call-entry.ts';
import { ModelCallRecord } from '../../../http/model-call-entry.ts';
import { describeValue } from '../../../options/define-options.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { readingPlugin } from '../reading-plugin.ts';
import { ModelRequestLimitError } from './model-request-limit-error.ts';
import type { ModelRequestAgent, ModelRequestEntry, WrapModelRequest } from './model-requests.ts';

/**
 * The agent's entry and the plugins that made it (see {@link wrapModelRequests}): carried by the
 * plugins that have `wrapModelRequest` (the seam's engine, `interactionsApi()`), so an agent
 * without one bundles none of this. `limit` is the agent's `maxModelCallsPerStep`. @internal
 */
export function resolveModelRequests(
  base: ModelCallEntry,
  plugins: unknown,
  api: AgentPlugin | undefined,
  agent: ModelRequestAgent,
  limit: number,
): { modelCall: ModelCallEntry; requestPlugins: readonly AgentPlugin[] } {
  const requestPlugins = requestPluginsOf(Array.isArray(plugins) ? plugins : undefined, api);
  return {
    modelCall:
      requestPlugins.length === 0 ? base : wrapModelRequests(base, requestPlugins, agent, limit),
    requestPlugins,
  };
}

/**
 * Whether `plugin` does nothing but wrap the agent's requests: a `wrapModelRequest` and no other
 * function. It is resolved into the agent's entry and kept out of the run's hook lists, so an agent
 * whose plugins all are such starts no plugin engine per run. @internal
 */
export function isRequestOnly(plugin: unknown): boolean {
  if (typeof plugin !== 'object' || plugin === null) return false;
  const record = plugin as Record<string, unknown>;
  if (typeof record['wrapModelRequest'] !== 'function') return false;
  for (const key of Object.keys(record))
    if (key !== 'wrapModelRequest' && typeof record[key] === 'function') return false;
  return true;
}

/**
 * The agent's entry with the request wrappers of `plugins` around `base`: the first listed
 * outermost (as `wrapModelCall`'s compose), so the `api` option's plugin, listed last, answers
 * what the others pass on. An entry a wrapper returns without `redact` or `resumeFrom` keeps
 * `next`'s. `base` itself when no plugin wraps the requests (the default agent: no frame more).
 *
 * Each wrapper's `next` is bounded: for one request of the agent, at most `limit` calls (the
 * agent's `maxModelCallsPerStep`, as `wrapModelCall`'s `next` is for a step), then each call is
 * refused unsent with a {@link ModelRequestLimitError} naming the wrapper. The count rides in the
 * request's input, `ModelCallInput.requestCalls` (a spread `{ ...input, request }` keeps it),
 * made fresh by the outermost entry for each request: the entry is shared by every run of the
 * agent, so it holds no count itself. Not a `next` made per request: a wrapper's entry is made
 * once per agent (`wrapModelRequest` is called once, and the Interactions entry keeps what the
 * server holds across requests in it), so `next` cannot tell one request's calls from another's.
 * @throws {@link InvalidArgumentError} naming the plugin whose hook returned something that is
 *   not an entry.
 * @internal
 */
export function wrapModelRequests(
  base: ModelCallEntry,
  plugins: readonly AgentPlugin[],
  agent: ModelRequestAgent,
  limit: number,
): ModelCallEntry {
  let entry = base;
  let wraps = false;
  for (let index = plugins.length - 1; index >= 0; index--) {
    const plugin = plugins[index] as AgentPlugin;
    const at = `plugin "${plugin.name}"`;
    const wrap = plugin.wrapModelRequest as WrapModelRequest;
    const next = bounded(entry, index, plugin.name, limit);
    const made = wrap.call(plugin, next, agent) as Partial<ModelRequestEntry> | undefined;
    if (
      typeof made !== 'object' ||
      made === null ||
      typeof made.generate !== 'function' ||
      typeof made.stream !== 'function'
    )
      throw new InvalidArgumentError({
        argument: 'wrapModelRequest',
        message: `${at}: wrapModelRequest must return an entry { generate(input), stream(input) } (return next itself to change nothing); got ${describeValue(made)}.`,
      });
    // A wrapper that returned `next` itself changes nothing: the inner entry, with no frame more.
    if (made === next) continue;
    entry = completeEntry(made as ModelRequestEntry, next);
    wraps = true;
  }
  return wraps ? counting(entry, plugins.length) : entry;
}

/** `entry` with each request's counts made fresh: one per wrapper, of its `next`'s calls. */
function counting(entry: ModelCallEntry, wrappers: number): ModelCallEntry {
  const fresh = (input: ModelCallInput): ModelCallInput => ({
    ...input,
    requestCalls: new Array<number>(wrappers).fill(0),
  });
  return completeEntry(
    {
      generate: (input) => entry.generate(fresh(input)),
      stream: (input) => entry.stream(fresh(input)),
    },
    entry,
  );
}

/**
 * `next` as the wrapper at `index` calls it: past `limit` calls for one request, refused unsent
 * (a rejected `generate`, a `stream` whose chunks throw), as any failed request reaches a wrapper.
 * An input the wrapper built afresh (not spread) carries no counts: with the input it was given
 * as the second argument (`next.generate(built, input)`), it is counted on that input's, which
 * go on with it (the wrappers inside are bounded too); without it, it is passed on uncounted (what a wrapper written before the argument does).
 */
function bounded(
  next: ModelCallEntry,
  index: number,
  plugin: string,
  limit: number,
): ModelCallEntry {
  // The input to count and pass on, or the refusal of a call past the limit.
  const counted = (
    input: ModelCallInput,
    given: ModelCallInput | undefined,
  ): ModelCallInput | ModelRequestLimitError => {
    const sent = input.requestCalls === undefined ? joined(input, given) : input;
    const counts = sent.requestCalls;
    if (counts === undefined) return sent;
    if ((counts[index] as number) >= limit) return new ModelRequestLimitError({ plugin, limit });
    counts[index] = (counts[index] as number) + 1;
    return sent;
  };
  // `next`'s redaction, resumption and key reader kept, as for any wrapper's entry.
  return completeEntry(
    {
      generate: (input, given) => {
        const sent = counted(input, given);
        return sent instanceof ModelRequestLimitError ? Promise.reject(sent) : next.generate(sent);
      },
      stream: (input, given) => {
        const sent = counted(input, given);
        return sent instanceof ModelRequestLimitError ? refusedStream(sent) : next.stream(sent);
      },
    },
    next,
  );
}

/**
 * `built` (an input a wrapper made afresh) with the request's own bookkeeping it left out taken
 * from `given` (the input the wrapper was given): its counts, and the step's in-step reports (a
 * durable runner keeps them with the step: a wrapper cannot drop them by building its input).
 * Not the run's body cache: `built` may send other contents or another model, and the cache is
 * the run's (a built input is serialised whole). `built` itself without a `given` that has counts.
 */
function joined(built: ModelCallInput, given: ModelCallInput | undefined): ModelCallInput {
  if (typeof given !== 'object' || given === null || given.requestCalls === undefined) return built;
  return given.stepReports === undefined || built.stepReports !== undefined
    ? { ...built, requestCalls: given.requestCalls }
    : { ...built, requestCalls: given.requestCalls, stepReports: given.stepReports };
}

/** A stream whose first read throws `error`: a refused `stream` request, never sent. */
function refusedStream(error: ModelRequestLimitError): ModelStreamResult {
  return {
    stream: {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
    },
    record: new ModelCallRecord(),
  };
}

/** `made` with what it leaves out taken from `next` (`made` itself when it has it all). */
function completeEntry(made: ModelRequestEntry, next: ModelCallEntry): ModelCallEntry {
  const resumeFrom = made.resumeFrom ?? next.resumeFrom?.bind(next);
  if (made.redact !== undefined && resumeFrom === made.resumeFrom) return made as ModelCallEntry;
  // Bound, not spread: an entry may be a class instance with its methods on the prototype.
  const entry: ModelCallEntry = {
    generate: made.generate.bind(made),
    stream: made.stream.bind(made),
    redact: made.redact ?? next.redact,
  };
  if (resumeFrom !== undefined) entry.resumeFrom = resumeFrom;
  const secrets = made.secrets ?? next.secrets;
  if (secrets !== undefined) entry.secrets = secrets;
  return entry;
}

/**
 * The plugins among `plugins` whose request wrappers make the agent's entry, then `api` (the
 * `api` option's plugin, innermost). Names are unique among all of them (the engine checks those
 * with run hooks among themselves).
 * @throws {@link InvalidArgumentError} for a `wrapModelRequest` that is not a function, or a name
 *   a request-only plugin shares with another.
 * @internal
 */
export function requestPluginsOf(
  plugins: readonly unknown[] | undefined,
  api: AgentPlugin | undefined,
): readonly AgentPlugin[] {
  const all = api === undefined ? (plugins ?? []) : [...(plugins ?? []), api];
  const wrapping: AgentPlugin[] = [];
  // name -> whether its plugin only wraps requests (the engine checks the others among themselves).
  const names = new Map<string, boolean>();
  all.forEach((plugin, index) => {
    if (typeof plugin !== 'object' || plugin === null) return;
    const at = plugin === api ? 'api' : `plugins[${index}]`;
    readingPlugin(at, () => {
      const { name, wrapModelRequest } = plugin as AgentPlugin;
      if (isRequestOnly(plugin) && (typeof name !== 'string' || name.length === 0))
        throw new InvalidArgumentError({
          argument: `${at}.name`,
          message: `${at}.name must be a non-empty string (it names the plugin in agent.plugins and errors); got ${describeValue(name)}.`,
        });
      const requestOnly = isRequestOnly(plugin) || plugin === api;
      const seen = names.get(name);
      if (seen !== undefined && (seen || requestOnly))
        throw new InvalidArgumentError({
          argument: `${at}.name`,
          message: `${at}: a plugin named "${name}" is already among the agent's plugins; each needs its own name.`,
        });
      names.set(name, requestOnly);
      if (wrapModelRequest === undefined) return;
      if (typeof wrapModelRequest !== 'function')
        throw new InvalidArgumentError({
          argument: `${at}.wrapModelRequest`,
          message: `${at}.wrapModelRequest (plugin "${name}") must be a function; got ${describeValue(wrapModelRequest)}.`,
        });
      wrapping.push(plugin as AgentPlugin);
    });
  });
  return wrapping;
}

/**
 * A run's own plugin (a chat session's, `RunOptions.plugins`) may not wrap the requests: the entry
 * is made once per agent, and a wrapper it ignored would be a silent no-op.
 * @throws {@link InvalidArgumentError} naming the plugin and where it belongs.
 * @internal
 */
export function refuseRequestWrapper(plugin: unknown): void {
  if (typeof plugin !== 'object' || plugin === null) return;
  const { name, wrapModelRequest } = plugin as { name?: unknown; wrapModelRequest?: unknown };
  if (wrapModelRequest === undefined) return;
  throw new InvalidArgumentError({
    argument: 'options.plugins',
    message: `options.plugins: plugin ${describeValue(name)} has wrapModelRequest, which wraps an agent's requests once per agent: give it to createAgent({ plugins }) instead of a run or a chat session.`,
  });
}
