import type { ArgumentRedactor } from '../tools/define/argument-redactor.ts';

// Keyed by the stream object, not a property on it: nothing shows on the public `AgentStream`
// (CONTRIBUTING: no symbol-keyed property on a public object carries data between layers). A
// `{ redactor }` box, so that a stream that forwards another's events (a chat send) can point at
// the inner stream's redactor once that stream exists.
const redactors = new WeakMap<object, { redactor: ArgumentRedactor | undefined }>();

/**
 * Records which tools' secret arguments a stream's `tool-call` events hold unredacted (the events
 * carry the model's arguments as sent; `secret-arguments.attacks.test.ts`). `undefined`: none of
 * the agent's tools declares secret arguments. @internal
 */
export function setStreamArgumentRedactor(
  stream: object,
  redactor: ArgumentRedactor | undefined,
): void {
  const box = redactors.get(stream);
  if (box === undefined) redactors.set(stream, { redactor });
  else box.redactor = redactor;
}

/** Makes `outer` (a stream that forwards `inner`'s events) redact as `inner` does. @internal */
export function forwardStreamArgumentRedactor(inner: object, outer: object): void {
  const box = redactors.get(inner);
  if (box !== undefined) setStreamArgumentRedactor(outer, box.redactor);
}

/**
 * How to redact the arguments of a stream's events: `{ redactor }` for a stream gemloop made
 * (`redactor` undefined when nothing is secret), `undefined` for a stream it does not know (a
 * wrapper, a durable run's events), whose arguments the caller should not pass on. @internal
 */
export function streamArgumentRedactorOf(
  stream: object,
): { redactor: ArgumentRedactor | undefined } | undefined {
  return redactors.get(stream);
}
