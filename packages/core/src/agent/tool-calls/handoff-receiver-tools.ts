// The tools of the agent each handoff tool hands to, by tool: a run's observers must redact the
// secret arguments of every agent that may hold the run (see run-argument-redactor.ts), and the
// loop may not reach the agents' facade for them.
const receiverTools = new WeakMap<object, () => Iterable<object>>();

/** Records the function tools of the agent a handoff tool hands to. @internal */
export function registerHandoffReceiverTools(tool: object, tools: () => Iterable<object>): void {
  receiverTools.set(tool, tools);
}

/**
 * The function tools of the agent a tool made by `handoff()` hands to; `undefined` for any other
 * tool. @internal
 */
export function handoffReceiverToolsOf(tool: object): Iterable<object> | undefined {
  return receiverTools.get(tool)?.();
}
