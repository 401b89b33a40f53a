import { type ModelCallAttempt, ModelCallError } from '../agent/errors/model-call-error.ts';
import type { AgentPlugin, PluginRun } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { isSameModel } from '../history/thought-signatures/is-same-model.ts';
import { checkModelName } from '../models/check-model-name.ts';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  describeValue,
} from '../options/define-options.ts';
import type { AgentStep } from '../run/agent-result.ts';
import { type FallbackTrigger, fallbackTriggers, readFallbackTrigger } from './fallback-trigger.ts';

/** The longest model name taken (Google's ids are tens of characters; a tuned model's id at most 40). */
const MAX_MODEL_NAME = 256;

/** Options of {@link modelFallback}. */
export type ModelFallbackOptions = {
  /**
   * The models to try, in order, when the agent's own model fails a call (at least one, none of
   * them the agent's; the same agent options are resolved for each, so each must take them: one
   * that cannot fails each run as it starts, before its first call).
   */
  models: readonly string[];
  /**
   * The failures that send the call to the next model. A failure not listed ends the run as it
   * would without the plugin.
   * @defaultValue `['overloaded', 'rate-limit', 'server-error', 'timeout']`
   */
  on?: readonly FallbackTrigger[] | undefined;
  /**
   * Finish or block reasons of an answer that also send the call to the next model (say
   * `['SAFETY', 'RECITATION', 'PROHIBITED_CONTENT']`): the refused answer is billed and dropped,
   * and the next model answers the same request.
   * @defaultValue `[]` (an answer is never refused)
   */
  refusals?: readonly string[] | undefined;
  /**
   * How long a model that failed is left out: after it, the next step goes to the first model
   * again. `Infinity`: the run goes on with the model that answered. Measured by `now`; when that
   * clock steps back past a failure, the cool-down starts again from the clock's reading.
   * @defaultValue `Infinity`
   */
  coolDownMs?: number | undefined;
  /** The clock of the cool-down (tests). @defaultValue `Date.now` */
  now?: (() => number) | undefined;
};

/**
 * What a `fallback` event (`{ type: 'plugin', plugin: 'model-fallback', kind: 'fallback' }`)
 * carries: the step was sent again to `to` because `from` failed it. The step sent again is the
 * same step: the stream shows one `step-start` for it, then this event before the second call.
 */
export type ModelFallbackEvent = {
  from: string;
  to: string;
  /** A {@link FallbackTrigger}, or `refusal` for an answer whose reason is in `refusals`. */
  reason: FallbackTrigger | 'refusal';
  /** The HTTP status, the finish or the block reason that decided it, when there is one. */
  detail?: string | undefined;
};

/** The run's state: when each model last failed. */
type FallbackState = {
  failedAt: Map<string, number>;
  /** The model the last step went to. */
  current: string;
  /** The fallback models a subagent's options cannot be resolved for (left out of its chain). */
  unusable: readonly string[];
};

/**
 * A plugin that keeps a run going when its model fails: on a 503 "overloaded", a 429 after the
 * client's retries, another 5xx, a timeout, or a refusal you list, the same step is sent to the
 * next model of `models`, and the run goes on there (or returns to the agent's model after
 * `coolDownMs`). Each step says which model served it (`step.model`, absent for the agent's own)
 * and is priced at that model; each switch is a `fallback` plugin event, and the model-call span
 * names the model called (`gen_ai.request.model`).
 *
 * The history stays one the next model accepts: thought signatures are bound to the model that
 * made them, so the turns another model wrote are sent without theirs, with Google's documented
 * dummy signature where Gemini 3 requires one (docs/loops-that-dont-waste.md), done by the seam
 * for any `wrapModelCall` that sends a step to another model; the run's history keeps every turn
 * verbatim. `inherit: true`: subagents fall back too.
 *
 * In a stream, text the first model already sent is taken back (`guardrail-retraction` named
 * `model-fallback`); its streamed `thought-delta`s are not (the event carries answer text only), but
 * `step.thoughts` holds the kept answer's alone (docs/loops-that-dont-waste.md).
 *
 * @example
 * ```ts
 * import { modelFallback } from '@gemloop/core/fallback';
 * const agent = createAgent({
 *   gemini,
 *   model: 'gemini-3-flash-preview',
 *   tools,
 *   plugins: [modelFallback({ models: ['gemini-3-pro-preview'] })],
 * });
 * ```
 *
 * @throws {@link InvalidArgumentError} when an option is wrong (no model, a duplicate, an unknown
 *   trigger, a negative cool-down).
 */
