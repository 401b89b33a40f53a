import type { HeldText } from './scrub-secrets.ts';

/**
 * Removes a client's secrets from a value: the value itself when it holds none. A client made by
 * `createGemini` hands its own to the agent through its internal entry (`ModelCallEntry.redact`,
 * http/model-call-entry.ts), never as a property of the client. `held`: for a string, where it is
 * held and an observed run's memo of the long texts found clean ({@link HeldText}); the client's
 * redactor skips such a text found clean there before with the same secrets (a redactor that
 * ignores it scans every text, as before). Only the redactor knows its secrets as they are now
 * (a client learns credentials while it runs), so the memo is keyed inside it, by that list.
 * @internal
 */
export type Redactor = <T>(value: T, held?: HeldText) => T;
