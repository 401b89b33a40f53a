import { attachPartialUsage } from '../../errors/partial-usage.ts';
import type { ModelCallInput } from '../../http/model-call-entry.ts';
import { writeCost } from '../../models/write-cost.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import { LoadOnce } from '../../shared/load-once.ts';
import type { Content } from '../../wire/content.ts';
import { readServiceTier } from '../../wire/read-service-tier.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { UsageMetadata } from '../../wire/response.ts';
import type { AgentConfig, BaseRequest } from '../config/agent-config.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { ModelCallError } from '../errors/model-call-error.ts';
import type { ModelStepReports } from '../plugins/hook-chains/model-step-reports.ts';
import { addUpUsage } from '../run-state/add-up-usage.ts';
import { completeUsage } from '../run-state/complete-usage.ts';
import { isRunEnding } from '../run-state/is-run-ending.ts';
import { priceResponse } from '../run-state/price-response.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { stepCostProperty } from '../run-state/step-cost.ts';
import { toAgentUsage } from '../usage.ts';
import {
  directModelCalls,
  isProtoDialect,
  type ModelCallOutcome,
  streamHooks,
  type UsageSeen,
} from './call-model.ts';
import { createStep } from './create-step.ts';
import type { ModelStepKind } from './next-step.ts';
import { prepareRequest } from './prepare-request.ts';

// An observed call's code (its observer's hooks, and the renaming of a gateway's snake_case answer
// before it is priced and reported) loads with the first step an observer follows: a default
// agent's run never loads it (issue 53, helper snake45: -175 B gzip of the agent app's bundle).
const observeCall = new LoadOnce(
  (): Promise<typeof import('./run/observe-model-call.ts')> =>
    import('./run/observe-model-call.ts'),
);

/** Which model step {@link callModelStep} makes, and what a plugin changed of its call. @internal */
export type ModelStepCall = {
  stepNumber: number;
  kind: ModelStepKind;
  /** What to send instead of the history (a plugin's `beforeModelCall`); `undefined`: the history. */
  contents?: readonly Content[] | undefined;
  /** The model to send the call to (a plugin's `wrapModelCall`); `undefined`: the agent's. */
  model?: string | undefined;
  /** The cached content to send the call with (a plugin's `wrapModelCall`); `undefined`: none. */
  cachedContent?: string | undefined;
  /**
   * The call's in-step reports (`ModelStepReports`), handed to the model client with the
   * request's input (`ModelCallInput.stepReports`); `undefined`: none to keep.
   */
  reports?: ModelStepReports | undefined;
};

/**
 * Makes one model step: emits `step-start`, sends the step's request (see {@link prepareRequest}),
 * and records the response as a step. The run's usage and grounding take it in; the history
 * does not yet (resolving the outcome says what of it is kept).
 *
 * @throws {@link AgentAbortedError} (`phase: 'model-call'`) when the run's signal ended the call,
 *   {@link ModelCallError} when it failed otherwise; both hold the history, which the failed call
 *   left untouched.
 * @internal
 */
