import { answerForInvalidMessage } from './answer-for-invalid-message.ts';

/**
 * An MCP server's event stream, passed on as it came, with one event added after each `message`
 * event whose data is an answer in a shape the SDK's JSON-RPC schema refuses: a JSON-RPC error answer of its id
 * (`answerForInvalidMessage`). The SDK drops such an event (reported to nobody), and the call it
 * answered waited out its time limit, then read as unanswered (attack43b). The events are found
 * by the stream's own rules (lines ending in CR, LF or CRLF; a blank line ends an event; its
 * `data:` lines joined by LF), and the added one goes only where an event ended, never inside one.
 * @internal
 */
export function answerInvalidEvents(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  // The current line's bytes from earlier chunks. Lines are found in bytes: CR and LF are never
  // part of a longer UTF-8 sequence, so only the lines that matter are decoded, and the chunks
  // pass on as they came (not decoded and encoded again) unless an event is added.
  let pending: Uint8Array[] = [];
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
  const endLine = (bytes: Uint8Array): string => {
    if (bytes.byteLength === 0) return endEvent();
    // `data:` and `event:` start with 0x64 and 0x65; other fields and comments are not decoded.
    if (bytes[0] !== 0x64 && bytes[0] !== 0x65) return '';
    const line = decoder.decode(bytes);
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    else if (line.startsWith('event:')) eventName = line.slice(6).trim();
    return '';
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        let emitted = 0;
        let lineStart = 0;
        let nextLineFeed = chunk.indexOf(10);
        let nextCarriageReturn = chunk.indexOf(13);
        for (;;) {
          const index =
            nextCarriageReturn === -1 || (nextLineFeed !== -1 && nextLineFeed < nextCarriageReturn)
              ? nextLineFeed
              : nextCarriageReturn;
          if (index === -1) break;
          const lineFeed = index === nextLineFeed;
          if (lineFeed) nextLineFeed = chunk.indexOf(10, index + 1);
          else nextCarriageReturn = chunk.indexOf(13, index + 1);
          if (lineFeed && afterCarriageReturn && index === lineStart) {
            // The LF of a CRLF: that line already ended at its CR.
            afterCarriageReturn = false;
            lineStart = index + 1;
            continue;
          }
          afterCarriageReturn = !lineFeed;
          const part = chunk.subarray(lineStart, index);
          const line = pending.length === 0 ? part : concat([...pending, part]);
          pending = [];
          lineStart = index + 1;
          const added = endLine(line);
          if (added !== '') {
            controller.enqueue(chunk.subarray(emitted, index + 1));
            controller.enqueue(encoder.encode(added));
            emitted = index + 1;
          }
        }
        if (lineStart < chunk.byteLength) {
          pending.push(chunk.slice(lineStart));
          afterCarriageReturn = false;
        }
        if (emitted === 0) controller.enqueue(chunk);
        else if (emitted < chunk.byteLength) controller.enqueue(chunk.subarray(emitted));
      },
    }),
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** The SSE event answering for `data` when it is an answer in a shape the SDK drops, else ''. */
function answerFor(data: string): string {
  // Only an answer has an id and no method; a notification (a progress storm) is not parsed.
  if (!data.includes('"id"')) return '';
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return '';
  }
  const answer = answerForInvalidMessage(value, { refusedBySchema: false });
  return answer === undefined ? '' : `\ndata: ${JSON.stringify(answer)}\n\n`;
}