export function modelFallback(options: ModelFallbackOptions): AgentPlugin<FallbackState> {
  const { models, on, refusals, coolDownMs, now } = checkOptions(options);
  return definePlugin<FallbackState>({
    name: 'model-fallback',
    inherit: true,
    startRun: (run) => ({
      failedAt: new Map(),
      current: run.model,
      unusable: checkChain(run, models),
    }),
    async wrapModelCall(call, next, run) {
      const state = run.state;
      const chain = [
        run.model,
        ...models.filter(
          (model) => !isSameModel(model, run.model) && !state.unusable.includes(model),
        ),
      ];
      let at = firstAvailable(chain, state, coolDownMs, now());
      const first = chain[at] as string;
      if (!isSameModel(first, state.current)) {
        run.emit('return', { from: state.current, to: first });
      }
      // Each model this step went to and why it did not answer: the error the step ends with
      // says them all (the last model's alone named none, econ2).
      const attempts: ModelCallAttempt[] = [];
      for (;;) {
        const model = chain[at] as string;
        state.current = model;
        let step: AgentStep;
        try {
          // The seam signs the history for `model` (thought signatures are bound to their model).
          step = await next(isSameModel(model, run.model) ? call : { ...call, model });
        } catch (error) {
          const trigger = readFallbackTrigger(error);
          const status = statusOf(error);
          attempts.push({ model, reason: trigger ?? 'other', status });
          if (
            trigger === undefined ||
            !on.has(trigger) ||
            run.signal.aborted ||
            at === chain.length - 1
          )
            throw withAttempts(error, attempts);
          at = switchModel(
            run,
            state,
            chain,
            at,
            { reason: trigger, detail: status === undefined ? undefined : String(status) },
            now(),
          );
          continue;
        }
        const refused = refusalOf(step, refusals);
        if (refused !== undefined && at < chain.length - 1) {
          attempts.push({ model, reason: 'refusal', finishReason: refused });
          at = switchModel(run, state, chain, at, { reason: 'refusal', detail: refused }, now());
          continue;
        }
        return step;
      }
    },
  });
}

/**
 * Refuses, before the run's first call, a fallback model the agent's options cannot be resolved
 * for (its `thinking` off on Gemini 2.5 Pro, any `thinking` on a model without it): the call sent
 * to it would be refused before it left, so the run the plugin was to save ended, at the outage,
 * on an `InvalidArgumentError` that named neither the fallback nor the failure it answered
 * (attack65a). So is a chain behind an agent with a `cachedContent` of its own, which only its
 * model can use. Each model's options are resolved once per agent and kept, so a run after the
 * first reads them back.
 */
