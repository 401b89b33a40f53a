import { scrubSecrets } from './scrub-secrets.ts';
import type { Secrets } from './secret-list.ts';

// Symbol.for, so an agent from one copy of gemloop finds the redactor of a client from another.
const REDACTOR = Symbol.for('gemloop.redactor');

/** Removes a client's secrets from a value: the value itself when it holds none. @internal */
export type Redactor = <T>(value: T) => T;

const keepAsIs: Redactor = (value) => value;

/**
 * Gives a client a hidden redactor: a non-enumerable symbol property holding a function that
 * scrubs the client's secrets (its API key) from any value, so code that holds only the client
 * (the agent) can keep the key out of what it reports, without the key ever being readable from
 * the client. Printing the client shows `[Function]`, not the key. The list is read at each use,
 * so credentials the client learns later (Vertex access tokens, a call's header credentials) are
 * scrubbed too.
 * @internal
 */
export function attachRedactor(client: object, secrets: Secrets): void {
  const redact: Redactor = (value) => scrubSecrets(value, secrets.values);
  Object.defineProperty(client, REDACTOR, { value: redact, enumerable: false });
}

/**
 * The redactor of a client made by `createGemini`, or one that keeps values as they are for any
 * other `Gemini` (a test double, a hand-made client that holds no key gemloop knows).
 * @internal
 */
export function redactorOf(client: unknown): Redactor {
  if (typeof client !== 'object' || client === null) return keepAsIs;
  const redact = (client as Record<symbol, unknown>)[REDACTOR];
  return typeof redact === 'function' ? (redact as Redactor) : keepAsIs;
}
