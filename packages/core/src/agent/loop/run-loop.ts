import type { AgentInput } from '../../run/agent-input.ts';
import type { AgentResult } from '../../run/agent-result.ts';
import { LoadOnce } from '../../shared/load-once.ts';
import { anyObserverActive } from '../../telemetry/any-observer-active.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import type { RunPlugins } from '../plugins/run-plugins.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { MAX_RUN_DEPTH, runObservers } from '../run-state/run-link.ts';
import type { StopCondition } from '../stop-conditions.ts';
import type { ToolCallsResult } from '../tool-calls/execute-tool-calls.ts';
import { runTools } from '../tool-calls/run-tools.ts';
import { afterStep, stoppedBy } from './after-step.ts';
import type { AgentRuntime } from './agent-runtime.ts';
import { appendToHistory } from './append-to-history.ts';
import { callModelStep } from './call-model-step.ts';
import { createResumeStep } from './create-step.ts';
import { endStep } from './end-step.ts';
import { finishRun } from './finish-run.ts';
import type { Finish, ModelStepKind, NextStep } from './next-step.ts';
import { pendingCallTurn } from './pending-call-turn.ts';
import { modelStep } from './plugin-model-step.ts';
import { resolveAnsweredCalls } from './resolve-answered-calls.ts';
import { resolveOutcome } from './resolve-outcome.ts';
import { handOff } from './run/hand-off.ts';
import { endJoinedLate, type Joining, joinLate, withJoined } from './run/join-late.ts';
import { type LoopState, loopState } from './run/loop-state.ts';
import type { RunLoopOptions } from './run/run-loop-options.ts';
import { type StartedRun, startRun } from './run/start-run.ts';

// The depth a run starting now gets, for `agent.run()` to read through the loaded loop
// (`runningDepthNow` in loaded-loop.ts) without a static import of the run link.
export { runningDepth } from '../run-state/run-link.ts';

// Made with the loop (see AgentRuntime): create-agent.ts reaches it through this module's load.
export { createAgentRuntime } from './agent-runtime.ts';

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
 *
 * What lies around the steps is in `run/`: the run's set-up ({@link startRun}), its observation
 * (`startObserved`, loaded with the first observed run), the plugins that join it while it runs (`join-late.ts`) and its
 * hand-off to another agent ({@link handOff}); a step's plugin hooks are {@link modelStep} and
 * {@link afterStep}.
 * @internal
 */
export function runLoop<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
): Promise<AgentResult<Output>> {
  // A run started by a hook or tool of a run nested that deep already (agent.run() of its own
  // agent, again and again): refused before any of it runs. The error's code loads only then.
  const depth = options.depth ?? 0;
  if (depth > MAX_RUN_DEPTH) {
    return import('../run-state/too-deep-error.ts').then(({ tooDeepError }) => {
      throw tooDeepError(depth, options.streaming);
    });
  }
  // Without observers (telemetry: false, no recorder) or with none following this run (no
  // OpenTelemetry provider registered), the loop runs as it is: no hooks, no promise more.
  // A child whose agent has no recorder records into the recorders of the runs above it.
  const observed = options.observed;
  if (observed === undefined) {
    const observers = runObservers(config.observers, options.parent?.recorders);
    if (observers.length !== 0 && anyObserverActive(observers))
      return observedRun(config, runtime, input, options, observers);
  }
  let started: StartedRun<Output>;
  try {
    started = startRun(config, runtime, input, options, observed?.observation);
  } catch (error) {
    return Promise.reject(error);
  }
  if (observed !== undefined) observed.run = started.context.run;
  // The steps called from here when no plugin goes around them: runLoop, then the steps, then
  // the model step (issue 53 item 8, agent/request-path-depth.test.ts).
  return started.context.plugins === undefined
    ? endingJoined(started, runModelSteps(started))
    : aroundRun(started);
}

type ObserveRunModule = typeof import('./run/observe-run.ts');

// The observation's code (starting the observers, redacting what they see) loads with the first
// run an observer follows (an OpenTelemetry provider registered, a recorder): a default agent's
// run never loads it. Three modules fewer in a run, and 742 B gzip of the agent app's bundle
// (issue 53, helper stream-fetch).
const observeRunModule = new LoadOnce(
  (): Promise<ObserveRunModule> => import('./run/observe-run.ts'),
);

