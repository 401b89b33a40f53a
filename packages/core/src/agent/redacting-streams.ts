// Keyed by the stream object, not a property on it: nothing shows on the public `AgentStream`
// (CONTRIBUTING: no symbol-keyed property on a public object carries data between layers). Kept
// (issue 53 item 6): no signature can carry it, the user hands the stream to the page helpers
// (browser-run.ts), and a wrapper could copy a marker but not the stream's identity.
const redacting = new WeakSet<object>();

/**
 * Records that `stream` is one gemloop made: each of its `tool-call` events carries
 * `redactedArgs` when its tool declares secret arguments that the call holds (made with the event,
 * by the agent whose tool it is, at any depth of the run's tree; `secret-arguments.attacks.test.ts`),
 * so a page may show `redactedArgs ?? args`. @internal
 */
export function markRedactingStream(stream: object): void {
  redacting.add(stream);
}

/**
 * Whether `stream` is one gemloop made (see {@link markRedactingStream}); `false` for a stream it
 * does not know (a wrapper), whose arguments the caller should not pass on. @internal
 */
export function isRedactingStream(stream: object): boolean {
  return redacting.has(stream);
}
