import { BudgetReservationError } from '@gemloop/core/budget';
import {
  AgentAbortedError,
  AgentBackgroundError,
  AgentClosedError,
  AgentRunError,
  ApiCallError,
  BatchJobError,
  ChatBudgetExceededError,
  ChatHistoryCorruptError,
  ChatStoreError,
  ChatStoreLockedError,
  CompactionError,
  ContextWindowError,
  ContinuationError,
  FileNotFoundError,
  FileProcessingError,
  FileSearchOperationError,
  ForeignResponseError,
  GemloopError,
  GuardrailTrippedError,
  InteractionFailedError,
  InvalidArgumentError,
  InvalidHistoryError,
  InvalidModelResponseError,
  InvalidToolResultError,
  MissingApiKeyError,
  MissingDependencyError,
  MissingThoughtSignatureError,
  ModelCallError,
  OutputValidationError,
  ResponseTooLargeError,
  RunAccessDeniedError,
  RunMessageError,
  SchemaLibraryNotLoadedError,
  SteeringError,
  StreamError,
  SubagentError,
  TimeoutError,
  ToolCloseError,
  ToolExecutionError,
  ToolInputError,
  ToolTimeoutError,
  TreeBudgetError,
  UnknownToolError,
  UnsafePatternError,
  UnsupportedEndpointError,
  UploadError,
  VertexAuthError,
  WebhookSignatureError,
} from '@gemloop/core/errors';
import { emptyUsage, zeroCost } from '@gemloop/core/internal';
import { LiveSessionError } from '@gemloop/core/live';
import { EmbeddingLengthError, MemoryError } from '@gemloop/core/memory';
import { ModelCallLimitError, ModelRequestLimitError, PluginError } from '@gemloop/core/plugins';
import { ToolResultCacheError } from '@gemloop/core/tool-result-cache';
import { ArtifactStoreLimitError } from '../artifacts/artifact-store-limit-error.ts';
import { ChatSessionConflictError } from '../chat/chat-session-conflict-error.ts';
import { ApprovalNotPendingError } from './approval-not-pending-error.ts';
import { BudgetPoolRowError } from './budget-pool-row-error.ts';
import { DurableChatHistoryError } from './durable-chat-history-error.ts';
import { DurableReplayMismatchError } from './durable-replay-mismatch-error.ts';
import { DurableRunDataError } from './durable-run-data-error.ts';
import { DurableRunError } from './durable-run-error.ts';
import { DurableRunInputTooLargeError } from './durable-run-input-too-large-error.ts';
import { MixedFleetError } from './mixed-fleet-error.ts';
import { PostgresUnreachableError } from './postgres-unreachable-error.ts';
import { UnknownHandoffAgentError } from './unknown-handoff-agent-error.ts';
import { WorkerAlreadyRunningError } from './worker-already-running-error.ts';

/** A gemloop error class as the table holds it: its prototype and its own `isInstance`. */
type StoredErrorClass = (abstract new (
  ...args: never[]
) => GemloopError) & {
  isInstance(error: unknown): boolean;
};

