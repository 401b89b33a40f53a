import { describeThrown } from '../errors/describe-thrown.ts';
import { hasClientCall } from '../history/find-calls-answered-in-turn.ts';
import { isLevelEnabled } from '../logging/logger.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type {
  AgentFinishReason,
  AgentResult,
  AgentStep,
  BlockedOutcome,
} from '../run/agent-result.ts';
import type { RunObservation } from '../telemetry/run-observer.ts';
import { anyObserverActive, startObservation } from '../telemetry/start-observation.ts';
import type { Content } from '../wire/content.ts';
import { readServiceTier } from '../wire/read-service-tier.ts';
import type { AgentConfig } from './agent-config.ts';
import type { RunOptions } from './agent-options.ts';
import { callModel, type EmitEvent } from './call-model.ts';
import { createResumeStep, createStep } from './create-step.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';
import { AgentRunError } from './errors/agent-run-error.ts';
import { InvalidModelResponseError } from './errors/invalid-model-response-error.ts';
import { ModelCallError } from './errors/model-call-error.ts';
import { formatIssue, OutputValidationError } from './errors/output-validation-error.ts';
import { executeToolCalls } from './execute-tool-calls.ts';
import {
  classifyResponse,
  FINAL_OUTPUT_NOTE,
  outputReaskNote,
  type ResponseOutcome,
  reaskNote,
} from './finish-outcome.ts';
import { normalizeInput } from './normalize-input.ts';
import { isCacheGone, type PromptCache, withPromptCache } from './prompt-cache.ts';
import { RunTracker } from './run-tracker.ts';
import { signModelTurn } from './sign-model-turn.ts';

/** How a run is driven. @internal */
export type RunLoopOptions = {
  /** Checked by the callers (`run`, `stream`): always an AbortSignal here. */
  signal: AbortSignal;
  /** Model calls use `streamGenerateContent` (and emit deltas). */
  streaming: boolean;
  /** The chat session's id when the run is a chat turn. */
  conversationId?: string | undefined;
  emit: EmitEvent;
  history: RunOptions['history'];
  /** The agent's prompt cache (the `cache` option). */
  cache?: PromptCache | undefined;
};

/**
 * The agent loop: build the request, call the model, run the calls it makes (all of a turn at
 * once), append its content verbatim and the responses in one user content, and go on until the
 * model answers, a limit or condition ends the run, or it fails with a typed error that carries a
 * consistent history.
 * @internal
 */
export function runLoop<Output>(
  config: AgentConfig<Output>,
  input: AgentInput,
  options: RunLoopOptions,
): Promise<AgentResult<Output>> {
  // Without observers (telemetry: false, no recorder) or with none following this run (no
  // OpenTelemetry provider registered), the loop runs as it is: no hooks, no promise more.
  if (config.observers.length === 0 || !anyObserverActive(config.observers))
    return runSteps(config, input, options, undefined);
  const observation = startObservation(config.observers, {
    runId: crypto.randomUUID(),
    agentName: config.name,
    model: config.model,
    baseUrl: config.gemini.baseUrl,
    streaming: options.streaming,
    conversationId: options.conversationId,
    input,
    startedAt: config.now(),
  });
  if (observation === undefined) return runSteps(config, input, options, undefined);
  if (observation instanceof Promise) {
    return observation.then((started) => observeRun(config, input, options, started));
  }
  return observeRun(config, input, options, observation);
}

function observeRun<Output>(
  config: AgentConfig<Output>,
  input: AgentInput,
  options: RunLoopOptions,
  observation: RunObservation | undefined,
): Promise<AgentResult<Output>> {
  if (observation === undefined) return runSteps(config, input, options, undefined);
  return runSteps(config, input, options, observation).then(
    (result) => {
      observation.end({ result: result as AgentResult<unknown> }, config.now());
      return result;
    },
    (error: unknown) => {
      observation.end({ error }, config.now());
      throw error;
    },
  );
}

