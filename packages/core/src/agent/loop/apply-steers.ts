import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type {
  SteeringDropReason,
  SteeringReport,
  SteeringStatus,
} from '../../run/steering-report.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import type { Steering } from '../../steering/create-steering.ts';
import {
  type PendingSteer,
  type SteeringQueue,
  steeringQueueOf,
} from '../../steering/create-steering.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { GuardrailTrippedError } from '../errors/guardrail-tripped-error.ts';
import { isRunEnding } from '../run-state/is-run-ending.ts';
import type { EngineGuardrails, RunContext } from '../run-state/run-context.ts';
import type { Finish, RunAgain } from './next-step.ts';

/**
 * Binds a run to its steering controller: a message that reaches it is reported at once
 * (`received`: a `steer` event, the observers). Returns the queue the boundaries take from.
 * @throws {@link SteeringError} `in-use` when the controller steers another run.
 * @internal
 */
export function attachSteering(context: RunContext<unknown>, steering: Steering): SteeringQueue {
  const queue = steeringQueueOf(steering);
  if (queue === undefined) {
    throw new InvalidArgumentError({
      argument: 'options.steering',
      message:
        'options.steering must be a controller made by createSteering() (@gemloop/core/steering); a look-alike object has no run side to read.',
    });
  }
  queue.attach(({ steer }) => report(context, 'received', steer));
  context.run.steering ??= [];
  return queue;
}

/**
 * The step boundary before a model call: the steers that arrived (and, for a durable run, the
 * ones `receive` brings) join the history as user contents, after whatever the history ends
 * with (the input, the function responses of the last turn, a re-ask note). A separate user
 * content after the function responses is what Gemini accepted in
 * test/fixtures/gemini/requests/gemini3-flash__function-response-then-user-text-in-two-contents
 * (200), so a call and its response are never split and the response count still matches.
 *
 * @returns a promise only when the controller has a `receive` to ask.
 * @internal
 */
export function applySteers(
  context: RunContext<unknown>,
  queue: SteeringQueue,
  stepNumber: number,
  guard: boolean,
): Promise<void> | undefined {
  if (queue.receive === undefined)
    return appendSteers(context, queue.take(false), stepNumber, guard);
  return receive(context, queue, stepNumber).then(() =>
    appendSteers(context, queue.take(false), stepNumber, guard),
  );
}

/**
 * The boundary after an answer: when the model answered (`stop`) and messages wait (steers that
 * came during the final call, or queued ones) and a step is left, the run goes on: the answer
 * stays in the history and the messages follow it as the next user turn. Otherwise `next` as
 * it is (what still waits, and what `receive` brings now, is dropped when the run ends:
 * {@link detachSteering}).
 * @internal
 */
export function steerAfterAnswer<Output>(
  context: RunContext<Output>,
  queue: SteeringQueue,
  next: Finish<Output>,
  stepsLeft: boolean,
): Finish<Output> | RunAgain | Promise<Finish<Output> | RunAgain> {
  const stepNumber = context.run.steps.length + 1;
  if (next.finishReason !== 'stop' || next.blocked !== undefined || !stepsLeft) {
    // The run ends here. What arrived from elsewhere (a durable run's `runs.steer()` during the
    // last step) is read all the same, so it is reported dropped with the rest, not left unread
    // where nobody hears of it again.
    if (queue.receive === undefined) return next;
    return receive(context as RunContext<unknown>, queue, stepNumber).then(() => next);
  }
  const runAgain: RunAgain = { type: 'run-again', kind: 'tools', reasks: 0 };
  const goOn = (): Finish<Output> | RunAgain | Promise<RunAgain> => {
    const messages = queue.take(true);
    if (messages.length === 0) return next;
    // The run's first step checked its input already: what comes after it is checked here.
    const appending = appendSteers(context as RunContext<unknown>, messages, stepNumber, true);
    return appending === undefined ? runAgain : appending.then(() => runAgain);
  };
  if (queue.receive === undefined) return goOn();
  return receive(context as RunContext<unknown>, queue, stepNumber).then(goOn);
}

/**
 * Unbinds the run from its controller when it ends, however it ends: what still waits was not
 * sent and never will be by this run, so it is dropped and reported (`dropped` events, and the
 * run's `steering`, which the result carries). Once per run: a run that finished gives the
 * controller back before its result is built, so a message given after that waits for the next
 * run of a reusable controller instead of being dropped by this one's cleanup.
 * @internal
 */
