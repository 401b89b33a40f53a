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
 * out of every text; it has no `cause` and its stack is its first line (the frames name the
 * worker's files). Made once, when a run fails: nothing on the way of a step.
 * @internal
 */
export function redactedRunError(error: unknown, keys: readonly string[]): Error {
  const withoutKeys = createSecretRedactor(keys);
  const redact = (text: string): string => redactLocalDetails(withoutKeys(text));
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
  return copy;
}

function describe(thrown: unknown): string {
  try {
    return String(thrown);
  } catch {
    return 'a value that cannot be shown';
  }
}