// why (table): the classes a stored error may name, a constant read only. Chosen over a static
// `fromStored` on each class: the revival is the same for all of them (the fields as stored, on
// the class's prototype, through the nearest constructor that sets its markers), and a table
// here keeps core's classes free of DBOS's storage. A class of the user's is not in it and its
// error stays as DBOS revives it (a plain Error with its name and fields).
// Read with `Object.hasOwn` only: a name such as `constructor` finds nothing.
const STORED_ERROR_CLASSES: Readonly<Record<string, StoredErrorClass>> = Object.freeze({
  AgentAbortedError,
  AgentBackgroundError,
  AgentClosedError,
  AgentRunError,
  ApiCallError,
  ApprovalNotPendingError,
  ArtifactStoreLimitError,
  BatchJobError,
  BudgetPoolRowError,
  BudgetReservationError,
  ChatBudgetExceededError,
  ChatHistoryCorruptError,
  ChatSessionConflictError,
  ChatStoreError,
  ChatStoreLockedError,
  CompactionError,
  ContextWindowError,
  ContinuationError,
  DurableChatHistoryError,
  DurableReplayMismatchError,
  DurableRunDataError,
  DurableRunError,
  DurableRunInputTooLargeError,
  EmbeddingLengthError,
  FileNotFoundError,
  FileProcessingError,
  FileSearchOperationError,
  ForeignResponseError,
  GemloopError,
  GuardrailTrippedError,
  InteractionFailedError,
  InvalidArgumentError,
  InvalidHistoryError,
  InvalidModelResponseError,
  InvalidToolResultError,
  LiveSessionError,
  MemoryError,
  MissingApiKeyError,
  MissingDependencyError,
  MissingThoughtSignatureError,
  MixedFleetError,
  ModelCallError,
  ModelCallLimitError,
  ModelRequestLimitError,
  OutputValidationError,
  PluginError,
  PostgresUnreachableError,
  ResponseTooLargeError,
  RunAccessDeniedError,
  RunMessageError,
  SchemaLibraryNotLoadedError,
  SteeringError,
  StreamError,
  SubagentError,
  TimeoutError,
  ToolCloseError,
  ToolExecutionError,
  ToolInputError,
  ToolResultCacheError,
  ToolTimeoutError,
  TreeBudgetError,
  UnknownHandoffAgentError,
  UnknownToolError,
  UnsafePatternError,
  UnsupportedEndpointError,
  UploadError,
  VertexAuthError,
  WebhookSignatureError,
  WorkerAlreadyRunningError,
});

/**
 * A field's type: `objects` is an array of plain objects (what a class's getter walks), `texts`
 * an array of strings, `record` one plain object.
 */
type FieldType = 'string' | 'number' | 'boolean' | 'objects' | 'texts' | 'record';

const TOOL_FIELDS = { toolName: 'string', toolCallId: 'string' } as const;

// why (table): a constant read only. The type each field has that callers branch on (a page's
// words read `status` and `phase`, a retry `isRetryable`, a parent the tool's name): a row whose
// field has another type is not revived, so code that holds `ApiCallError.isInstance(error)`
// never meets `status: "503"`. A field not named here needs only be plain data.
const FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, FieldType>>>> = Object.freeze({
  AgentAbortedError: { phase: 'string' },
  ApiCallError: {
    url: 'string',
    method: 'string',
    status: 'number',
    googleStatus: 'string',
    apiMessage: 'string',
    responseBody: 'string',
    isRetryable: 'boolean',
    retryDelayMs: 'number',
    isDailyQuota: 'boolean',
    attempt: 'number',
    details: 'objects',
  },
  ContinuationError: { reason: 'string', hops: 'number', reconnects: 'number' },
  DurableRunError: { runId: 'string', status: 'string' },
  GuardrailTrippedError: { guardrailName: 'string', phase: 'string', reason: 'string' },
  ModelCallError: { stepNumber: 'number' },
  ModelCallLimitError: { plugin: 'string', hook: 'string', limit: 'number', stepNumber: 'number' },
  PluginError: { plugin: 'string', hook: 'string', detail: 'string' },
  StreamError: { reason: 'string', chunksDelivered: 'number', event: 'string' },
  SubagentError: { toolName: 'string', path: 'texts', usage: 'record', cost: 'record' },
  TimeoutError: { timeoutMs: 'number', operation: 'string' },
  ToolCloseError: { failures: 'objects' },
  ToolExecutionError: TOOL_FIELDS,
  ToolInputError: TOOL_FIELDS,
  ToolTimeoutError: { ...TOOL_FIELDS, timeoutMs: 'number' },
  UnknownToolError: TOOL_FIELDS,
});

// why (table): a constant read only. The fields a class's getters and `toJSON` walk, given
// empty when the row has none: a run's stored error keeps texts, numbers and booleans only
// (redacted-run-error.ts), and `error.retryInfo` of an ApiCallError without `details`, or
// `toJSON()` of a ToolCloseError without `failures`, would throw.
const EMPTY_FIELDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  ApiCallError: ['details'],
  SubagentError: ['path'],
  ToolCloseError: ['failures', 'errors'],
});

/** The names of the classes a stored error is revived as (for the table's test). @internal */
export function storedErrorClassNames(): string[] {
  return Object.keys(STORED_ERROR_CLASSES);
}

/** Deepest `cause` revived, as deep as the worker stores one (redacted-run-error.ts). */
const MAX_DEPTH = 8;
/** Most fields (and items of one array or object field) a revived error takes. */
const MAX_ITEMS = 100;
/**
 * Longest text a revived error takes: the stored texts were redacted, not all cut (a run's
 * message is stored whole), so the bound is a row's, well above any gemloop message.
 */
