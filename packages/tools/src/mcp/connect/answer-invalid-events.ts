import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { answerForInvalidMessage } from './answer-for-invalid-message.ts';

/**
 * An MCP server's event stream, passed on as it came, with one event added after each `message`
 * event whose data is an answer the JSON-RPC schema refuses: a JSON-RPC error answer of its id
 * (`answerForInvalidMessage`). The SDK drops such an event (reported to nobody), and the call it
 * answered waited out its time limit, then read as unanswered (attack43b). The events are found
 * by the stream's own rules (lines ending in CR, LF or CRLF; a blank line ends an event; its
 * `data:` lines joined by LF), and the added one goes only where an event ended, never inside one.
 * @internal
 */
export function answerInvalidEvents(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let line = '';
  let afterCarriageReturn = false;
  let data: string[] = [];
  let eventName = '';
  /** The event to add after the current one's blank line, or '' for none. */
  const endEvent = (): string => {
    const added = eventName === '' || eventName === 'message' ? answerFor(data.join('\n')) : '';
    data = [];
    eventName = '';
    return added;
  };
  const endLine = (): string => {
    const ended = line;
    line = '';
    if (ended === '') return endEvent();
    if (ended.startsWith('data:')) data.push(ended.slice(ended.startsWith('data: ') ? 6 : 5));
    else if (ended.startsWith('event:')) eventName = ended.slice(6).trim();
    return '';
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const text = decoder.decode(chunk, { stream: true });
        let out = '';
        let emitted = 0;
        let lineStart = 0;
        for (let index = 0; index < text.length; index++) {
          const code = text.charCodeAt(index);
          if (code !== 10 && code !== 13) continue;
          if (code === 10 && afterCarriageReturn) {
            // The LF of a CRLF: that line already ended at its CR.
            afterCarriageReturn = false;
            lineStart = index + 1;
            continue;
          }
          afterCarriageReturn = code === 13;
          line += text.slice(lineStart, index);
          lineStart = index + 1;
          const added = endLine();
          if (added !== '') {
            out += text.slice(emitted, index + 1) + added;
            emitted = index + 1;
          }
        }
        line += text.slice(lineStart);
        out += text.slice(emitted);
        if (out !== '') controller.enqueue(encoder.encode(out));
      },
    }),
  );
}

/** The SSE event answering for `data` when it is an answer the schema refuses, else ''. */
function answerFor(data: string): string {
  if (data === '') return '';
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return '';
  }
  if (JSONRPCMessageSchema.safeParse(value).success) return '';
  const answer = answerForInvalidMessage(value);
  return answer === undefined ? '' : `\ndata: ${JSON.stringify(answer)}\n\n`;
}
