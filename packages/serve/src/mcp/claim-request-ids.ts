import { requestIds } from './request-ids.ts';

/**
 * Claims the ids of the body's requests for the session while their POST answers: `undefined`
 * when one is in use (by a request still answering, or twice in the body), else what gives them
 * back. MCP forbids reusing a request id in a session (2025-06-18, Basic, Requests: "MUST NOT
 * have been previously used by the requestor within the same session"), and the SDK's transport
 * routes an answer by its id alone: a second POST with an id in flight took the first call's
 * answer, its own was dropped and the first POST waited for ever (attack18). @internal
 */
export function claimRequestIds(inFlight: Set<string>, body: unknown): (() => void) | undefined {
  const keys = requestIds(body).map((id) => `${typeof id}:${id}`);
  const claimed = new Set<string>();
  for (const key of keys) {
    if (inFlight.has(key) || claimed.has(key)) return undefined;
    claimed.add(key);
  }
  for (const key of claimed) inFlight.add(key);
  return () => {
    for (const key of claimed) inFlight.delete(key);
  };
}

/**
 * The answer to a POST reusing an id in flight: -32600 for the request (its id when it is one),
 * nothing run. @internal
 */
export function idInUse(body: unknown): Response {
  const id = Array.isArray(body) ? null : (requestIds(body)[0] ?? null);
  return new Response(
    JSON.stringify({
      jsonrpc: '2.0',
      error: {
        code: -32600,
        message:
          'Invalid Request: a request with this id is still being answered in this session (MCP ids are not reused within a session).',
      },
      id,
    }),
    { status: 400, headers: { 'content-type': 'application/json' } },
  );
}
