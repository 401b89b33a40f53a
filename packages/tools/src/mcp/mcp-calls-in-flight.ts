/** A tool call of a connection, running when the server sent its request. */
export type McpCallInFlight = {
  /** The agent's id of the call (`toolCallId`), the one its `tool-call` event shows. */
  toolCallId: string;
  /** The tool's gemloop name. */
  toolName: string;
};

// By client: the tool calls that are running on it. The server's elicitation or sampling request
// does not say which call it serves (JSON-RPC has no such field, and stdio none of HTTP's
// streams), so the handler is told the calls that run; while one call runs, it is that one.
const running = new WeakMap<object, Set<McpCallInFlight>>();

/** Marks a call as running on `client` until the returned function is called. @internal */
export function trackCall(client: object, call: McpCallInFlight): () => void {
  let calls = running.get(client);
  if (calls === undefined) {
    calls = new Set();
    running.set(client, calls);
  }
  calls.add(call);
  return () => {
    calls.delete(call);
  };
}

/** The calls running on `client` now, oldest first. @internal */
export function callsInFlight(client: object): McpCallInFlight[] {
  return [...(running.get(client) ?? [])];
}