export async function callModelStep<Output>(
  context: RunContext<Output>,
  { stepNumber, kind, contents, model, cachedContent, reports }: ModelStepCall,
): Promise<AgentStep> {
  const { run, signal, emit } = context;
  // The call's own config: the agent's, or its options resolved for the model a plugin chose (its
  // request, URL, capabilities and prices). Everything else of the run stays the agent's.
  const config = model === undefined ? context.config : configFor(context.config, model);
  // Once a step: a call sent again for it (model fallback, a retry plugin, a rewritten input) is
  // the same step; the plugin that sent it again says so in its own event (`fallback`).
  if (run.startedStep !== stepNumber) {
    run.startedStep = stepNumber;
    emit?.({ type: 'step-start', stepNumber, kind });
  }
  const startedAt = config.now();
  let outcome: ModelCallOutcome;
  const usageSeen: UsageSeen | undefined = context.streaming ? { usage: undefined } : undefined;
  // The request as sent, for the estimate of a usage the server did not report (completeUsage).
  let sent: GenerateContentRequest | undefined;
  try {
    sent = prepareRequest(config, {
      kind,
      streaming: context.streaming,
      // The history as the run sends it (compacted by the compaction's plugin: run.contents stays
      // whole), or what a plugin's hook sends instead.
      contents: contents === undefined ? run.sendContents() : [...contents],
      cachedContent,
    });
    const input: ModelCallInput = {
      request: sent,
      callOptions: context.callOptions,
      bodyCache: run.contentJson,
    };
    if (reports !== undefined) input.stepReports = reports;
    const wrapper = config.modelCalls ?? directModelCalls;
    // The call made from this frame when nobody observes it (no callModel): one call fewer between
    // agent.run() and the transport (issue 53 item 8, agent/request-path-depth.test.ts), and no
    // pricing closures made for an observer that is not there.
    outcome = await (context.observation !== undefined
      ? (observeCall.value ?? (await observeCall.load())).observeModelCall(
          {
            entry: config.modelCall,
            request: sent,
            bodyCache: run.contentJson,
            options: context.callOptions,
            reports,
            signal,
            streaming: context.streaming,
            emit,
            stepNumber,
            wrapper: config.modelCalls,
            usageSeen,
            price: (called) =>
              writeCost(priceResponse(config, called.response, servedTier(called))),
            pricePartial: (usage) =>
              writeCost(config.price(usage, config.model, config.request.serviceTier)),
          },
          context.observation,
          config.now,
        )
      : context.streaming
        ? wrapper.stream(
            config.modelCall,
            input,
            wrapper.options,
            streamHooks({ signal, emit, stepNumber, usageSeen }),
          )
        : wrapper.generate(config.modelCall, input, wrapper.options, { stepNumber, emit }));
    if (isProtoDialect(outcome.response)) {
      outcome = (await import('./to-camel-case-outcome.ts')).toCamelCaseOutcome(outcome);
    }
  } catch (error) {
    throw callFailed(context, config, stepNumber, error, usageSeen);
  }
  return recordStep(context, config, outcome, sent, stepNumber, kind, startedAt);
}

/**
 * The error a failed model call ends the step with: the run's own (a run-ending error as it is,
 * {@link AgentAbortedError} when the signal ended it, else {@link ModelCallError}), after the
 * usage a failed call was billed for is counted.
 */
function callFailed<Output>(
  { run, signal, link }: RunContext<Output>,
  config: AgentConfig<Output>,
  stepNumber: number,
  error: unknown,
  usageSeen: UsageSeen | undefined,
): unknown {
  // A stream cut after chunks that reported usage was billed for them: the run counts the last
  // usage seen (so the error's run, the span, the recording and a chat's usage do), and the
  // error says it is partial.
  // A unary long-decode answer whose later hop failed: the hops before it were billed too.
  const partial =
    usageSeen?.usage ??
    (error as { partialUsage?: UsageMetadata | undefined } | null)?.partialUsage;
  if (partial !== undefined) {
    const usage = toAgentUsage(partial);
    const cost = config.price(partial, config.model, config.request.serviceTier);
    run.addUsage(usage, cost);
    // The tree's budget counts it too (its step never ends, so endStep will not).
    const budget = link.budget;
    if (budget !== undefined) {
      budget.cost.addPriced(cost);
      budget.tokens += usage.totalTokenCount;
    }
  }
  if (isRunEnding(config, error)) return error;
  if (signal.aborted) {
    return attachPartialUsage(
      new AgentAbortedError({ phase: 'model-call', run: run.state(), cause: signal.reason }),
      partial,
    );
  }
  // The client's own errors come redacted; anything else (a plugin's model-call wrapper, contents a
  // hook returned that fail to serialise) may carry its key: scrubbed once, here.
  return attachPartialUsage(
    new ModelCallError({ stepNumber, run: run.state(), cause: config.redact(error) }),
    partial,
  );
}

/**
 * The response as a step (a usage the server left out estimated from the request as `sent`); the
 * run's usage, the tree's cost and the run's grounding take it in. The call is priced as it ends
 * only where something needs it then (a tree budget, or a pricer of the user's: see
 * `AgentConfig.priceOnRead`); otherwise when its cost or the run's total is first read.
 */
