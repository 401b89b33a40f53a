import type { GenerateContentResponse } from '@gemloop/core/wire';
import { fakeErrors } from '../script/fake-errors.ts';
import type { FakeFault } from '../script/fake-faults.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeReply, FakeState } from '../state/fake-state.ts';

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'content-disposition': 'attachment' };
const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };
// An event cut off inside a string, and one that is not JSON at all.
const PARTIAL_EVENT =
  'data: {"candidates": [{"content": {"parts": [{"text": "The answer was cut he';
const MALFORMED_JSON = '{"candidates": [{"content": {"parts": [{"text": "unterminated}]';

/**
 * Writes response chunks in the form of the endpoint, and breaks them as a stream fault asks:
 * - SSE (`alt=sse`): `data: <json>\r\n\r\n` per chunk, as every recorded Gemini SSE body;
 * - the JSON array of `streamGenerateContent` without `alt=sse`: `[` + chunks joined by
 *   `\n,\r\n` + `\n]`, two-space indented, as recorded;
 * - `generateContent` (`single`): one JSON body.
 * @internal
 */
export function renderFakeStream(
  state: FakeState,
  chunks: readonly GenerateContentResponse[],
  sse: boolean,
  fault: FakeFault | undefined,
  single = false,
): FakeReply {
  const reply: FakeReply = {
    status: 200,
    headers: sse ? SSE_HEADERS : JSON_HEADERS,
    delayMs: 0,
    chunkDelayMs: state.options.chunkDelayMs ?? 0,
    pieces: [],
    end: 'normal',
  };
  if (single) {
    const chunk = chunks[0] ?? {};
    const body = state.prettyJson ? JSON.stringify(chunk, null, 2) : JSON.stringify(chunk);
    return breakBody(state, reply, body, fault);
  }
  const pieces = sse
    ? chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`)
    : chunks.map(
        (chunk, index) => `${index === 0 ? '[' : '\n,\r\n'}${JSON.stringify(chunk, null, 2)}`,
      );
  const closing = sse ? undefined : '\n]';
  if (fault === undefined || !isStreamFault(fault)) {
    reply.pieces = closing === undefined ? pieces : [...pieces, closing];
    return reply;
  }
  const after = Math.max(0, Math.min(fault.afterChunks ?? 1, pieces.length));
  const delivered = pieces.slice(0, after);
  const separator = sse || after > 0 ? (sse ? '' : '\n,\r\n') : '[';
  switch (fault.type) {
    case 'connection-reset':
      reply.pieces = delivered;
      reply.end = 'reset';
      break;
    case 'truncated-stream': {
      const next = pieces[after];
      const partial =
        next === undefined
          ? `${separator}${sse ? PARTIAL_EVENT : '{"candid'}`
          : next.slice(0, Math.ceil(next.length / 2));
      reply.pieces = [...delivered, partial];
      break;
    }
    case 'stream-error': {
      const error = (fault.error ?? fakeErrors.overloaded()).body;
      const event = sse
        ? `data: ${JSON.stringify(error)}\r\n\r\n`
        : `${separator}${JSON.stringify(error, null, 2)}`;
      reply.pieces = closing === undefined ? [...delivered, event] : [...delivered, event, closing];
      break;
    }
    case 'malformed-chunk': {
      const event = sse ? `data: ${MALFORMED_JSON}\r\n\r\n` : `${separator}${MALFORMED_JSON}`;
      reply.pieces = closing === undefined ? [...delivered, event] : [...delivered, event, closing];
      break;
    }
  }
  return reply;
}

type StreamFault = Extract<
  FakeFault,
  { type: 'connection-reset' | 'truncated-stream' | 'stream-error' | 'malformed-chunk' }
>;

function isStreamFault(fault: FakeFault): fault is StreamFault {
  return (
    fault.type === 'connection-reset' ||
    fault.type === 'truncated-stream' ||
    fault.type === 'stream-error' ||
    fault.type === 'malformed-chunk'
  );
}

function breakBody(
  state: FakeState,
  reply: FakeReply,
  body: string,
  fault: FakeFault | undefined,
): FakeReply {
  if (fault === undefined || !isStreamFault(fault)) {
    reply.pieces = [body];
    return reply;
  }
  switch (fault.type) {
    case 'connection-reset':
      reply.end = 'reset';
      return reply;
    case 'truncated-stream':
      reply.pieces = [body.slice(0, Math.ceil(body.length / 2))];
      return reply;
    case 'malformed-chunk':
      reply.pieces = [MALFORMED_JSON];
      return reply;
    case 'stream-error':
      // A unary call has no stream to break: the error comes as the HTTP answer.
      return jsonReply(state, fault.error ?? fakeErrors.overloaded());
  }
}
