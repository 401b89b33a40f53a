import type { AgentEvent } from '../agent-event.ts';

/** Receives events; `undefined` when nobody listens (`run()`), so none are built. @internal */
export type EmitEvent = ((event: AgentEvent<unknown>) => void) | undefined;
