/**
 * Removes a client's secrets from a value: the value itself when it holds none. A client made by
 * `createGemini` hands its own to the agent through its internal entry (`ModelCallEntry.redact`,
 * http/model-call-entry.ts), never as a property of the client.
 * @internal
 */
export type Redactor = <T>(value: T) => T;
