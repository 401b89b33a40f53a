import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { DurableRunDataError } from '../../errors/durable-run-data-error.ts';
import { MAX_KEYS_FINGERPRINT_LENGTH } from '../events/keyless-history.ts';
import type { EventBatch } from '../events/run-events.ts';
import { restoreLongStrings } from '../events/shared-strings.ts';
import { dropOlderReaderGuard } from './stored-result-contents.ts';

/**
 * Argument `index` of the run's workflow as stored, or `undefined` when the stored input is not
 * the list gemloop wrote: DBOS's `listWorkflows` returns a row it cannot parse as its raw text
 * (`safeParse`, `@dbos-inc/dbos-sdk` 5.3 `dist/src/serialization.js`), whose `[0]` read as the
 * run's agent its first character (attack24).
 * @internal
 */
export function storedArgument(workflow: WorkflowStatus, index: number): unknown {
  return Array.isArray(workflow.input) ? workflow.input[index] : undefined;
}

/**
 * What the runs API tells of a run besides its DBOS status: its agent, its owner (a top run's),
 * and a subagent's parent and path.
 * @internal
 */
export type RunHead = {
  agent?: string | undefined;
  owner?: string | undefined;
  parentRunId?: string | undefined;
  path?: string[] | undefined;
};

// Keys of the DBOS workflow attributes gemloop writes with a run (DBOS 5.3 stores them in the
// JSONB column `workflow_status.attributes`, in the same INSERT as the workflow's status and
// input, and `listWorkflows` returns them without the input: `dist/src/system_database.js`;
// set from `EnqueueWorkflowOptions.attributes`, dbos-inc/dbos-transact-ts `src/enqueue_options.ts`,
// and `StartWorkflowParams.workflowAttributes`).
const AGENT = 'gemloop.agent';
const OWNER = 'gemloop.owner';
const PARENT = 'gemloop.parent';
const PATH = 'gemloop.path';

/**
 * The attributes a run's workflow is started with: what {@link headOf} reads back without
 * loading the run's input (which may be up to `maxInputBytes`: 100 MB read and parsed for each
 * status read or owner check before, attack24b).
 * @internal
 */
export function runAttributes(head: RunHead & { agent: string }): Record<string, unknown> {
  return {
    [AGENT]: head.agent,
    ...(head.owner === undefined ? {} : { [OWNER]: head.owner }),
    ...(head.parentRunId === undefined ? {} : { [PARENT]: head.parentRunId }),
    ...(head.path === undefined ? {} : { [PATH]: head.path }),
  };
}

/**
 * The attributes `listWorkflows` matches (`attributes @> …`, DBOS's GIN-indexed containment) to
 * list `owner`'s runs: the same key and value {@link runAttributes} writes. @internal
 */
export function ownerAttributes(owner: string): Record<string, unknown> {
  return { [OWNER]: owner };
}

/**
 * The run's head from its workflow's attributes, or `undefined` for a workflow started without
 * them (by gemloop before attack24b): read it from the input then ({@link headFromInput}). The
 * attributes are a row like any other: each field is taken only when of its type.
 * @internal
 */
export function headOf(workflow: WorkflowStatus): RunHead | undefined {
  const attributes = workflow.attributes as Record<string, unknown> | undefined | null;
  if (typeof attributes !== 'object' || attributes === null || !(AGENT in attributes)) {
    return undefined;
  }
  const text = (key: string): string | undefined =>
    typeof attributes[key] === 'string' ? (attributes[key] as string) : undefined;
  const path = attributes[PATH];
  return {
    agent: text(AGENT),
    owner: text(OWNER),
    parentRunId: text(PARENT),
    path: Array.isArray(path)
      ? path.filter((segment): segment is string => typeof segment === 'string')
      : undefined,
  };
}

/**
 * The run's head from its stored input (`[agent, request]`), for a workflow without gemloop's
 * attributes: loaded with its input (`loadInput: true`).
 * @internal
 */
export function headFromInput(workflow: WorkflowStatus, child: boolean): RunHead {
  const agent = storedArgument(workflow, 0);
  const request = storedArgument(workflow, 1) as
    | { owner?: unknown; parentWorkflowId?: unknown; path?: unknown }
    | undefined;
  return {
    agent: typeof agent === 'string' ? agent : undefined,
    owner: !child && typeof request?.owner === 'string' ? request.owner : undefined,
    parentRunId:
      child && typeof request?.parentWorkflowId === 'string' ? request.parentWorkflowId : undefined,
    path:
      child && Array.isArray(request?.path)
        ? request.path.filter((segment): segment is string => typeof segment === 'string')
        : undefined,
  };
}

/**
 * Whether `error`, thrown by DBOS while it read a stored value, says the value could not be
 * parsed: `JSON.parse`'s SyntaxError, or the TypeError of a value its serializer did not write.
 * Its message is never shown: V8's quotes the row's text around the bad token.
 * @internal
 */
export function isUnreadableValue(error: unknown): boolean {
  return (
    error instanceof SyntaxError || (error instanceof TypeError && /serializ/i.test(error.message))
  );
}

