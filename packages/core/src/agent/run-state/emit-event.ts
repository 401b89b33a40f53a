import type { UntaggedAgentEvent } from '../agent-event.ts';

/**
 * Receives events; `undefined` when nobody listens (`run()`), so none are built. The receiver
 * stamps the event's `path`. It returns a promise when its backlog is full (a subagent's events
 * waiting for a slow reader of the top stream): a producer that can wait (the streamed model
 * call, between chunks) awaits it, which stops reading the response until the reader catches up.
 * @internal
 */
export type EmitEvent = ((event: UntaggedAgentEvent<unknown>) => void | Promise<void>) | undefined;
