import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { AgentRunError } from '../agent/errors/agent-run-error.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { markAddedBy } from '../agent/plugins/added-by.ts';
import type { AgentPlugin, PluginRun } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { MAX_RUN_MESSAGES, messageJson } from '../agent/plugins/messages/run-messages.ts';
import { PLUGIN_KEY } from '../agent/plugins/plugin-engine-of.ts';
import { bindInbox, internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import { SteeringError } from '../errors/steering-error.ts';
import type { Steering } from '../run/steering-controller.ts';
import type { SteeringDropReason, SteeringReport, SteeringStatus } from '../run/steering-report.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import { addReceived, bindQueue, takeSteers, unbindQueue } from './queue-boundary.ts';
import type { ReceivedSteer } from './steering-options.ts';
import type { PendingSteer, SteeringQueue } from './steering-queue.ts';

/**
 * The topic a runner delivers a run's steering messages on (`{ mode, message }` values): what
 * `@gemloop/dbos`'s `runs.steer()` sends and the runner's receive service reads (see
 * `PluginRun.receive`; a plugin may not use gemloop's own `gemloop.` topics).
 */
export const STEERING_TOPIC = 'gemloop.steer';

/** What the plugin keeps for one run. */
type SteeringRun = {
  /** The step whose end already asked `receive` (after the answer): the run's end asks no more. */
  receivedAfter: number | undefined;
  /**
   * The runner's message service (a durable runner's `DBOS.recv`), for a top run: steers sent to
   * the run from elsewhere arrive through it, as any plugin's messages do.
   */
  runner: ((topic: string, max: number) => Promise<readonly unknown[]>) | undefined;
};

/** Whether a boundary asks for messages from elsewhere: a store of the caller's, or the runner. */
const receives = (queue: SteeringQueue, run: PluginRun<SteeringRun>): boolean =>
  queue.receive !== undefined || run.state.runner !== undefined;

/**
 * Steering as a plugin on the seam (issue 53): the queue of one controller (or of a stream's or a
 * chat send's own steering) bound to the run it steers.
 *
 * - `startRun` binds the queue to the run: a message that reaches it is reported at once
 *   (`received`), the ones already waiting too; a queue another run holds refuses (`in-use`).
 * - `beforeModelCall` is the step boundary: what `receive` brings (a durable run's messages) and
 *   the steers join the history (`run.addInput`: after the run's first model step they meet its
 *   input guardrails, as its input did).
 * - `afterAnswer`: messages that wait when the model answered make the run go on (`run-again`),
 *   the answer staying in the history.
 * - `endRun` unbinds the queue, however the run ended: what still waits is reported dropped, the
 *   steers one by one, the messages no plugin received (`run.receive`) counted per topic in a
 *   `plugin` event of kind `unread` (`{ reason, topics: [{ topic, count }] }`).
 *
 * No hook is listed in `recorded`: what is not deterministic about steering is when a message
 * arrives, and a durable run's messages arrive only through `receive`, which `@gemloop/dbos`
 * answers with `DBOS.recv` — a workflow operation DBOS records itself (and which may not run
 * inside a recorded step). A replay receives the same messages at the same boundary and these
 * hooks, run again over them, rebuild the same history and reports.
 * @internal
 */
export function steeringPlugin(queue: SteeringQueue): AgentPlugin<SteeringRun> {
  return markAddedBy(
    definePlugin<SteeringRun>({
      name: 'steering',
      // Its own typed errors end the run as they are (a queue another run holds, a receive that
      // failed with the run's history, a steer an input guardrail blocked), not as a PluginError.
      ownErrors: (error) => AgentRunError.isInstance(error) || SteeringError.isInstance(error),
      startRun(run) {
        // Private on purpose (issue 53, b): the typed `steer` events and `result.steering` are
        // fields only core makes, and the inbox binding is the in-process half of `run.receive`. A
        // third party has the same channel: `run.receive(topic)` and `run.emit`.
        const internals = internalsOf(run);
        bindQueue(queue, ({ steer }) => report(run, 'received', steer, steer.receivedAt));
        internals.tracker.steering ??= [];
        // What is sent to the run's plugins through this controller or stream (`send`).
        bindInbox(run, () => queue.opened);
        const runner = internals.path.length === 0 ? internals.services?.receive : undefined;
        return { receivedAfter: undefined, runner };
      },
      beforeModelCall(call, run) {
        // Most boundaries have nothing to apply: answered at once, with no promise of its own.
        if (!receives(queue, run) && queue.size === 0) return undefined;
        return applySteers(run, queue, call.stepNumber);
      },
      async afterAnswer(answer, run) {
        const stepNumber = run.steps.length + 1;
        if (receives(queue, run)) {
          run.state.receivedAfter = answer.step.stepNumber;
          await receive(run, queue, stepNumber);
        }
        // A blocked answer, or no step left: the run ends, and what waits is dropped (endRun).
        if (answer.blocked || !answer.stepsLeft) return undefined;
        const messages = takeSteers(queue, true);
        if (messages.length === 0) return undefined;
        // The run's first step checked its input already: what comes after it is checked here.
        await appendSteers(run, messages, stepNumber);
        return { type: 'run-again', contents: [] };
      },
      async endRun(run, { error }) {
        if (error === undefined && receives(queue, run)) {
          // What arrived from elsewhere (a durable run's `runs.steer()` during the last step) is
          // read all the same, so it is reported dropped with the rest, not left unread.
          const last = run.steps[run.steps.length - 1]?.stepNumber;
          if (run.state.receivedAfter === undefined || run.state.receivedAfter !== last)
            await receive(run, queue, run.steps.length + 1);
        }
        const reason: SteeringDropReason =
          error === undefined
            ? 'run-ended'
            : AgentAbortedError.isInstance(error)
              ? 'aborted'
              : 'failed';
        const stepNumber = run.steps.length;
        for (const steer of unbindQueue(queue)) report(run, 'dropped', steer, stepNumber, reason);
        // A one-run inbox (a stream's, a chat send's) closes with its run: what no plugin received
        // is dropped, and said so (per topic, counted; a controller's stay for its next run).
        const unread = queue.closed ? queue.opened?.drain() : undefined;
        if (unread !== undefined && unread.length > 0)
          run.emit('unread', { reason, topics: unread });
      },
    }),
    "gemloop's steering plugin, which steer(), queue() and send() (a stream's, a chat's) and the steering option add to a run",
  );
}

/** The boundary before a model call: what `receive` brings, then the steers, join the history. */
async function applySteers(
  run: PluginRun<SteeringRun>,
  queue: SteeringQueue,
  stepNumber: number,
): Promise<undefined> {
  if (receives(queue, run)) await receive(run, queue, stepNumber);
  const steers = takeSteers(queue, false);
  if (steers.length > 0) await appendSteers(run, steers, stepNumber);
  return undefined;
}

/**
 * Asks `receive` for the messages that arrived from elsewhere.
 * @throws {@link AgentRunError} with the history so far when `receive` throws (the error's
 *   secrets scrubbed), unless the error ends the run as it is.
 */
async function receive(
  run: PluginRun<SteeringRun>,
  queue: SteeringQueue,
  stepNumber: number,
): Promise<void> {
  const internals = internalsOf(run);
  let received: unknown;
  try {
    received = [...(await fromStore(run, queue)), ...(await fromRunner(run, queue.maxPending))];
  } catch (thrown) {
    // A message store that failed ends the run as a throwing onStepEnd does: typed, with the
    // history so far (ready for the next run), not a bare error with none.
    if (AgentAbortedError.isInstance(thrown) || internals.isRunEnding(thrown)) throw thrown;
    const error = internals.redact(thrown);
    throw new AgentRunError({
      message: `The steering controller's receive() threw at the boundary before step ${stepNumber}: ${describeThrown(error)}. error.run holds the history so far.`,
      run: internals.tracker.state(),
      cause: error,
    });
  }
  if ((received as unknown[]).length === 0) return;
  for (const steer of addReceived(queue, received as ReceivedSteer[])) {
    report(run, 'dropped', steer, stepNumber, 'too-many-pending');
  }
}

/** What the caller's own store (`createSteering({ receive })`) brought, if it has one. */
async function fromStore(
  run: PluginRun<SteeringRun>,
  queue: SteeringQueue,
): Promise<readonly unknown[]> {
  if (queue.receive === undefined) return [];
  const received = await untilAborted(run, queue.receive());
  return Array.isArray(received) ? received : [];
}

/**
 * What the runner's message service brought on {@link STEERING_TOPIC} (a durable run's
 * `runs.steer()`): values from a database, so one that is not JSON data of at most 256 KB is
 * skipped here, and one that is not `{ mode, message }` by the queue.
 */
async function fromRunner(run: PluginRun<SteeringRun>, max: number): Promise<readonly unknown[]> {
  const { runner } = run.state;
  if (runner === undefined) return [];
  const received = await untilAborted(run, runner(STEERING_TOPIC, Math.min(max, MAX_RUN_MESSAGES)));
  const checked: unknown[] = [];
  for (const value of Array.isArray(received) ? received : []) {
    try {
      checked.push(JSON.parse(messageJson(STEERING_TOPIC, value, 'steering')));
    } catch {
      // Dropped as a malformed message is.
    }
  }
  return checked;
}

/**
 * `receive()`'s answer, unless the run is aborted first: a message store that stopped answering
 * would otherwise hold the run past its signal (`receive` gets no signal of its own).
 * @throws {@link AgentAbortedError} (`between-steps`) when the run's signal fires first.
 */
function untilAborted<T>(run: PluginRun<SteeringRun>, answer: T | Promise<T>): Promise<T> {
  const { signal } = run;
  const aborted = (): AgentAbortedError =>
    new AgentAbortedError({
      phase: 'between-steps',
      run: internalsOf(run).tracker.state(),
      cause: signal.reason,
    });
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
 * Adds the steers to the history, one after the other, through `run.addInput`: after the run's
 * first model step each meets the input guardrails as the run's input did (a rewrite adds the
 * rewritten contents, a block ends the run with a {@link GuardrailTrippedError} before the model
 * sees it: that steer and the ones after it are reported dropped).
 */
async function appendSteers(
  run: PluginRun<SteeringRun>,
  steers: readonly PendingSteer[],
  stepNumber: number,
): Promise<void> {
  for (let index = 0; index < steers.length; index++) {
    const steer = steers[index] as PendingSteer;
    let added: readonly PendingSteer['content'][] | undefined;
    try {
      added = await run.addInput([steer.content]);
    } catch (error) {
      if (GuardrailTrippedError.isInstance(error))
        for (const dropped of steers.slice(index))
          report(run, 'dropped', dropped, stepNumber, 'guardrail');
      throw error;
    }
    if (added === undefined) {
      // Aborted during the check: this steer and the ones after it never reach the history.
      for (const dropped of steers.slice(index))
        report(run, 'dropped', dropped, stepNumber, 'aborted');
      return;
    }
    for (const content of added) report(run, 'applied', { mode: steer.mode, content }, stepNumber);
  }
}

/**
 * What became of a message: a `steer` event (observers read it too), and (once applied or dropped)
 * the run's `steering`, which the result carries (a unary run and a chat send have no events).
 */
function report(
  run: PluginRun<unknown>,
  status: SteeringStatus,
  steer: PendingSteer,
  stepNumber: number = run.steps.length + 1,
  reason?: SteeringDropReason,
): void {
  const { tracker, emit } = internalsOf(run);
  const value: SteeringReport = { status, mode: steer.mode, content: steer.content, stepNumber };
  if (reason !== undefined) value.reason = reason;
  if (status !== 'received') tracker.steering?.push(value);
  void emit?.({ type: 'steer', ...value });
}

/**
 * The public face of `queue`, carrying the plugin that binds it to the runs it steers. Here, beside
 * the plugin, so that a chat send's controller loads with it (`import()`): one entry of a browser
 * bundle, not two (issue 53, helper bytes).
 * @internal
 */
export function controllerOf(queue: SteeringQueue): Steering {
  const steering: Steering = {
    steer: (message) => queue.add('steer', message),
    queue: (message) => queue.add('queue', message),
    send: (topic, value) => queue.send(topic, value, 'steering.send()'),
    get pending() {
      return queue.size;
    },
  };
  Object.defineProperty(steering, PLUGIN_KEY, { value: steeringPlugin(queue), enumerable: false });
  return steering;
}
