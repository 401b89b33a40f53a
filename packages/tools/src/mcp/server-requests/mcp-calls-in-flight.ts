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
// why (kept): keyed by the user's MCP client; see the reason above.
const running = new WeakMap<object, Set<McpCallInFlight>>();
/** What a broker and a run link need of a running call, kept apart from what a page is shown. */
type CallState = {
  // The arguments object `execute` got. The agent hands the same object to the plugins'
  // `wrapToolCall` (`input`), so a run link (createMcpRunLink) finds the run of a call by it: call
  // ids are no key, the loop makes `call_1_0` in every run. Kept out of the call itself, which a
  // broker shows to a page (the arguments may hold secrets).
  args: object | undefined;
  // The key that is the same in every execution of the call, when the run has one (a durable
  // run's `idempotencyKey`, `<runId>:<step>.<callIndex>:<toolCallId>`), and how many requests the
  // server made in this execution of it. A broker names a request after them, so the request a
  // re-run call makes after a crash has the id its first execution's had (see
  // createMcpElicitationBroker): a durable run's stored events keep the first one.
  key: string | undefined;
  asked: number;
  // The durable run's id, given apart (not parsed from the key: an app's run id may hold `:`):
  // the broker asks the app whose run it is before a page may see or answer the request.
  runId: string | undefined;
  // Aborted when the call ends (answered, failed or aborted). A request the server made in the
  // middle of the call is then cancelled at the broker: the server's request may outlive the call
  // (a server that does not tie its `elicitInput` to the cancelled call), and a page must not go
  // on asking a user for a run that has moved on.
  ended: AbortSignal;
};

// By call, its state. A registry, not a field or an argument: the MCP SDK hands a request
// handler nothing but the client, so the handler reaches the calls through `callsInFlight`, and
// the call object it gets is what a page is shown (no arguments, no keys on it).
// why (kept): see the reason above: the SDK hands a handler nothing but the client.
const stateOfCall = new WeakMap<McpCallInFlight, CallState>();

/** Marks a call as running on `client` until the returned function is called. @internal */
export function trackCall(
  client: object,
  call: McpCallInFlight,
  args?: object,
  key?: string,
  runId?: string,
): () => void {
  let calls = running.get(client);
  if (calls === undefined) {
    calls = new Set();
    running.set(client, calls);
  }
  calls.add(call);
  const ended = new AbortController();
  stateOfCall.set(call, { args, key, asked: 0, runId, ended: ended.signal });
  return () => {
    calls.delete(call);
    ended.abort();
  };
}

/**
 * A signal aborted once every call of `calls` has ended, or `undefined` when none is one
 * `trackCall` marked (a request made outside any call).
 * @internal
 */
export function whenCallsEnd(calls: readonly McpCallInFlight[]): AbortSignal | undefined {
  const signals = calls.flatMap((call) => stateOfCall.get(call)?.ended ?? []);
  if (signals.length === 0) return undefined;
  if (signals.length === 1) return signals[0];
  const all = new AbortController();
  let left = signals.length;
  for (const signal of signals) {
    const onEnd = () => {
      left -= 1;
      if (left === 0) all.abort();
    };
    if (signal.aborted) onEnd();
    else signal.addEventListener('abort', onEnd, { once: true });
  }
  return all.signal;
}

/** The calls running on `client` now, oldest first. @internal */
export function callsInFlight(client: object): McpCallInFlight[] {
  return [...(running.get(client) ?? [])];
}

/** The arguments object `execute` got for `call`, if the call is one `trackCall` marked. @internal */
export function argumentsOfCall(call: McpCallInFlight): object | undefined {
  return stateOfCall.get(call)?.args;
}

/**
 * The next request id of `call` that is the same in every execution of the call
 * (`<key>#<n>`, the n-th request of this execution), or `undefined` when the call has no key.
 * @internal
 */
export function nextStableRequestId(call: McpCallInFlight): string | undefined {
  const state = stateOfCall.get(call);
  if (state?.key === undefined) return undefined;
  state.asked += 1;
  return `${state.key}#${state.asked}`;
}

/**
 * The durable run `call` belongs to (the tool context's `runId` of a `@gemloop/dbos` run; a
 * subagent's own run id in a tree), or `undefined` in a plain run.
 * @internal
 */
export function runIdOfCall(call: McpCallInFlight): string | undefined {
  return stateOfCall.get(call)?.runId;
}