export function detachSteering(
  context: RunContext<unknown>,
  queue: SteeringQueue,
  reason: SteeringDropReason,
): void {
  const { run } = context;
  if (run.steeringDetached) return;
  run.steeringDetached = true;
  const stepNumber = run.steps.length;
  for (const steer of queue.detach()) report(context, 'dropped', steer, stepNumber, reason);
}

/**
 * Asks `receive` for the messages that arrived from elsewhere.
 * @throws {@link AgentRunError} with the history so far when `receive` throws (the error's
 *   secrets scrubbed), unless the error ends the run as it is (`isRunEndingError`).
 */
async function receive(
  context: RunContext<unknown>,
  queue: SteeringQueue,
  stepNumber: number,
): Promise<void> {
  let received: unknown;
  try {
    received = await untilAborted(
      context,
      (queue.receive as NonNullable<SteeringQueue['receive']>)(),
    );
  } catch (thrown) {
    // A message store that failed ends the run as a throwing onStepEnd does: typed, with the
    // history so far (ready for the next run), not a bare error with none.
    if (AgentAbortedError.isInstance(thrown) || isRunEnding(context.config, thrown)) throw thrown;
    const error = context.config.redact(thrown);
    throw new AgentRunError({
      message: `The steering controller's receive() threw at the boundary before step ${stepNumber}: ${describeThrown(error)}. error.run holds the history so far.`,
      run: context.run.state(),
      cause: error,
    });
  }
  if (!Array.isArray(received) || received.length === 0) return;
  for (const steer of queue.addReceived(received)) {
    report(context, 'dropped', steer, stepNumber, 'too-many-pending');
  }
}

/**
 * `receive()`'s answer, unless the run is aborted first: a message store that stopped answering
 * would otherwise hold the run past its signal (`receive` gets no signal of its own).
 * @throws {@link AgentAbortedError} (`between-steps`) when the run's signal fires first.
 */
function untilAborted<T>(context: RunContext<unknown>, answer: T | Promise<T>): Promise<T> {
  const { signal, run } = context;
  const aborted = (): AgentAbortedError =>
    new AgentAbortedError({ phase: 'between-steps', run: run.state(), cause: signal.reason });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(answer)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Adds the steers to the history. With `guard` (the run's first model step checked its input
 * already) and input guardrails, each steer is user input like the run's own and meets them
 * first, with the same verdicts: a pass adds it, a rewrite adds the rewritten contents, a block
 * ends the run with a {@link GuardrailTrippedError} (`phase: 'input'`) before the model sees it.
 * Without `guard`, the first step's check covers what is steered in before it.
 */
function appendSteers(
  context: RunContext<unknown>,
  steers: readonly PendingSteer[],
  stepNumber: number,
  guard: boolean,
): Promise<void> | undefined {
  const guarded = guard && steers.length > 0 && (context.guardrails?.input.length ?? 0) > 0;
  if (guarded)
    return appendChecked(context, context.guardrails as EngineGuardrails, steers, stepNumber);
  for (const steer of steers) {
    context.run.append(steer.content);
    report(context, 'applied', steer, stepNumber);
  }
  return undefined;
}

async function appendChecked(
  context: RunContext<unknown>,
  guardrails: EngineGuardrails,
  steers: readonly PendingSteer[],
  stepNumber: number,
): Promise<void> {
  for (let index = 0; index < steers.length; index++) {
    const steer = steers[index] as PendingSteer;
    const result = await guardrails.engine.checkSteer(context, steer.content, stepNumber);
    if (result.type === 'trip' || result.type === 'aborted') {
      // This steer and the ones after it never reach the history.
      const reason = result.type === 'aborted' ? 'aborted' : 'guardrail';
      for (const dropped of steers.slice(index)) {
        report(context, 'dropped', dropped, stepNumber, reason);
      }
      if (result.type === 'aborted') return;
      throw new GuardrailTrippedError({
        guardrailName: result.name,
        phase: 'input',
        reason: context.config.redact(result.reason),
        run: context.run.state(),
      });
    }
    const contents = result.type === 'rewrite' ? result.contents : [steer.content];
    for (const content of contents) {
      context.run.append(content);
      report(context, 'applied', { mode: steer.mode, content }, stepNumber);
    }
  }
}

function report(
  { emit, run }: RunContext<unknown>,
  status: SteeringStatus,
  steer: PendingSteer,
  stepNumber: number = run.steps.length + 1,
  reason?: SteeringDropReason,
): void {
  const value: SteeringReport = { status, mode: steer.mode, content: steer.content, stepNumber };
  if (reason !== undefined) value.reason = reason;
  // What became of each message, for the result: an unobserved run() or chat send has no events.
  if (status !== 'received') run.steering?.push(value);
  emit?.({ type: 'steer', ...value });
}