const MAX_TEXT = 100_000;

/** Keys the revival sets itself (a key the class's prototype has, `__proto__` too, fails it). */
const OWN_KEYS = new Set(['name', 'message', 'stack', 'cause', 'code']);

/**
 * The enumerable property a failed child's stored error carries the run it ended in (its steps,
 * usage and cost), for its parent (durable/children/stored-child-run.ts). Never a field of the
 * revived error: it is not the class's data (the class's `run` is rebuilt from it), and a log
 * line or `toJSON` would print every step. @internal
 */
export const STORED_RUN_PROPERTY = 'gemloopChildRun';

/**
 * The enumerable property a failed child workflow's stored error carries what the child spent
 * in (durable/children/durable-children.ts: its `ChildSpendRecord`), for the parent to count: DBOS
 * records a workflow's error with its own enumerable properties (serialize-error,
 * @dbos-inc/dbos-sdk dist/src/serialization.js), so a replay reads the same record. @internal
 */
export const CHILD_SPEND_PROPERTY = 'gemloopChildSpend';

/**
 * The enumerable property a failed child workflow's stored error carries the events the child
 * emitted before it failed in (durable/children/durable-children.ts, at most `MAX_CHILD_EVENTS`),
 * for the parent to hand to its stream as a child's that succeeds are (in process a failed
 * child's events reach its parent's stream as they come; events66). In the same row DBOS writes
 * for the error: no statement of its own. @internal
 */
export const CHILD_EVENTS_PROPERTY = 'gemloopChildEvents';

/**
 * The enumerable property a stored child error carries its tree-budget stop in (the subagent
 * step of a run the worker did not prepare: its run ended with a `TreeBudgetError`), so the
 * parent throws the same typed error on the first run and on a replay. @internal
 */
export const BUDGET_STOP_PROPERTY = 'gemloopBudgetStop';

// why (constant): read only. gemloop's own records a stored error carries for its reader, which
// must be enumerable to be stored at all; none is the class's data.
/** The records above: never a revived error's field, and not shown on one left as stored. */
const STORED_RECORDS: ReadonlySet<string> = new Set([
  STORED_RUN_PROPERTY,
  CHILD_SPEND_PROPERTY,
  CHILD_EVENTS_PROPERTY,
  BUDGET_STOP_PROPERTY,
]);

/**
 * A stored error (as DBOS revives `workflow_status.error` or a child's row: a plain `Error` with
 * the class's `name`, its `code` and data fields, redacted as the worker stored them) as the
 * gemloop class it names, so `ApiCallError.isInstance(error)` and `instanceof` hold after a run
 * failed in another process as they do in process; its `cause` chain likewise. A row is trusted
 * with nothing: a name not in the table, a `code` its class does not have, or a field that is not
 * bounded plain data (a huge text, a function, a class instance, a key the class defines such
 * as `toJSON`) leaves the error as stored, name and code kept. An `AgentRunError`'s `run` is
 * not stored (it holds the history): a revived one has `run` when given (`runs.result()` reads it
 * from the run's events, failed-run-state.ts; a parent, and `runs.result()` of a subagent's run,
 * from the steps a failed child's stored error carries, stored-child-run.ts), else an empty run
 * (no contents nor steps, zero usage and cost); its causes have an empty one. A `SubagentError`
 * given `run` has it as its `childRun`, and its cause (the failed child's error) as its `run`; its
 * `path`, `usage` and `cost` are the row's (a run's row holds them: stored-child-error.ts
 * `withSubagentRun`), or, from a row without them, `[]`, `run`'s usage (else zeros) and
 * `undefined` (see `withSpend`).
 * @internal
 */
export function typedStoredError(
  error: unknown,
  depth = 0,
  run?: AgentRunError['run'] | undefined,
): unknown {
  if (!(error instanceof Error)) return error;
  // An error left as stored (an app's class, a row that does not revive) is logged as it is:
  // `util.inspect`, `JSON.stringify` and pino's err serializer showed the spend record as a field
  // (durable65). Kept, not shown: the parent reads it before, and a replay reads the row again.
  hideRecords(error);
  if (GemloopError.isInstance(error) || depth >= MAX_DEPTH) return error;
  try {
    return revived(error, depth, run) ?? error;
  } catch {
    // A row shaped to make the revival throw (a constructor's own check) stays as stored.
    return error;
  }
}

