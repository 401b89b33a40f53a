// The checks of the durable runs API's arguments (create-runs-api.ts), each made before any
// statement reaches Postgres: a value it cannot store or index fails there with a bare
// DatabaseError, or, worse, means something else (NaN as an offset read every event).
import { InvalidArgumentError } from '@gemloop/core';
import { closestNames, describeValue } from '@gemloop/core/internal';
import { checkId } from '../../postgres/check-id.ts';
import { jsonbCanHold } from '../../postgres/jsonb-can-hold.ts';
import { type ApprovalDecision, isApprovalDecision } from '../approvals/approval-decision.ts';
import { whyUnstorable } from './run-input-limit.ts';

/** Refuses a run id Postgres cannot hold or index (see {@link checkId}). @internal */
export function checkRunId(runId: unknown): void {
  checkId(runId, 'runId', 'run id');
}

/** Refuses a `limit` of `list()` or `childRuns()` that is not a whole number >= 0. @internal */
export function checkLimit(limit: unknown): void {
  if (limit !== undefined && !(Number.isSafeInteger(limit) && (limit as number) >= 0)) {
    throw new InvalidArgumentError({
      argument: 'limit',
      message: `limit must be a whole number of runs >= 0 (got ${describeValue(limit)}).`,
    });
  }
}

/**
 * Refuses an `events()` offset that is not an event index: NaN read every event from 0 (no index
 * is below it), and a string (a query parameter passed on) was compared as a number. @internal
 */
export function checkOffset(offset: unknown): void {
  if (!(Number.isSafeInteger(offset) && (offset as number) >= 0)) {
    throw new InvalidArgumentError({
      argument: 'offset',
      message: `events: offset must be an event index, a whole number >= 0 (got ${describeValue(offset)}).`,
    });
  }
}

/**
 * Refuses an `approve()` decision that is malformed, or that holds text Postgres cannot store.
 * @internal
 */
export function checkDecision(decision: ApprovalDecision): void {
  let json: string | undefined;
  let problem: string | undefined;
  try {
    if (isApprovalDecision(decision)) json = JSON.stringify(decision);
  } catch (error) {
    // A getter, `toJSON` or Proxy trap of the caller's that throws, a BigInt or a cycle in the
    // edited arguments: refused typed, the thrown words never copied (before, they left
    // approve() as thrown, V8's bare TypeError for a BigInt: attack60c).
    problem = whyUnstorable(error);
  }
  if (problem !== undefined) {
    throw new InvalidArgumentError({
      argument: 'decision',
      message: `approve: the decision cannot be stored as JSON: ${problem}. Pass plain data (edited args as read from JSON).`,
    });
  }
  if (json === undefined) {
    throw new InvalidArgumentError({
      argument: 'decision',
      message:
        "approve: the decision must be { type: 'approve' }, { type: 'reject', reason: string } or { type: 'edit', args: object }.",
    });
  }
  // Stored as jsonb: a reason or edited argument with a NUL or a lone surrogate (text cut in the
  // middle of an emoji) failed with Postgres's bare "unsupported Unicode escape sequence".
  if (!jsonbCanHold(json)) {
    throw new InvalidArgumentError({
      argument: 'decision',
      message:
        'approve: the decision holds a NUL character or a lone UTF-16 surrogate (half of an emoji, say), which Postgres cannot store; remove it (`text.replaceAll("\\0", "").toWellFormed()`).',
    });
  }
}

/**
 * Refuses a `callId` of `approve()` that no call has: one with a NUL fails every statement.
 * @internal
 */
export function checkCallId(callId: unknown): void {
  if (typeof callId !== 'string' || callId === '' || callId.includes('\0')) {
    throw new InvalidArgumentError({
      argument: 'callId',
      message: `approve: the call id must be a pendingApprovals() approvalId or toolCallId, a non-empty string without NUL characters (got ${typeof callId === 'string' ? JSON.stringify(callId.slice(0, 40)) : `a ${typeof callId}`}).`,
    });
  }
}

/**
 * Refuses a method's options that are not an object, or hold a key `known` does not list, naming
 * the option meant (`ownr`: "Did you mean 'owner'?"), before any statement. The runs API checks
 * access only when given an `owner`, so a misspelt one read, cancelled or started runs with no
 * owner check at all (attack13). `known` is a record so that a key added to the options type
 * without a line there is a compile error (`satisfies`). @internal
 */
export function checkOptionKeys(options: unknown, known: object, method: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: `${method}: options must be an object such as { owner }.`,
    });
  }
  const names = Object.keys(known);
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const [meant] = closestNames({ input: key, candidates: names, limit: 1 });
    throw new InvalidArgumentError({
      argument: `options.${key.slice(0, 100)}`,
      message: `${method} has no option ${JSON.stringify(key.slice(0, 100))}.${meant === undefined ? '' : ` Did you mean '${meant}'?`} Its options are ${names.join(', ')}.`,
    });
  }
}

/** Refuses a `signal` of `method` that is not an `AbortSignal`. @internal */
export function checkSignal(signal: unknown, method: 'events' | 'result'): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError({
      argument: 'signal',
      message: `${method}: signal must be an AbortSignal (an AbortController's signal), or left out.`,
    });
  }
}