async function runSteps<Output>(
  config: AgentConfig<Output>,
  input: AgentInput,
  { signal, streaming, emit, history, cache }: RunLoopOptions,
  observation: RunObservation | undefined,
): Promise<AgentResult<Output>> {
  const { contents, inputLength } = normalizeInput(input, {
    history,
    requiresThoughtSignatures: config.capabilities.requiresThoughtSignatures,
    logger: config.logger,
    model: config.model,
    historyChecks: config.historyChecks,
  });
  const run = new RunTracker(contents, inputLength);
  const { now, logger } = config;

  /**
   * Records a step and calls `onStepEnd`. Returns a promise only when there is a hook to wait for:
   * without one, ending a step costs no promise and no trip through the microtask queue.
   */
  const endStep = (step: AgentStep): Promise<void> | undefined => {
    run.steps.push(step);
    observation?.stepEnd(step);
    if (isLevelEnabled(logger, 'debug')) {
      logger.debug(
        {
          stepNumber: step.stepNumber,
          kind: step.kind,
          finishReason: step.finishReason,
          toolCalls: step.toolCalls.length,
          usage: step.usage,
        },
        'step ended',
      );
    }
    emit?.({ type: 'step-end', step });
    const onStepEnd = config.onStepEnd;
    if (onStepEnd === undefined) return undefined;
    return (async () => {
      try {
        await onStepEnd(step, { steps: run.steps, contents: run.contents });
      } catch (thrown) {
        const error = config.redact(thrown);
        throw new AgentRunError({
          message: `onStepEnd threw after step ${step.stepNumber}: ${describeThrown(error)}`,
          run: run.state(),
          cause: error,
        });
      }
    })();
  };

  /** Whether a stop condition holds; one that throws fails the run with its history. */
  const shouldStop = (): boolean => {
    const conditions = config.stopWhen;
    if (conditions.length === 0) return false;
    try {
      for (const condition of conditions) if (condition({ steps: run.steps })) return true;
      return false;
    } catch (thrown) {
      const error = config.redact(thrown);
      throw new AgentRunError({
        message: `A stopWhen condition threw after step ${run.steps.length}: ${describeThrown(error)}`,
        run: run.state(),
        cause: error,
      });
    }
  };

  /** Runs a model turn's calls, appends the responses, and throws if the run must stop. */
  const answerCalls = async (step: AgentStep, content: Content): Promise<void> => {
    const toolsStarted = now();
    const result = await executeToolCalls({
      config,
      content,
      stepNumber: step.stepNumber,
      contents: run.contents,
      signal,
      emit,
      observation,
    });
    run.append(result.responseContent);
    if (result.extraContent !== undefined) run.append(result.extraContent);
    step.toolCalls = result.toolCalls;
    step.toolResponseContent = result.responseContent;
    step.toolsMs = now() - toolsStarted;
    for (const call of result.toolCalls) {
      if (call.usage !== undefined) run.addUsage(call.usage);
      if (call.grounding !== undefined) run.grounding.push(call.grounding);
    }
    const ending = endStep(step);
    if (ending !== undefined) await ending;
    if (result.aborted)
      throw new AgentAbortedError({ phase: 'tool-calls', run: run.state(), cause: signal.reason });
    if (result.failure !== undefined) throw result.failure(run.state());
  };

  const finish = (
    finishReason: AgentFinishReason,
    { output, blocked }: { output?: Output | undefined; blocked?: BlockedOutcome | undefined } = {},
  ): AgentResult<Output> => {
    const last = run.steps[run.steps.length - 1];
    const state = run.state();
    const result: AgentResult<Output> = {
      contents: state.contents,
      newContents: state.newContents,
      steps: state.steps,
      usage: state.usage,
      text: last?.text ?? '',
      output,
      finishReason,
      rawFinishReason: last?.finishReason,
      finishMessage: last?.finishMessage,
      blocked,
      grounding: run.grounding,
      parts: last?.content?.parts ?? [],
    };
    if (cache !== undefined) {
      let saved = 0;
      for (const step of state.steps) saved += step.usage.cachedContentTokenCount;
      result.cache = cache.report(saved);
    }
    emit?.({ type: 'run-end', result });
    return result;
  };

  // A history that ends with calls (stopped for approval, or stored mid-turn): answer them first.
  const pending = contents[contents.length - 1] as Content;
  if (pending.role === 'model') {
    const step = createResumeStep(pending, now());
    emit?.({ type: 'step-start', stepNumber: step.stepNumber, kind: 'resume' });
    await answerCalls(step, pending);
  }

  let modelSteps = 0;
  let reasks = 0;
  let kind: 'tools' | 'final-output' = 'tools';
  for (;;) {
    if (signal.aborted)
      throw new AgentAbortedError({
        phase: 'between-steps',
        run: run.state(),
        cause: signal.reason,
      });
    const stepNumber = run.steps.length + 1;
    const base =
      kind === 'tools'
        ? streaming
          ? (config.streamRequest ?? config.request)
          : config.request
        : (config.finalOutputRequest ?? config.request);
    emit?.({ type: 'step-start', stepNumber, kind });
    const startedAt = now();
    let response: Awaited<ReturnType<typeof callModel>>;
    let responseHeaders: Headers | undefined;
    try {
      const call = (request: Parameters<typeof callModel>[0]['request']) =>
        callModel({
          gemini: config.gemini,
          request,
          callOptions: config.callOptions,
          signal,
          streaming,
          emit,
          stepNumber,
          observation,
          now,
          onResponse: (info) => {
            responseHeaders = info.headers;
          },
        });
      if (cache === undefined) {
        // `contents` first: on Node 20 a spread followed by added fields costs a microsecond
        // or more; a field followed by a spread does not (the body's key order is built apart).
        response = await call({ contents: run.contents, ...base });
      } else {
        // The final structured-output call has no tools, so it cannot use a cache that holds them.
        const name = kind === 'tools' ? await cache.acquire() : undefined;
        try {
          response = await call(withPromptCache(base, run.contents, cache, name));
        } catch (error) {
          // Expired or deleted behind our back: recreate it once and send again.
          if (name === undefined || !isCacheGone(error) || signal.aborted) throw error;
          cache.invalidate(name);
          const again = await cache.acquire();
          response = await call(withPromptCache(base, run.contents, cache, again));
        }
      }
    } catch (error) {
      if (signal.aborted)
        throw new AgentAbortedError({
          phase: 'model-call',
          run: run.state(),
          cause: signal.reason,
        });
      throw new ModelCallError({ stepNumber, run: run.state(), cause: error });
    }
    if (kind === 'tools') modelSteps++;
    const step = createStep({ response, stepNumber, kind, startedAt, modelMs: now() - startedAt });
    run.addUsage(step.usage);
    const served = readServiceTier(response, responseHeaders);
    if (served !== undefined) step.serviceTier = served;
    if (step.grounding !== undefined) {
      run.grounding.push(step.grounding);
      emit?.({ type: 'grounding', stepNumber, source: 'model', grounding: step.grounding });
    }
    let outcome: ResponseOutcome = classifyResponse(response);
    // Without tools in the request, a call is not one the loop may run.
    if (kind === 'final-output' && outcome.type === 'tool-calls')
      outcome = { type: 'reask', reason: 'unexpected-tool-call' };
    const stepsLeft = kind === 'final-output' || modelSteps < config.maxSteps;

    if (outcome.type === 'reask') {
      if (reasks >= config.maxReasks || !stepsLeft) {
        const ending = endStep(step);
        if (ending !== undefined) await ending;
        throw new InvalidModelResponseError({
          reason: outcome.reason,
          finishReason: step.finishReason,
          finishMessage: step.finishMessage,
          attempts: reasks + 1,
          run: run.state(),
        });
      }
      reasks++;
      const note = reaskNote(outcome.reason, {
        finishMessage: step.finishMessage,
        functionNames: kind === 'tools' ? [...config.tools.functions.keys()] : [],
      });
      step.reask = { reason: outcome.reason, note };
      // The bad answer is not appended (it may be empty or hold a broken call); the note is a
      // user content of its own after the history.
      run.append({ role: 'user', parts: [{ text: note }] });
      const ending = endStep(step);
      if (ending !== undefined) await ending;
      continue;
    }

    const content = step.content;
    if (outcome.type === 'tool-calls' && content !== undefined) {
      reasks = 0;
      const turn = signModelTurn(content, {
        requiresThoughtSignatures: config.capabilities.requiresThoughtSignatures,
        logger,
        model: config.model,
      });
      run.append(turn);
      step.appended = true;
      await answerCalls(step, turn);
      if (shouldStop()) return finish('stop-condition');
      if (!stepsLeft) return finish('max-steps');
      continue;
    }

    if (outcome.type === 'answer') {
      if (content !== undefined) {
        run.append(content);
        step.appended = true;
      }
      if (config.output === undefined) {
        const ending = endStep(step);
        if (ending !== undefined) await ending;
        return finish('stop');
      }
      let parsed: Awaited<ReturnType<typeof config.output.parse>>;
      try {
        parsed = await config.output.parse(step.text);
      } catch (thrown) {
        // A transform or refinement of the output schema threw: the schema's failure, not the
        // model's, so it is not re-asked; the answer stays in the history.
        const ending = endStep(step);
        if (ending !== undefined) await ending;
        const error = config.redact(thrown);
        throw new AgentRunError({
          message: `The output schema threw while checking the answer of step ${step.stepNumber}: ${describeThrown(error)}`,
          run: run.state(),
          cause: error,
        });
      }
      if (parsed.success) {
        const ending = endStep(step);
        if (ending !== undefined) await ending;
        return finish('stop', { output: parsed.value });
      }
      if (config.outputMode === 'final-call' && kind === 'tools') {
        // The tool loop is done; ask for the JSON in a call without tools.
        kind = 'final-output';
        reasks = 0;
        run.append({ role: 'user', parts: [{ text: FINAL_OUTPUT_NOTE }] });
        const ending = endStep(step);
        if (ending !== undefined) await ending;
        continue;
      }
      if (reasks >= config.maxReasks || !stepsLeft) {
        const ending = endStep(step);
        if (ending !== undefined) await ending;
        throw new OutputValidationError({
          text: step.text,
          issues: parsed.issues,
          run: run.state(),
        });
      }
      reasks++;
      const note = outputReaskNote(parsed.issues.map(formatIssue));
      step.reask = { reason: 'invalid-output', note };
      run.append({ role: 'user', parts: [{ text: note }] });
      const ending = endStep(step);
      if (ending !== undefined) await ending;
      continue;
    }

    // MAX_TOKENS, a block, or another stop: the run ends here. A partial answer is kept; a turn
    // with function calls is not (its calls would stay unanswered).
    if (content !== undefined && !hasClientCall(content.parts)) {
      run.append(content);
      step.appended = true;
    }
    const ending = endStep(step);
    if (ending !== undefined) await ending;
    if (outcome.type === 'max-tokens') return finish('max-tokens');
    if (outcome.type === 'content-filter')
      return finish('content-filter', { blocked: outcome.blocked });
    return finish('other');
  }
}