function revived(
  stored: Error,
  depth: number,
  run: AgentRunError['run'] | undefined,
): GemloopError | undefined {
  const name = ownValue(stored, 'name') ?? Object.getPrototypeOf(stored)?.name;
  const code = ownValue(stored, 'code');
  const message = ownValue(stored, 'message') ?? '';
  if (typeof name !== 'string' || typeof code !== 'string' || typeof message !== 'string') return;
  if (code.length > MAX_TEXT || message.length > MAX_TEXT) return;
  const type = Object.hasOwn(STORED_ERROR_CLASSES, name) ? STORED_ERROR_CLASSES[name] : undefined;
  if (type === undefined) return;
  const fields = plainFields(stored, type);
  if (fields === undefined || !typesHold(name, fields)) return;
  for (const key of Object.hasOwn(EMPTY_FIELDS, name) ? (EMPTY_FIELDS[name] ?? []) : []) {
    fields[key] ??= [];
  }
  const error = constructed(type, message, fields, run ?? emptyRun());
  Object.defineProperty(error, 'message', { ...hidden(message) });
  Object.defineProperty(error, 'code', { ...hidden(code), enumerable: true });
  for (const [key, value] of Object.entries(fields)) {
    const own = Object.getOwnPropertyDescriptor(error, key);
    // A field the constructor made fixed (an `AgentRunError`'s `run`) is not the row's to set.
    if (own !== undefined && (own.configurable !== true || own.writable !== true)) return;
    Object.defineProperty(error, key, { ...hidden(value), enumerable: true });
  }
  // A SubagentError's `run` is its `childRun`, the failed child's, whose own error is its cause.
  const childRun = type === SubagentError ? run : undefined;
  if (childRun !== undefined) Object.defineProperty(error, 'childRun', hidden(childRun));
  if (type === SubagentError) withSpend(error, fields, childRun);
  const cause = ownValue(stored, 'cause');
  if (cause !== undefined) {
    Object.defineProperty(error, 'cause', hidden(typedStoredError(cause, depth + 1, childRun)));
  }
  // The worker's frames were never stored: the stack is the first line, as stored.
  Object.defineProperty(error, 'stack', hidden(`${name}: ${message}`));
  // The class's own check, which reads its `code`: a row whose code is not its class's fails it.
  return type.isInstance(error) && error.name === name ? error : undefined;
}

/**
 * The error on `type`'s prototype, made by the nearest constructor of its chain that sets the
 * markers its `isInstance` reads (`AgentRunError`'s, `PluginError`'s, `ChatStoreError`'s), with
 * `new.target` the class: its own constructor is not called (each takes other options, and
 * would check or recompute what was stored).
 */
function constructed(
  type: StoredErrorClass,
  message: string,
  fields: Record<string, unknown>,
  run: AgentRunError['run'],
): GemloopError {
  const text = (key: string): string => (typeof fields[key] === 'string' ? fields[key] : '');
  const count = (key: string): number => (typeof fields[key] === 'number' ? fields[key] : 0);
  if (type === ModelCallLimitError) {
    // Its own constructor: its marker is set nowhere else, and its options are its fields.
    const limit = count('limit');
    return new ModelCallLimitError({
      plugin: text('plugin'),
      limit,
      stepNumber: count('stepNumber'),
      run,
    });
  }
  if (extendsClass(type, PluginError)) {
    // The hook as stored (a row without one names none, not a hook it did not fail in).
    const hook = text('hook') as PluginError['hook'];
    const options = { plugin: text('plugin'), hook, message, run };
    return Reflect.construct(PluginError, [options], type) as GemloopError;
  }
  if (extendsClass(type, AgentRunError)) {
    return Reflect.construct(AgentRunError, [{ message, run }], type) as GemloopError;
  }
  if (extendsClass(type, ChatStoreError)) {
    const options = { message, operation: 'load' as const, sessionId: text('sessionId') };
    return Reflect.construct(ChatStoreError, [options], type) as GemloopError;
  }
  return Reflect.construct(GemloopError, [{ message }], type) as GemloopError;
}

