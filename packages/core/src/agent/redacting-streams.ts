// Keyed by the stream object, not a property on it: nothing shows on the public `AgentStream`
// (CONTRIBUTING: no symbol-keyed property on a public object carries data between layers). Kept
// (issue 53 item 6): no signature can carry it, the user hands the stream to the page helpers
// (browser-run.ts) and the doors, and a wrapper could copy a marker but not the stream's identity.
const redacting = new WeakMap<object, KeySecrets>();

/** The client's keys, read at each use (a client may learn a credential later). @internal */
export type KeySecrets = () => readonly string[];

const NONE: KeySecrets = () => [];

/**
 * Records that `stream` is one gemloop made: each of its `tool-call` events carries
 * `redactedArgs` when its tool declares secret arguments that the call holds (made with the event,
 * by the agent whose tool it is, at any depth of the run's tree; `secret-arguments.attacks.test.ts`),
 * so a page may show `redactedArgs ?? args`; and `secrets`, its client's keys, which the doors
 * keep from what they send (`keylessEvents`). @internal
 */
export function markRedactingStream(stream: object, secrets: KeySecrets = NONE): void {
  redacting.set(stream, secrets);
}

/**
 * Whether `stream` is one gemloop made (see {@link markRedactingStream}); `false` for a stream it
 * does not know (a wrapper), whose arguments the caller should not pass on. @internal
 */
export function isRedactingStream(stream: object): boolean {
  return redacting.has(stream);
}

/** The keys of the client of a stream gemloop made (none for one it does not know). @internal */
export function streamSecretsOf(stream: object): readonly string[] {
  return (redacting.get(stream) ?? NONE)();
}