/** The run through `startObserved`, once its code is loaded (at once from then on). */
function observedRun<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
  observers: ReturnType<typeof runObservers>,
): Promise<AgentResult<Output>> {
  const loaded = observeRunModule.value;
  if (loaded !== undefined)
    return loaded.startObserved(config, runtime, input, options, observers, runLoop);
  return observeRunModule
    .load()
    .then(({ startObserved }) =>
      startObserved(config, runtime, input, options, observers, runLoop),
    );
}

/**
 * The run's steps inside its plugins' `aroundRun`. A plugin waiting to join when they fail joins
 * first, so the plugins' `endRun` ends it too; one waiting when a `startRun` failed is ended on
 * its own (`endingJoined`).
 */
function aroundRun<Output>(started: StartedRun<Output>): Promise<AgentResult<Output>> {
  const { plugins, config } = started.context;
  const { joining } = started;
  return endingJoined(
    started,
    (plugins as RunPlugins).aroundRun(
      () => runModelSteps(started),
      config.logger,
      joining && (() => joinLate(joining, plugins)),
    ),
  );
}

/**
 * The `steps` of a run without plugins of its own, ended with the plugins that joined it (a
 * stream's steering) when it fails. Not a wrapper that awaits them: a stream's request path is
 * two calls shorter.
 */
function endingJoined<Output>(
  { joining, context }: StartedRun<Output>,
  steps: Promise<AgentResult<Output>>,
): Promise<AgentResult<Output>> {
  if (joining === undefined) return steps;
  return steps.then(undefined, (error: unknown) =>
    endJoinedLate(joining, error, context.config.logger),
  );
}

/**
 * The run's model steps, from its set-up to its end: the resume step of a history that ends with
 * calls, then one model step after another (the phases of each: see {@link runLoop}).
 */
async function runModelSteps<Output>({
  context: initial,
  contents,
  stopWhen,
  joining,
  holding,
}: StartedRun<Output>): Promise<AgentResult<Output>> {
  const { run, signal } = initial;
  // A history that ends with calls (stopped for approval, or stored mid-turn): answer them first.
  const pending = pendingCallTurn(contents);
  if (pending !== undefined) await answerPendingCalls(initial, pending, stopWhen);
  const state = loopState(initial);
  for (;;) {
    if (signal.aborted) throw abortedBetweenSteps(initial);
    const stepNumber = run.steps.length + 1;
    if (joining?.late.joining !== undefined)
      state.context = await withJoined(state.context, joining);
    const { context, kind } = state;
    const { config, plugins } = context;
    // A plugin's event wrapper failed on an event nobody waited for: the run ends with it.
    plugins?.throwIfEventsFailed();
    // A plugin ended the run before this step (in startRun, or a hook with no step after it).
    if (plugins?.stop !== undefined) return finish(state, joining, stoppedBy(plugins.stop));
    // The plugins' `checkInput` hooks check the run's new input once, at its first model step
    // (with what a plugin added before it: the model sees that too); a handoff does not check it
    // again. What a plugin adds later meets them on its own (`run.addInput`).
    const made =
      plugins === undefined
        ? await callModelStep(context, { stepNumber, kind })
        : await modelStep(context, stepNumber, kind);
    // A plugin ended the run before the call: the history is as the last step left it.
    if (!('stepNumber' in made)) return finish(state, joining, stoppedBy(made));
    // A plugin's event wrapper failed during the call: the run ends before its calls run.
    plugins?.throwIfEventsFailed();
    const step = made;
    run.inputChecked = true;
    if (kind === 'tools') state.modelSteps++;
    const stepsLeft: boolean = kind === 'final-output' || state.modelSteps < config.maxSteps;
    const resolving = resolveOutcome(config, step, { kind, reasks: state.reasks, stepsLeft });
    // Awaited only when an `output` schema checked the answer: one promise and one turn of the
    // microtask queue a step fewer (issue 53, helper step-shared).
    let next: NextStep<Output> = resolving instanceof Promise ? await resolving : resolving;
    // The answer the run would end with, before it joins the history (the output guardrails').
    if (next.type === 'finish' && plugins?.hooks.checkAnswer !== undefined)
      next = await plugins.checkedAnswer(step, next, stepsLeft);
    appendToHistory(run, step, next);
    // A promise only when a call had something to wait for (see runTools).
    let calls =
      next.type === 'run-again' && next.calls !== undefined
        ? runTools(context, step, next.calls)
        : undefined;
    if (calls instanceof Promise) calls = await calls;
    // Awaited only when onStepEnd gave a promise: `await undefined` on every step left 0.25 KB
    // more garbage per step in the bench's overhead scenario (the resume step above may pay it).
    const ending = endStep(context, step);
    if (ending !== undefined) await ending;
    if (calls !== undefined) next = answered(context, calls, stopWhen, kind, stepsLeft, false);
    if (next.type === 'fail') throw next.error(run.state());
    // A plugin that joined during the answer (a stream's first steer) hears of it.
    if (next.type === 'finish' && joining?.late.joining !== undefined)
      state.context = await withJoined(state.context, joining);
    const decided =
      state.context.plugins === undefined
        ? undefined
        : await afterStep(state.context.plugins, step, next, stepsLeft, context);
    if (decided === 'run-again') {
      if (state.context.plugins?.handOff !== undefined) await handOff(state, step, holding);
      state.kind = 'tools';
      state.reasks = 0;
      continue;
    }
    if (decided !== undefined) next = decided;
    if (next.type === 'finish') return finish(state, joining, next);
    // A plugin's `afterToolCall` handed the run off (composition's handoff tools do).
    if (state.context.plugins?.handOff !== undefined) await handOff(state, step, holding);
    state.kind = next.kind;
    state.reasks = next.reasks;
  }
}

