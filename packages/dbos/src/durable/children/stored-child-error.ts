import { SubagentError } from '@gemloop/core/composition';
import { MAX_TOOL_ERROR_MESSAGE_LENGTH, redactLocalDetails } from '@gemloop/core/guardrails';
import {
  type ChildBudgetStop,
  childBudgetStopError,
  createSecretRedactor,
  cutText,
  emptyUsage,
} from '@gemloop/core/internal';
import {
  BUDGET_STOP_PROPERTY,
  CHILD_EVENTS_PROPERTY,
  STORED_RUN_PROPERTY,
  typedStoredError,
} from '../../errors/typed-stored-error.ts';
import { field, readOwn, readText } from '../steps/read-thrown.ts';
import { childRunOf, storedChildRun } from './stored-child-run.ts';

/** Deepest `cause` (and nested field) a stored child error keeps: a cause chain may loop. */
const MAX_DEPTH = 8;

/** Most items of one array or object field a stored child error keeps. */
const MAX_ITEMS = 100;

/**
 * A failed subagent's error as DBOS stores it (the child workflow's row, and the parent's record
 * of its wait; or the `gemloop.subagent:*` step of a subagent the worker did not prepare): a
 * plain `Error` with the class's `name`, its message, `code`, and its enumerable fields (texts,
 * numbers, booleans, and arrays and plain objects of those: a `SubagentError`'s `path` and
 * `usage`), each text cut at 1,000 characters and without the keys of the run's clients (and their encoded forms) and
 * without the local details `redactLocalDetails` takes (`postgres://app:pw@10.0.0.5/db` becomes
 * `<url>`); its `cause` chain the same way, 8 deep at most; its stack only its first line. A
 * driver's message under a subagent's plugin sat whole in the child's row (attack30's
 * `teamLeak`, redact41). What is not plain data (a class instance in a field, the non-enumerable
 * history an `AgentRunError` carries) is left out, as DBOS would not store it anyway; that run's
 * steps, usage and cost go with it, copied as its fields are (stored-child-run.ts). The error
 * the parent reads is the same on the first run (this copy) and on a replay (DBOS's revival of
 * it; `childErrorForParent` rebuilds a `SubagentError` from both). Made only when a child
 * failed. @internal
 */
export function storedChildError(error: unknown, keys: readonly string[]): Error {
  const redact = storedTextOf(keys);
  return withRun(copyError(error, redact, 0), error, redact);
}

/**
 * `stored`, the copy of a failed run's error as the run's row holds it (redacted-run-error.ts),
 * with the failed child's run when the error is a `SubagentError` (its `childRun`), copied as a
 * stored child error's is, so `runs.result()` of a run that a subagent's failure ended gives the
 * child's run back as the same run in process holds it; and its `path`, `usage` and `cost` (what
 * the runs it ended spent: the whole tree's by the time the top run fails), which the run's copy
 * leaves out as it keeps only texts, numbers and booleans: `runs.result()`'s `SubagentError` had
 * none of them (durable65). Another error's run is the run's own, read from its events
 * (failed-run-state.ts), and is not stored again. @internal
 */
export function withSubagentRun(stored: Error, error: unknown, keys: readonly string[]): Error {
  if (!SubagentError.isInstance(error)) return stored;
  const redact = storedTextOf(keys);
  for (const key of SUBAGENT_DATA) {
    const value = plainCopy(readOwn(error, key), redact, 0);
    if (value !== undefined) Object.defineProperty(stored, key, field(value));
  }
  return withRun(stored, error, redact);
}

/**
 * `stored` (a failed child's error as `storedChildError` made it) with the events the child
 * emitted before it failed (`CHILD_EVENTS_PROPERTY`, enumerable so DBOS stores it in the error's
 * own row: no statement of its own), for the parent to hand to its stream as it hands a
 * successful child's (stored-child-events.ts; in process a failed child's events reach its
 * parent's stream as they come: events66). Each event is copied as the error's fields are: its
 * texts without the tree's keys and local details and cut at 1,000 characters, arrays and objects
 * of 100, 8 deep; the row is an error's, which the worker stores without secrets (a successful
 * child's events are stored as emitted, in its result). @internal
 */
export function withChildEvents(
  stored: Error,
  events: readonly unknown[],
  keys: readonly string[],
): Error {
  const redact = storedTextOf(keys);
  const copies = events.map((event) => plainCopy(event, redact, 0) ?? null);
  (stored as unknown as Record<string, unknown>)[CHILD_EVENTS_PROPERTY] = copies;
  return stored;
}

/** A `SubagentError`'s fields that are not texts, numbers or booleans: its path and spend. */
const SUBAGENT_DATA = ['path', 'usage', 'cost'] as const;

/** How a stored child error tells a text: without `keys` and local details, cut. */
function storedTextOf(keys: readonly string[]): (text: string) => string {
  const withoutKeys = createSecretRedactor(keys);
  return (text) => bounded(redactLocalDetails(withoutKeys(text)));
}

/** `stored` with the run `error` ended, copied as a field is: in process the parent holds it. */
function withRun(stored: Error, error: unknown, redact: (text: string) => string): Error {
  const run = storedChildRun(error, (value) => plainCopy(value, redact, 0));
  if (run !== undefined) Object.defineProperty(stored, STORED_RUN_PROPERTY, field(run));
  return stored;
}