/**
 * A revived `SubagentError`'s `usage` and `cost` where its row has none (a row stored before
 * they were, or a forged one): `usage` the failed child's (`childRun`'s, what the error holds when
 * it is made in process, before the runs it ends add theirs), else zero counts; `cost`
 * `undefined`, "not known", as the class tells a price it cannot give.
 */
function withSpend(
  error: GemloopError,
  fields: Record<string, unknown>,
  childRun: AgentRunError['run'] | undefined,
): void {
  if (fields['usage'] === undefined) {
    const usage = childRun?.usage ?? emptyUsage();
    Object.defineProperty(error, 'usage', { ...hidden(usage), enumerable: true });
  }
  if (fields['cost'] === undefined) {
    Object.defineProperty(error, 'cost', { ...hidden(undefined), enumerable: true });
  }
}

/** Whether each field `FIELD_TYPES` names for the class has its type, where the row has it. */
function typesHold(name: string, fields: Record<string, unknown>): boolean {
  const types = Object.hasOwn(FIELD_TYPES, name) ? FIELD_TYPES[name] : undefined;
  if (types === undefined) return true;
  return Object.entries(types).every(([key, type]) => {
    const value = fields[key];
    if (value === undefined) return true;
    if (type === 'record')
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    if (type === 'texts')
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    if (type !== 'objects') return typeof value === type;
    return Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null);
  });
}

function extendsClass(type: StoredErrorClass, base: StoredErrorClass): boolean {
  return type === base || type.prototype instanceof base;
}

/**
 * An agent run's state with nothing in it: the history is not stored with the error. Its cost
 * is zero, as its usage: a failed child's `run.cost` becomes its call's cost in the parent when
 * the child's meter counted nothing (core's subagent.ts), where an unknown one would report a
 * price unknown for a call that spent nothing (before, no `run` gave no cost there). What a
 * durable run spent is in its events and its steps' records, not in its error.
 */
function emptyRun(): AgentRunError['run'] {
  return {
    contents: [],
    newContents: [],
    steps: [],
    usage: emptyUsage(),
    cost: zeroCost(),
  };
}

/**
 * The stored error's own fields as bounded plain data, without the keys the revival sets and
 * those its class defines (a method or getter: `toJSON`, `isRetryable`); `undefined` when one is
 * not plain data or past a bound.
 */
function plainFields(stored: Error, type: StoredErrorClass): Record<string, unknown> | undefined {
  const keys = Object.keys(stored);
  if (keys.length > MAX_ITEMS) return undefined;
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    if (OWN_KEYS.has(key) || STORED_RECORDS.has(key)) continue;
    if (key in type.prototype) return undefined;
    const value = plainData(ownValue(stored, key), 0);
    if (value === INVALID) return undefined;
    fields[key] = value;
  }
  return fields;
}

// why (sentinel): compared by identity inside this module, carries nothing.
/** What `plainData` returns for a value that is not bounded plain data. */
const INVALID: unique symbol = Symbol('invalid');

function plainData(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_TEXT ? INVALID : value;
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : INVALID;
  if (typeof value !== 'object' || depth + 1 >= MAX_DEPTH) return INVALID;
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) return INVALID;
    const items = value.map((item) => plainData(item, depth + 1));
    return items.includes(INVALID) ? INVALID : items;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return INVALID;
  const keys = Object.keys(value);
  if (keys.length > MAX_ITEMS) return INVALID;
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    // `copy.__proto__ = item` would set the copy's prototype: a row that names it is refused.
    if (key in Object.prototype) return INVALID;
    const item = plainData(ownValue(value, key), depth + 1);
    if (item === INVALID) return INVALID;
    copy[key] = item;
  }
  return copy;
}

/** Makes `error`'s own {@link STORED_RECORDS} not enumerable (their values kept). */
function hideRecords(error: Error): void {
  for (const key of STORED_RECORDS) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor?.enumerable === true && descriptor.configurable === true) {
      Object.defineProperty(error, key, { ...descriptor, enumerable: false });
    }
  }
}

/** `value`'s own data property `key`; `undefined` when it has none or it is an accessor. */
function ownValue(value: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}

/** A writable, configurable, not enumerable data property holding `value`. */
function hidden(value: unknown): PropertyDescriptor {
  return { value, enumerable: false, writable: true, configurable: true };
}
