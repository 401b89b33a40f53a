import type { Part } from '../wire/content.ts';
import { isJsonObject, readFunctionCall, readFunctionResponse } from './part-fields.ts';

/**
 * The `functionCall` parts of a model content that the same content already answers: a later
 * `functionResponse` part with the same `id` (or, when the response has no id, the same `name`),
 * one response per call, in order. The server-side MCP tool (`mcpServers`) returns such turns (a
 * call, the server's response and the answer in one content, recorded on gemini-2.5-flash): the
 * server ran those calls, so they are not the client's to run.
 *
 * Returns `undefined` (no allocation) for the usual content without any `functionResponse`.
 * @internal
 */
export function findCallsAnsweredInTurn(parts: readonly Part[]): ReadonlySet<Part> | undefined {
  let answered: Set<Part> | undefined;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as Part;
    if (!isJsonObject(part)) continue;
    const response = readFunctionResponse(part);
    if (!isJsonObject(response)) continue;
    const id = typeof response['id'] === 'string' ? response['id'] : undefined;
    const name = response['name'];
    for (let before = 0; before < index; before++) {
      const candidate = parts[before] as Part;
      if (!isJsonObject(candidate) || answered?.has(candidate)) continue;
      const call = readFunctionCall(candidate);
      if (!isJsonObject(call)) continue;
      const matches = id !== undefined ? call['id'] === id : call['name'] === name;
      if (!matches) continue;
      answered ??= new Set();
      answered.add(candidate);
      break;
    }
  }
  return answered;
}

/**
 * Whether a model content holds a `functionCall` the client must run (one not answered inside
 * the content itself, see {@link findCallsAnsweredInTurn}).
 * @internal
 */
export function hasClientCall(parts: readonly Part[]): boolean {
  let calls = 0;
  for (const part of parts) if (isJsonObject(part) && readFunctionCall(part) != null) calls++;
  if (calls === 0) return false;
  const answered = findCallsAnsweredInTurn(parts);
  return answered === undefined || answered.size < calls;
}
