import { redactLocalDetails } from '@gemloop/core/guardrails';
import { createSecretRedactor } from '@gemloop/core/internal';
import { field, readOwn, readText } from '../steps/read-thrown.ts';

/**
 * The error a failed run's workflow throws to DBOS, told safely: DBOS writes what the workflow
 * throws (its name, message, stack, enumerable fields and `cause` chain, serialization.js'
 * `serializeErrorWithCause`) into `workflow_status.error`, and every client's `runs.result()`,
 * `runs.status()` and `DurableRunError` reads it back. A tool's thrown
 * `postgres://app:pw@10.0.0.5/orders` reached that row and each of them (redact39, found by
 * attack30). This copy keeps what callers branch on, the class's `name`, `code` and the other
 * text, number and boolean fields (a plain `Error`, as DBOS revives any stored error), with the run's clients' keys and the local
 * details `redactLocalDetails` takes (URLs, paths, addresses, hosts, Google keys by their shape)
 * out of every text; its stack is its first line (the frames name the worker's files). Its
 * `cause` chain is copied the same way, 8 deep at most, as a stored child error's is
 * (stored-child-error.ts): a `ModelCallError`'s cause is what callers branch on (a
 * `ContinuationError`'s `reason: 'max-hops'`, an `ApiCallError`'s `status`), and a durable run's
 * error without it told less than the same run in process (everywhere42). Made once, when a run
 * fails: nothing on the way of a step.
 * @internal
 */
export function redactedRunError(error: unknown, keys: readonly string[]): Error {
  const withoutKeys = createSecretRedactor(keys);
  return copied(error, (text) => redactLocalDetails(withoutKeys(text)), 0);
}

/** Deepest `cause` a run's stored error keeps: a cause chain may loop. */
const MAX_DEPTH = 8;

function copied(error: unknown, redact: (text: string) => string, depth: number): Error {
  if (!(error instanceof Error)) return new Error(redact(describe(error)));
  // A plain Error: DBOS revives a stored error as one whatever its class (its name and fields
  // kept), and a class's own `toJSON` or accessors could print what was not checked.
  const copy = new Error(redact(readText(error, 'message')));
  for (const key of Object.keys(error)) {
    if (key === 'cause' || key === 'stack' || key === 'message') continue;
    const value = readOwn(error, key);
    if (typeof value === 'string') Object.defineProperty(copy, key, field(redact(value)));
    else if (typeof value === 'number' || typeof value === 'boolean')
      Object.defineProperty(copy, key, field(value));
  }
  // `name` is most often the prototype's (a class's), not an own field: written down so DBOS
  // stores it whatever serialize-error reads.
  const name = redact(readText(error, 'name') || 'Error');
  Object.defineProperty(copy, 'name', { ...field(name), enumerable: false });
  copy.stack = `${name}: ${copy.message}`;
  const cause = readOwn(error, 'cause');
  // Not enumerable, as a native cause: DBOS walks it on its own (serializeErrorWithCause) and
  // revives it as the copy's `cause`. Only an Error: a thrown value of another kind tells nothing typed.
  if (cause instanceof Error && depth + 1 < MAX_DEPTH) {
    const value = copied(cause, redact, depth + 1);
    Object.defineProperty(copy, 'cause', { ...field(value), enumerable: false });
  }
  return copy;
}

function describe(thrown: unknown): string {
  try {
    return String(thrown);
  } catch {
    return 'a value that cannot be shown';
  }
}
