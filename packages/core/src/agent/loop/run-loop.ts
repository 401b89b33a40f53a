import { composeGuardrails, type GuardrailOptions } from '../../guardrails/guardrail-options.ts';
import type { AgentInput } from '../../run/agent-input.ts';
import type { AgentResult, AgentStep } from '../../run/agent-result.ts';
import type { RunObservation } from '../../telemetry/run-observer.ts';
import { anyObserverActive, startObservation } from '../../telemetry/start-observation.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { RunOptions } from '../config/agent-options.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import type { EmitEvent } from '../run-state/emit-event.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { RunTracker } from '../run-state/run-tracker.ts';
import type { ToolCallsResult } from '../tool-calls/execute-tool-calls.ts';
import { runTools } from '../tool-calls/run-tools.ts';
import type { AgentRuntime } from './agent-runtime.ts';
import { appendToHistory } from './append-to-history.ts';
import { modelCallOptions } from './call-model.ts';
import { callModelStep } from './call-model-step.ts';
import { createResumeStep } from './create-step.ts';
import { endStep } from './end-step.ts';
import { finishRun } from './finish-run.ts';
import { guardedFirstStep } from './guard-input.ts';
import { guardOutput, HeldTextDeltas } from './guard-output.ts';
import type { ModelStepKind, NextStep } from './next-step.ts';
import { normalizeInput } from './normalize-input.ts';
import { pendingCallTurn } from './pending-call-turn.ts';
import { resolveAnsweredCalls } from './resolve-answered-calls.ts';
import { resolveOutcome } from './resolve-outcome.ts';

const noRecord = (): void => {};

// Made with the loop (see AgentRuntime): create-agent.ts reaches it through this module's load.
export { createAgentRuntime } from './agent-runtime.ts';

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
  /** The run's own guardrails (a chat session's joined in), after the agent's. */
  guardrails?: GuardrailOptions | undefined;
};

/**
 * The agent loop: build the request, call the model, run the calls it makes (all of a turn at
 * once), append its content verbatim and the responses in one user content, and go on until the
 * model answers, a limit or condition ends the run, or it fails with a typed error that carries a
 * consistent history.
 *
 * Each step goes through the same phases, each in its own file: {@link callModelStep} (which
 * prepares the request with `prepareRequest`), {@link resolveOutcome} (what the response
 * means: a {@link NextStep} value), {@link appendToHistory}, {@link runTools} when the turn made
 * calls, {@link endStep} (`onStepEnd`), then, after calls, {@link resolveAnsweredCalls} (abort,
 * tool failures, stop conditions, the step limit). The step is over before the loop acts on what
 * follows: run again, {@link finishRun}, or throw.
 * @internal
 */
export function runLoop<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
): Promise<AgentResult<Output>> {
  // Without observers (telemetry: false, no recorder) or with none following this run (no
  // OpenTelemetry provider registered), the loop runs as it is: no hooks, no promise more.
  if (config.observers.length === 0 || !anyObserverActive(config.observers))
    return runSteps(config, runtime, input, options, undefined);
  const observation = startObservation(
    config.observers,
    {
      runId: crypto.randomUUID(),
      agentName: config.name,
      model: config.model,
      baseUrl: config.gemini.baseUrl,
      streaming: options.streaming,
      conversationId: options.conversationId,
      input,
      startedAt: config.now(),
    },
    config.argumentRedactor,
  );
  if (observation === undefined) return runSteps(config, runtime, input, options, undefined);
  if (observation instanceof Promise) {
    return observation.then((started) => observeRun(config, runtime, input, options, started));
  }
  return observeRun(config, runtime, input, options, observation);
}

function observeRun<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
  observation: RunObservation | undefined,
): Promise<AgentResult<Output>> {
  if (observation === undefined) return runSteps(config, runtime, input, options, undefined);
  return runSteps(config, runtime, input, options, observation).then(
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
  { historyChecks, cache }: AgentRuntime,
  input: AgentInput,
  { signal, streaming, emit: streamEmit, history, guardrails: runGuardrails }: RunLoopOptions,
  observation: RunObservation | undefined,
): Promise<AgentResult<Output>> {
  const guardrails = composeGuardrails(config.guardrails, runGuardrails);
  // `holdBack`: a stream's text deltas wait until the loop knows whether the step is the answer.
  const held =
    streamEmit !== undefined && guardrails?.holdBack === true && guardrails.output.length > 0
      ? new HeldTextDeltas(streamEmit)
      : undefined;
  const emit = held?.wrapped ?? streamEmit;
  const { contents, inputLength } = normalizeInput(input, {
    history,
    requiresThoughtSignatures: config.capabilities.requiresThoughtSignatures,
    logger: config.logger,
    model: config.model,
    historyChecks,
  });
  const run = new RunTracker(contents, inputLength);
  const context: RunContext<Output> = {
    config,
    run,
    signal,
    streaming,
    emit,
    observation,
    cache,
    callOptions: modelCallOptions(config.callOptions, signal),
    guardrails,
    recordGuardrail:
      guardrails === undefined
        ? noRecord
        : (record) => {
            emit?.({ type: 'guardrail', ...record });
            observation?.guardrail?.(record);
          },
  };

  // A history that ends with calls (stopped for approval, or stored mid-turn): answer them first.
  const pending = pendingCallTurn(contents);
  if (pending !== undefined) {
    const step = createResumeStep(pending, config.now());
    emit?.({ type: 'step-start', stepNumber: step.stepNumber, kind: 'resume' });
    const calls = await runTools(context, step, pending);
    await endStep(context, step);
    const next = resolveAnsweredCalls(config, calls, {
      signal,
      steps: run.steps,
      kind: 'tools',
      stepsLeft: true,
      resumed: true,
    });
    if (next.type === 'fail') throw next.error(run.state());
  }

  let kind: ModelStepKind = 'tools';
  let reasks = 0;
  let modelSteps = 0;
  for (;;) {
    if (signal.aborted)
      throw new AgentAbortedError({
        phase: 'between-steps',
        run: run.state(),
        cause: signal.reason,
      });
    const stepNumber = run.steps.length + 1;
    // Input guardrails check the run's new input once, at its first model step.
    const step: AgentStep =
      modelSteps === 0 && reasks === 0 && guardrails !== undefined && guardrails.input.length > 0
        ? await guardedFirstStep(context, stepNumber)
        : await callModelStep(context, { stepNumber, kind });
    if (kind === 'tools') modelSteps++;
    const stepsLeft: boolean = kind === 'final-output' || modelSteps < config.maxSteps;
    let next: NextStep<Output> = await resolveOutcome(config, step, { kind, reasks, stepsLeft });
    if (next.type === 'finish') {
      if (guardrails !== undefined) next = await guardOutput(context, step, next, held);
    } else held?.release(step.stepNumber);
    appendToHistory(run, step, next);
    const calls: ToolCallsResult | undefined =
      next.type === 'run-again' && next.calls !== undefined
        ? await runTools(context, step, next.calls)
        : undefined;
    // Awaited only when onStepEnd gave a promise: `await undefined` on every step left 0.25 KB
    // more garbage per step in the bench's overhead scenario (the resume step above may pay it).
    const ending = endStep(context, step);
    if (ending !== undefined) await ending;
    if (calls !== undefined) {
      next = resolveAnsweredCalls(config, calls, {
        signal,
        steps: run.steps,
        kind,
        stepsLeft,
        resumed: false,
      });
    }
    if (next.type === 'fail') throw next.error(run.state());
    if (next.type === 'finish') return finishRun(context, next);
    kind = next.kind;
    reasks = next.reasks;
  }
}
