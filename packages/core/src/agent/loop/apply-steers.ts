import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { SteeringReport, SteeringStatus } from '../../run/steering-report.ts';
import type { Steering } from '../../steering/create-steering.ts';
import {
  type PendingSteer,
  type SteeringQueue,
  steeringQueueOf,
} from '../../steering/create-steering.ts';
import type { RunContext } from '../run-state/run-context.ts';
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
): Promise<void> | undefined {
  if (queue.receive === undefined) {
    appendSteers(context, queue.take(false), stepNumber);
    return undefined;
  }
  return receive(context, queue, stepNumber).then(() =>
    appendSteers(context, queue.take(false), stepNumber),
  );
}

/**
 * The boundary after an answer: when the model answered (`stop`) and messages wait (steers that
 * came during the final call, or queued ones) and a step is left, the run goes on: the answer
 * stays in the history and the messages follow it as the next user turn. Otherwise `next` as
 * it is (what still waits is dropped when the run ends: {@link detachSteering}).
 * @internal
 */
export function steerAfterAnswer<Output>(
  context: RunContext<Output>,
  queue: SteeringQueue,
  next: Finish<Output>,
  stepsLeft: boolean,
): Finish<Output> | RunAgain | Promise<Finish<Output> | RunAgain> {
  if (next.finishReason !== 'stop' || next.blocked !== undefined) return next;
  if (!stepsLeft) return next;
  const stepNumber = context.run.steps.length + 1;
  const goOn = (): Finish<Output> | RunAgain => {
    const messages = queue.take(true);
    if (messages.length === 0) return next;
    appendSteers(context as RunContext<unknown>, messages, stepNumber);
    return { type: 'run-again', kind: 'tools', reasks: 0 };
  };
  if (queue.receive === undefined) return goOn();
  return receive(context as RunContext<unknown>, queue, stepNumber).then(goOn);
}

/**
 * Unbinds the run from its controller when it ends, however it ends: what still waits was not
 * sent and never will be by this run, so it is dropped and reported (`dropped` events).
 * @internal
 */
export function detachSteering(context: RunContext<unknown>, queue: SteeringQueue): void {
  const stepNumber = context.run.steps.length;
  for (const steer of queue.detach()) report(context, 'dropped', steer, stepNumber);
}

async function receive(
  context: RunContext<unknown>,
  queue: SteeringQueue,
  stepNumber: number,
): Promise<void> {
  const received = await (queue.receive as NonNullable<SteeringQueue['receive']>)();
  if (!Array.isArray(received) || received.length === 0) return;
  for (const steer of queue.addReceived(received)) report(context, 'dropped', steer, stepNumber);
}

function appendSteers(
  context: RunContext<unknown>,
  steers: readonly PendingSteer[],
  stepNumber: number,
): void {
  for (const steer of steers) {
    context.run.append(steer.content);
    report(context, 'applied', steer, stepNumber);
  }
}

function report(
  { emit, observation, config, run }: RunContext<unknown>,
  status: SteeringStatus,
  steer: PendingSteer,
  stepNumber: number = run.steps.length + 1,
): void {
  const value: SteeringReport = { status, mode: steer.mode, content: steer.content, stepNumber };
  emit?.({ type: 'steer', ...value });
  observation?.steer?.(value, config.now());
}
