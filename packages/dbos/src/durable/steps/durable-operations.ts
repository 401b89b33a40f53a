import { DBOS, type WorkflowHandle } from '@dbos-inc/dbos-sdk';
import { toReplayMismatch } from './replay-mismatch.ts';

// DBOS numbers these operations in the run as it does steps and, on a replay, compares the
// recorded name at the number with its own (`DBOS.setEvent`, `DBOS.sleep`, `DBOS.getEvent`, a
// stream write, a child workflow's name) and throws `DBOSUnexpectedStepError` when another
// operation was recorded there: after a deploy, a run's first different operation may be one of
// these rather than a step. Each is called synchronously (DBOS takes the number at the call) and
// its error turned as `runDurableStep` turns a step's (leftovers57).

/** DBOS's own options of a started workflow (its type is not exported by the package's index). */
type StartWorkflowParams = NonNullable<Parameters<typeof DBOS.startWorkflow>[1]>;

function rethrow(error: unknown): never {
  throw toReplayMismatch(error);
}

/**
 * `DBOS.setEvent`, whose replay meeting another operation's record ends the run with
 * `DurableReplayMismatchError` rather than DBOS's untyped error.
 * @internal
 */
export function durableSetEvent<T>(key: string, value: T): Promise<void> {
  return DBOS.setEvent(key, value).catch(rethrow);
}

/**
 * `DBOS.sleepms`, a replay mismatch typed as {@link durableSetEvent}'s.
 * @internal
 */
export function durableSleep(milliseconds: number): Promise<void> {
  return DBOS.sleepms(milliseconds).catch(rethrow);
}

/**
 * `DBOS.getEvent`, a replay mismatch typed as {@link durableSetEvent}'s (checked only when it is
 * called inside a workflow).
 * @internal
 */
export function durableGetEvent<T>(
  workflowId: string,
  key: string,
  timeoutSeconds: number,
): Promise<T | null> {
  return DBOS.getEvent<T>(workflowId, key, { timeoutSeconds }).catch(rethrow);
}

/**
 * `DBOS.writeStream`, a replay mismatch typed as {@link durableSetEvent}'s.
 * @internal
 */
export function durableWriteStream<T>(key: string, value: T): Promise<void> {
  return DBOS.writeStream(key, value).catch(rethrow);
}

/**
 * `DBOS.startWorkflow(target, params)(...args)`: started from inside a workflow, the child's
 * place in its parent is checked on a replay, a mismatch typed as {@link durableSetEvent}'s.
 * @internal
 */
export function durableStartWorkflow<Args extends unknown[], Return>(
  target: (...args: Args) => Promise<Return>,
  params: StartWorkflowParams,
  ...args: Args
): Promise<WorkflowHandle<Return>> {
  return DBOS.startWorkflow(target, params)(...args).catch(rethrow);
}

/**
 * `DBOS.recv` of an interaction's wake-up, a replay mismatch typed as {@link durableSetEvent}'s
 * (steering's reads turn theirs where they also handle an unreadable message).
 * @internal
 */
export function durableRecv<T>(topic: string, timeoutSeconds: number): Promise<T | null> {
  return DBOS.recv<T>(topic, { timeoutSeconds }).catch(rethrow);
}