function checkChain(run: PluginRun<unknown>, models: readonly string[]): string[] {
  const unusable: string[] = [];
  const forModel = internalsOf(run).holder().forModel;
  if (forModel === undefined) return unusable;
  // A subagent's run holds the plugin inherited from its parent's agent, whose chain was chosen
  // for the parent's options: a model the subagent cannot take is left out of its chain (as it
  // was, in effect, before: refused at the outage), not a failure of every subagent run.
  const inherited = run.path.length > 0;
  models.forEach((model, index) => {
    if (isSameModel(model, run.model)) return;
    let cachedContent: string | undefined;
    try {
      cachedContent = forModel(model).request?.cachedContent;
    } catch (error) {
      if (!InvalidArgumentError.isInstance(error)) throw error;
      if (inherited) {
        unusable.push(model);
        return;
      }
      throw new InvalidArgumentError({
        argument: `modelFallback.models[${index}]`,
        message: `models[${index}] (${model}) cannot take the options of agent '${run.agentName}' (on ${run.model}), so every call that falls back to it would be refused: ${error.message} Fall back to a model that takes them, or set the option to one both models take.`,
      });
    }
    // The agent's own cache (`cachedContent`, made by the caller for the agent's model): the API
    // answers a call of another model through it `400 "Model used by GenerateContent request
    // (…) and CachedContent (…) has to be the same."`, and what it holds cannot be sent inline
    // instead (the API gives a cache's metadata back, not its contents).
    if (cachedContent !== undefined && inherited) unusable.push(model);
    else if (cachedContent !== undefined)
      throw new InvalidArgumentError({
        argument: `modelFallback.models[${index}]`,
        message: `models[${index}] (${model}) cannot use the cache of agent '${run.agentName}' (cachedContent ${cachedContent}, made for ${run.model}): the API refuses a cache of another model, so every call that falls back would be refused. Use the agent's cache option instead (a fallback then sends the prefix inline), or leave the fallback out.`,
      });
  });
  return unusable;
}

/** Marks `chain[at]` failed, reports the switch, and gives the next model's index. */
function switchModel(
  run: { emit(kind: string, data?: unknown): void },
  state: FallbackState,
  chain: readonly string[],
  at: number,
  why: Pick<ModelFallbackEvent, 'reason' | 'detail'>,
  time: number,
): number {
  const from = chain[at] as string;
  state.failedAt.set(from, time);
  const event: ModelFallbackEvent = { from, to: chain[at + 1] as string, reason: why.reason };
  if (why.detail !== undefined) event.detail = why.detail;
  run.emit('fallback', event);
  return at + 1;
}

// Unknown keys refused, naming the one meant (attack13): a misspelt `coolDown` left every failed
// model out for good without a word. Each value is checked below.
const fallbackKeys: DeclaredOptions<ModelFallbackOptions> = defineOptions<ModelFallbackOptions>({
  name: 'modelFallback',
  example: "{ models: ['gemini-3-pro-preview', 'gemini-2.5-flash'] }",
  checks: {
    models: checkedWhereUsed,
    on: checkedWhereUsed,
    refusals: checkedWhereUsed,
    coolDownMs: checkedWhereUsed,
    now: checkedWhereUsed,
  },
});

/** The first model of the chain not cooling down (the last one when all are). */
function firstAvailable(
  chain: readonly string[],
  state: FallbackState,
  coolDownMs: number,
  time: number,
): number {
  for (let at = 0; at < chain.length; at++) {
    const model = chain[at] as string;
    const failed = state.failedAt.get(model);
    if (failed === undefined || time - failed >= coolDownMs) return at;
    // A failure ahead of the clock: it stepped back since (NTP, a restored VM, an app's clock).
    // Left as it was, the model sat out the step's length on top of its cool-down, an hour's step
    // back an hour of every call on the fallback (economy68); the cool-down starts again now.
    if (time < failed) state.failedAt.set(model, time);
  }
  return chain.length - 1;
}

function refusalOf(step: AgentStep, refusals: ReadonlySet<string>): string | undefined {
  if (refusals.size === 0) return undefined;
  if (step.finishReason !== undefined && refusals.has(step.finishReason)) return step.finishReason;
  const blocked = step.response.promptFeedback?.blockReason;
  return blocked != null && refusals.has(blocked) ? blocked : undefined;
}

function statusOf(error: unknown): number | undefined {
  const cause = (error as { cause?: { status?: unknown } } | null)?.cause;
  return typeof cause?.status === 'number' ? cause.status : undefined;
}

/**
 * The step's failure, after it went to more than one model, with every model tried: its
 * `attempts` and, in its message, each model and why (economy68 left a chain of three failing on
 * `gemini-2.5-flash-lite`'s "HTTP 400 …" alone, naming no model). The same error, its type and
 * `cause` (the last model's) as they were: code reads `ApiCallError.isInstance(error.cause)`.
 * Only a `ModelCallError` (the step's own) is changed; nothing of a thrown text is added.
 */