/** The error of a run whose signal ended it between two steps (its history consistent). */
function abortedBetweenSteps<Output>({ run, signal }: RunContext<Output>): AgentAbortedError {
  return new AgentAbortedError({ phase: 'between-steps', run: run.state(), cause: signal.reason });
}

/**
 * What a step's answered calls decide (see {@link resolveAnsweredCalls}): abort, tool failures,
 * stop conditions (the agent's, then the run's `stopWhen`), the step limit.
 */
function answered<Output>(
  { config, run, signal }: RunContext<Output>,
  calls: ToolCallsResult,
  stopWhen: readonly StopCondition[],
  kind: ModelStepKind,
  stepsLeft: boolean,
  resumed: boolean,
): NextStep<Output> {
  return resolveAnsweredCalls(config, calls, {
    signal,
    steps: run.steps,
    cost: run.cost,
    runStopWhen: stopWhen,
    kind,
    stepsLeft,
    resumed,
  });
}

/**
 * The run's end: the plugins waiting to join joined (none joins after it), their `endRun` first
 * (so what they report comes before `run-end`), then {@link finishRun}.
 */
async function finish<Output>(
  state: LoopState<Output>,
  joining: Joining | undefined,
  next: Finish<Output>,
): Promise<AgentResult<Output>> {
  if (joining !== undefined) {
    joining.late.closed = true;
    state.context = await withJoined(state.context, joining);
  }
  if (state.context.plugins !== undefined) await state.context.plugins.finishing();
  return finishRun(state.context, next);
}

/**
 * The resume step of a history that ends with calls: they run, the step ends, and a failure among
 * them (abort, a tool's failure the run does not go on after) ends the run.
 */
async function answerPendingCalls<Output>(
  context: RunContext<Output>,
  pending: Content,
  stopWhen: readonly StopCondition[],
): Promise<void> {
  const { config, run, emit } = context;
  const step = createResumeStep(pending, config.now());
  run.startedStep = step.stepNumber;
  emit?.({ type: 'step-start', stepNumber: step.stepNumber, kind: 'resume' });
  const calls = await runTools(context, step, pending);
  await endStep(context, step);
  const next = answered(context, calls, stopWhen, 'tools', true, true);
  if (next.type === 'fail') throw next.error(run.state());
}