/**
 * `text` cut at `MAX_TOOL_ERROR_MESSAGE_LENGTH` as a recorded step error is (recorded-error.ts;
 * never inside an emoji), after the redaction (a cut first could leave half a secret the patterns
 * no longer see): an `OutputValidationError`'s `text` (the model's whole answer) and its issues'
 * words were stored whole, a megabyte in the child's row and in its parent's record.
 */
function bounded(text: string): string {
  return text.length > MAX_TOOL_ERROR_MESSAGE_LENGTH
    ? `${cutText(text, MAX_TOOL_ERROR_MESSAGE_LENGTH)}...`
    : text;
}

/**
 * What the parent throws for a child's stored error (as `storedChildError` made it, or as
 * DBOS revived it on a replay: a plain `Error` either way): a `SubagentError` again when it was
 * one (by its `code` and name: the class's marker is not stored), so the tree ends with it as an
 * in-process tree does, a `TreeBudgetError` when it carries a budget stop, else the error as
 * the gemloop class it names (`typedStoredError`), or itself. An `AgentRunError`'s `run` (and a
 * `SubagentError`'s `childRun` and its cause's `run`) is the failed child's, as in process: its
 * steps as stored with the error, the `usage` and `cost` they sum to, `contents` empty
 * (stored-child-run.ts); empty for a child whose error carries no steps. @internal
 */
export function childErrorForParent(error: unknown): unknown {
  if (!(error instanceof Error) || SubagentError.isInstance(error)) return error;
  const fields = error as unknown as Record<string, unknown>;
  const stop = fields[BUDGET_STOP_PROPERTY];
  if (typeof stop === 'object' && stop !== null) {
    return childBudgetStopError(stop as ChildBudgetStop);
  }
  // The child's run, as the stored error carries it (stored-child-run.ts): an in-process parent
  // holds the child's steps and spend in the error's `run` (a SubagentError's `childRun`).
  const run = childRunOf(error);
  // Any other of gemloop's classes is rebuilt from its name and code (typed-stored-error.ts).
  if (fields['code'] !== 'subagent' || error.name !== 'SubagentError') {
    return typedStoredError(error, 0, run);
  }
  const path = fields['path'];
  const usage = fields['usage'];
  return new SubagentError({
    message: error.message,
    toolName: typeof fields['toolName'] === 'string' ? fields['toolName'] : '',
    path: Array.isArray(path) ? path.filter((item) => typeof item === 'string') : [],
    // In process the cause is the failed child's own error, and `childRun` its run.
    childRun: run,
    usage: { ...emptyUsage(), ...(typeof usage === 'object' && usage !== null ? usage : {}) },
    cost: (fields['cost'] ?? undefined) as SubagentError['cost'],
    cause: typedStoredError(error.cause, 0, run),
  });
}

function copyError(error: unknown, redact: (text: string) => string, depth: number): Error {
  if (!(error instanceof Error)) return new Error(redact(describe(error)));
  const copy = new Error(redact(readText(error, 'message')));
  for (const key of ownKeys(error)) {
    if (key === 'cause' || key === 'stack' || key === 'message') continue;
    const value = plainCopy(readOwn(error, key), redact, depth);
    if (value !== undefined) Object.defineProperty(copy, redact(key), field(value));
  }
  // `name` is most often the prototype's (a class's): written down so DBOS stores it.
  const name = redact(readText(error, 'name') || 'Error');
  Object.defineProperty(copy, 'name', { ...field(name), enumerable: false });
  copy.stack = `${name}: ${copy.message}`;
  const cause = readOwn(error, 'cause');
  if (cause !== undefined && depth + 1 < MAX_DEPTH) {
    // Not enumerable, as a native cause: DBOS walks it on its own (serializeErrorWithCause).
    const copied =
      cause instanceof Error
        ? copyError(cause, redact, depth + 1)
        : plainCopy(cause, redact, depth);
    if (copied !== undefined)
      Object.defineProperty(copy, 'cause', { ...field(copied), enumerable: false });
  }
  return copy;
}

/** `value` as plain JSON data with every text redacted; `undefined` for what is not plain data. */
function plainCopy(value: unknown, redact: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'object' || depth + 1 >= MAX_DEPTH) return undefined;
  if (value instanceof Error) return copyError(value, redact, depth + 1);
  try {
    if (Array.isArray(value)) {
      return value.slice(0, MAX_ITEMS).map((item) => plainCopy(item, redact, depth + 1) ?? null);
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    // A class instance may print what its fields do not show: left out.
    if (prototype !== Object.prototype && prototype !== null) return undefined;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value).slice(0, MAX_ITEMS)) {
      const item = plainCopy(readOwn(value, key), redact, depth + 1);
      if (item !== undefined) copy[redact(key)] = item;
    }
    return copy;
  } catch {
    // A proxy that refuses to be listed tells nothing.
    return undefined;
  }
}

function ownKeys(value: object): string[] {
  try {
    return Object.keys(value).slice(0, MAX_ITEMS);
  } catch {
    return [];
  }
}

function describe(thrown: unknown): string {
  try {
    return String(thrown);
  } catch {
    return 'a value that cannot be shown';
  }
}