function recordStep<Output>(
  { run, emit, link, config: agentConfig, plugins }: RunContext<Output>,
  config: AgentConfig<Output>,
  outcome: ModelCallOutcome,
  sent: GenerateContentRequest | undefined,
  stepNumber: number,
  kind: ModelStepKind,
  startedAt: number,
): AgentStep {
  const { response, continuation, interrupted } = outcome;
  const modelMs = config.now() - startedAt;
  const served = servedTier(outcome);
  // A usage the server left out (or sent negative) is estimated, so budgets still count it; one
  // whose total is not the sum of its counts is made to be (a gateway that dropped a count).
  const estimated = sent === undefined ? undefined : completeUsage(sent, response);
  const usage = estimated ?? addUpUsage(response.usageMetadata);
  // Priced by the one rule (priceResponse's): at the model that served it, at the tier that did;
  // as the call ends where something needs it then (a tree budget, a pricer of the user's, an
  // usage estimated or added up, rare), else when first read.
  const budget = link.budget;
  const priced =
    usage !== undefined
      ? priceResponse(config, { ...response, usageMetadata: usage }, served)
      : budget !== undefined || config.priceOnRead !== true
        ? priceResponse(config, response, served)
        : undefined;
  const property = priced === undefined ? stepCostProperty(config) : undefined;
  const step = createStep({
    response,
    stepNumber,
    kind,
    startedAt,
    modelMs,
    cost: priced === undefined ? property : writeCost(priced),
    // Frozen only where code other than the loop's is handed the turn: a plugin (the seam; one that
    // joins later freezes what it finds, see `withJoined`), the application's `onStepEnd` or
    // `beforeToolCall`. Always freezing cost the default agent +15 µs a step unary and +19
    // streamed (ABBA against the same build with the freeze off, 2026-12-02): the frozen objects'
    // slower serialising and copying, not the freeze alone.
    freeze:
      plugins !== undefined ||
      agentConfig.onStepEnd !== undefined ||
      (link.beforeToolCall ?? agentConfig.beforeToolCall) !== undefined,
  });
  if (usage !== undefined) {
    step.usage = toAgentUsage(usage);
    if (estimated !== undefined) step.usageEstimated = true;
  }
  if (continuation !== undefined) step.continuation = continuation;
  if (interrupted === true) step.interrupted = true;
  if (served !== undefined) step.serviceTier = served;
  if (outcome.record.interactionId !== undefined) step.interactionId = outcome.record.interactionId;
  if (config !== agentConfig) step.model = config.model;
  // The tree's cost and tokens count each call as soon as it is priced, not when its step ends
  // (after its tools, subagents included): a child started by this step sees what this call
  // spent, and a wrapper's calls whose steps it drops (a retry, a fallback) count too (attack-core6:
  // 101 calls of one step passed a 100-token budget).
  if (priced === undefined) run.addUsage(step.usage, step, property);
  else {
    run.addUsage(step.usage, priced);
    if (budget !== undefined) {
      budget.cost.addPriced(priced);
      budget.tokens += step.usage.totalTokenCount;
    }
  }
  if (step.grounding !== undefined) {
    run.grounding.push(step.grounding);
    emit?.({ type: 'grounding', stepNumber, source: 'model', grounding: step.grounding });
  }
  return step;
}

/**
 * The tier that served a call: the body's first; the header only when the body has none (read
 * without building the response's Headers).
 */
function servedTier({ response, record }: ModelCallOutcome): string | undefined {
  return readServiceTier(response) ?? record.serviceTier;
}

/**
 * The config of a call sent to `model`: the agent's options resolved for it (see
 * `AgentConfig.forModel`), or, in a config built by hand, the agent's with the request's model.
 */
function configFor<Output>(config: AgentConfig<Output>, model: string): AgentConfig<Output> {
  if (model === config.model) return config;
  if (config.forModel !== undefined) return config.forModel(model);
  const request = (base: BaseRequest | undefined) =>
    base === undefined ? undefined : { ...base, model };
  return {
    ...config,
    model,
    request: { ...config.request, model },
    finalOutputRequest: request(config.finalOutputRequest),
    streamRequest: request(config.streamRequest),
  };
}
