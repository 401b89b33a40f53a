import { answerForInvalidMessage } from './answer-for-invalid-message.ts';

/**
 * An MCP server's plain JSON answer to a POST (`application/json`, a server that does not
 * stream), with each message of it that is an answer in a shape the SDK's JSON-RPC schema refuses
 * replaced by a JSON-RPC error answer of its id (`answerForInvalidMessage`). The SDK's schema
 * threw on such a body, so the call failed at once, but as `failed` with the schema's raw issue
 * list (leftovers47), not the `protocol-error` naming what was wrong that the stdio and
 * event-stream paths give. The body is read whole, as the SDK reads it (its size is capped
 * before: a body past the cap rejects here with that error); a body that is not JSON, or has
 * nothing to replace, is handed on as it came.
 * @internal
 */
export async function answerInvalidJson(
  response: Response,
  /** Whether the SDK's JSON-RPC schema accepts `message` (`JSONRPCMessageSchema`). */
  isJsonRpcMessage: (message: unknown) => boolean,
): Promise<Response> {
  const text = await response.text();
  const init = {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The SDK's own JSON error says so, as before: it answers no id.
    return new Response(text, init);
  }
  let replaced = false;
  const answerOf = (message: unknown): unknown => {
    if (isJsonRpcMessage(message)) return message;
    const answer = answerForInvalidMessage(message, { refusedBySchema: true });
    if (answer === undefined) return message;
    replaced = true;
    return answer;
  };
  const fixed = Array.isArray(value) ? value.map(answerOf) : answerOf(value);
  if (!replaced) {
    const passed = new Response(text, init);
    // The SDK reads the body with `json()`: handed the value parsed here rather than parsing the
    // text again (a 4 MiB answer: 13 ms through here, 26 ms with a second parse, 11 ms the
    // SDK alone).
    Object.defineProperty(passed, 'json', { value: () => Promise.resolve(value) });
    return passed;
  }
  const headers = new Headers(response.headers);
  // The body is written anew: its old length would be wrong.
  headers.delete('content-length');
  return new Response(JSON.stringify(fixed), { ...init, headers });
}
