import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { RunAccessDeniedError, type RunDoor } from './run-access-denied-error.ts';

// Who owns a run, for every door that reaches a run after it started: the in-process replay
// buffer (resume, cancel), the approval broker (answers), a durable run's API (@gemloop/dbos:
// events, approve, cancel, steer) and the protocol doors a later issue adds (MCP, A2A, AG-UI, an
// OpenAI-compatible endpoint). Protocol-neutral on purpose: an owner is a plain string the app
// maps its caller to (a session's user id, a tenant's id), recorded when the run starts and
// compared, never parsed, at each door.

/**
 * Who a run belongs to: any stable, non-empty id of the app's caller (a signed-in user's id, a
 * tenant's, an API key's id; never the key itself), up to 1024 characters. Recorded when the run
 * starts (`owner` of `toEventStreamResponse`, `writeEventStream`, `runs.start()` of
 * `@gemloop/dbos`) and given again by each later request that reaches the run.
 */
export type RunOwner = string;

const MAX_OWNER_CHARS = 1024;

/**
 * Whether a caller that presents `caller` may reach a run recorded with `owner`: only the same
 * owner may. A run started without an owner is reachable only by callers without one (an app that
 * does not name owners keeps working as before), and a run started with one never by a caller
 * without it, so a route that forgets to pass the owner is refused rather than opened to all.
 *
 * Every door calls this (or {@link checkRunOwner}), and answers a refusal exactly as it answers
 * an unknown run id (`410` for a resume, `404` elsewhere), so the answer tells a stranger nothing.
 */
export function isRunOwner(owner: RunOwner | undefined, caller: RunOwner | undefined): boolean {
  return owner === caller;
}

/**
 * {@link isRunOwner}, throwing for a refusal: for the doors that answer with errors (the durable
 * runs API of `@gemloop/dbos`). An HTTP route answers the error `404`.
 * @throws {@link RunAccessDeniedError} when `caller` may not reach the run (or `exists` is false).
 */
export function checkRunOwner(options: {
  runId: string;
  /** The door being passed, named in the error. */
  door: RunDoor;
  /** The owner recorded when the run started. */
  owner: RunOwner | undefined;
  /** The owner of the request. */
  caller: RunOwner | undefined;
  /** `false` for an unknown run: refused the same way (the caller learns nothing). Default `true`. */
  exists?: boolean | undefined;
}): void {
  if (options.exists === false || !isRunOwner(options.owner, options.caller)) {
    throw new RunAccessDeniedError({ runId: options.runId, door: options.door });
  }
}

/**
 * `value` as an owner option: `undefined`, or a non-empty string of at most 1024 characters.
 * @throws {@link InvalidArgumentError} naming `argument` for anything else. @internal
 */
export function checkOwnerOption(value: unknown, argument: string): RunOwner | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_OWNER_CHARS) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a non-empty string of at most ${MAX_OWNER_CHARS} characters (the caller's user or tenant id), or left out for a run nobody owns; got ${typeof value === 'string' ? `a string of ${value.length} characters` : `a ${value === null ? 'null' : typeof value}`}.`,
    });
  }
  return value;
}