function withAttempts(error: unknown, attempts: readonly ModelCallAttempt[]): unknown {
  if (attempts.length < 2 || !ModelCallError.isInstance(error) || !Object.isExtensible(error))
    return error;
  const tried = attempts
    .map(({ model, reason, status, finishReason }) => {
      const why = reason === 'other' ? [] : [reason];
      if (status !== undefined) why.push(`HTTP ${status}`);
      if (finishReason !== undefined) why.push(finishReason);
      return why.length === 0 ? model : `${model} (${why.join(', ')})`;
    })
    .join(', then ');
  Object.defineProperty(error, 'attempts', {
    value: attempts,
    enumerable: true,
    configurable: true,
  });
  error.message = `${error.message} Models tried: ${tried}.`;
  return error;
}

function checkOptions(options: ModelFallbackOptions): {
  models: readonly string[];
  on: ReadonlySet<FallbackTrigger>;
  refusals: ReadonlySet<string>;
  coolDownMs: number;
  now: () => number;
} {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument: `modelFallback.${argument}`, message });
  };
  if (typeof options !== 'object' || options === null)
    fail('options', "modelFallback takes { models: ['gemini-3-pro-preview', ...] }.");
  fallbackKeys.check(options);
  const { models, on, refusals, coolDownMs = Number.POSITIVE_INFINITY, now = Date.now } = options;
  if (!Array.isArray(models) || models.length === 0)
    fail(
      'models',
      "models must list at least one model to fall back to, e.g. ['gemini-3-pro-preview'].",
    );
  models.forEach((model, index) => {
    // describeValue, not JSON.stringify: a BigInt threw a TypeError, a 5 MB name was quoted whole.
    if (typeof model !== 'string' || model.trim() === '')
      fail(
        `models[${index}]`,
        `models[${index}] must be a model name; got ${describeValue(model)}.`,
      );
    // Checked now, as the agent's own model is: a name no URL can hold ('../files', 'a b?key=')
    // was refused only once the agent's model failed, ending the run the plugin was to save.
    // Capitals pass: a gateway's alias may have them.
    if (model.length > MAX_MODEL_NAME)
      fail(
        `models[${index}]`,
        `models[${index}] is ${model.length} characters long; a model name is at most ${MAX_MODEL_NAME}.`,
      );
    checkModelName(model, { argument: `modelFallback.models[${index}]`, allowUppercase: true });
    if (models.findIndex((other) => isSameModel(other, model)) !== index)
      fail(
        `models[${index}]`,
        `models[${index}] (${model}) is listed twice; list each model once.`,
      );
  });
  if (on !== undefined && !Array.isArray(on))
    fail('on', `on must be a list of ${fallbackTriggers.join(', ')}.`);
  for (const trigger of on ?? []) {
    if (!fallbackTriggers.includes(trigger))
      fail(
        'on',
        // describeValue: a BigInt threw JSON.stringify's TypeError, 1 MB was quoted whole (attack26).
        `on has ${describeValue(trigger)}; the triggers are ${fallbackTriggers.join(', ')}.`,
      );
  }
  if (
    refusals !== undefined &&
    (!Array.isArray(refusals) || refusals.some((r) => typeof r !== 'string'))
  )
    fail(
      'refusals',
      "refusals must be a list of finish or block reasons, e.g. ['SAFETY', 'RECITATION'].",
    );
  if (typeof coolDownMs !== 'number' || Number.isNaN(coolDownMs) || coolDownMs < 0)
    fail(
      'coolDownMs',
      `coolDownMs must be a number of milliseconds >= 0 (Infinity: never return); got ${describeValue(coolDownMs)}.`,
    );
  if (typeof now !== 'function') fail('now', 'now must be a function returning milliseconds.');
  return {
    models,
    on: new Set(on ?? fallbackTriggers),
    refusals: new Set(refusals ?? []),
    coolDownMs,
    now,
  };
}