/**
 * The entry at `entry` of the run's event stream, checked: `{ from, events }` with `from` a whole
 * number no further than `next` (the next event to read; further on, events are missing, and
 * every later one would be dropped as read), every event an object with a `type` and a `path`
 * (a list of agent names), a
 * `resultAt` (when there is one) the index of a `run-end` among them, and its shared strings
 * (`sharedStrings`) put back in their places.
 * @throws {@link DurableRunDataError} naming the entry and what is wrong.
 * @internal
 */
export function checkEventBatch(
  runId: string,
  entry: number,
  value: unknown,
  next: number,
): EventBatch {
  const refuse = (problem: string): never => {
    throw new DurableRunDataError({ runId, row: 'events', entry, problem });
  };
  const batch = value as Partial<EventBatch> | null;
  if (
    typeof batch !== 'object' ||
    batch === null ||
    !Number.isSafeInteger(batch.from) ||
    (batch.from as number) < 0 ||
    !Array.isArray(batch.events)
  ) {
    return refuse('is not an entry of events ({ from, events })');
  }
  const from = batch.from as number;
  if (from > next) return refuse(`starts at event ${from}, past event ${next}: events are missing`);
  batch.events.forEach((event, index) => {
    const { type, path } = (typeof event === 'object' && event !== null ? event : {}) as {
      type?: unknown;
      path?: unknown;
    };
    if (typeof type !== 'string')
      refuse(`event ${from + index} is not an event (an object with a type)`);
    // Every event names its agent by `path` (every version wrote one): readers take its length
    // and its names (an A2A door's follower threw a bare TypeError at a `path` of `"x"` or none,
    // attack61d).
    if (!isAgentPath(path)) {
      refuse(`event ${from + index} has no path (a list of agent names)`);
    }
  });
  // The `run-end` written without the result it shares with the workflow's output (run-events.ts).
  const { resultAt } = batch;
  if (
    resultAt !== undefined &&
    !(
      Number.isSafeInteger(resultAt) &&
      (resultAt as number) >= from &&
      (batch.events[(resultAt as number) - from] as { type?: unknown } | undefined)?.type ===
        'run-end'
    )
  ) {
    return refuse(`names event ${String(resultAt)} as its run-end, which it does not hold`);
  }
  if (batch.sharedStrings !== undefined) {
    const problem = restoreLongStrings(batch.events, batch.sharedStrings);
    if (problem !== undefined) return refuse(problem);
    delete batch.sharedStrings;
  }
  return batch as EventBatch;
}

/** Whether a stored event's `path` is what `AgentPath` is: a list of agent names. */
function isAgentPath(path: unknown): boolean {
  return Array.isArray(path) && path.every((name) => typeof name === 'string');
}

/**
 * A run's stored result as its workflow returned it: its `keylessFor` mark (its new contents hold
 * no key: keyless-history.ts) taken out of its data and kept for {@link keylessMarkOf}, and the
 * long strings it holds more than once kept once, under `sharedStrings` (store-once42), put back;
 * a result of an older version has neither and reads as stored. What is wrong with a forged one,
 * or `undefined`.
 * @internal
 */
export function restoreStoredResult(result: object): string | undefined {
  if (Object.hasOwn(result, KEYLESS_KEY)) {
    const keys = (result as Record<string, unknown>)[KEYLESS_KEY];
    delete (result as Record<string, unknown>)[KEYLESS_KEY];
    // Out of the result's own data (it is no field of an agent result), for sendDurableChatTurn.
    if (typeof keys === 'string' && keys.length <= MAX_KEYS_FINGERPRINT_LENGTH) {
      Object.defineProperty(result, KEYLESS_MARK, { value: keys });
    }
  }
  if (!Object.hasOwn(result, SHARED_STRINGS_KEY)) return undefined;
  const shared = (result as Record<string, unknown>)[SHARED_STRINGS_KEY];
  delete (result as Record<string, unknown>)[SHARED_STRINGS_KEY];
  dropOlderReaderGuard(result, shared);
  return restoreLongStrings(result, shared);
}

/**
 * The key of a stored result that holds its shared strings: no agent result has it (the
 * result's keys are gemloop's own, `AgentResult`).
 * @internal
 */
export const SHARED_STRINGS_KEY = 'sharedStrings';

/**
 * The key of a stored result that holds the fingerprint of the keys its new contents hold none of
 * (a chat turn's mark, keyless-history.ts): no agent result has it.
 * @internal
 */
export const KEYLESS_KEY = 'keylessFor';

/** Where {@link restoreStoredResult} keeps a result's `keylessFor` (not enumerable, not JSON). */
// why (sentinel): a property key compared by identity inside this module, carries nothing.
const KEYLESS_MARK: unique symbol = Symbol('gemloop.keylessFor');

/**
 * The fingerprint of the keys the run of `result` (as `runs.result()` read it) found none of in
 * its new contents, or `undefined` (one held a key, the run had no keys, an older worker).
 * @internal
 */
export function keylessMarkOf(result: object): string | undefined {
  const mark = (result as { [KEYLESS_MARK]?: unknown })[KEYLESS_MARK];
  return typeof mark === 'string' ? mark : undefined;
}
