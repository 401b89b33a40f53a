import type { Message } from '@a2a-js/sdk';
import type { Part } from '@gemloop/core/wire';
import { MediaPartRefusedError } from '../door/media-part-refused-error.ts';
import { checkMediaPartCount, readMediaPart } from '../door/read-media-part.ts';
import { EMPTY_MESSAGE_REFUSAL, textOf } from './task-parts.ts';

// An A2A message as the agent's input. A text-only message is its text, as before (its text
// parts, and its data parts as JSON, one per line). A message with files is its parts in order:
// a file of bytes (`raw`, base64 on the wire; the SDK hands it over decoded) becomes an
// `inlineData` part of its `mediaType`, a file by `url` is read only as a data URL (the door
// fetches nothing a client names), text stays text and a data part becomes its JSON as text. The
// spec's DataPart is "structured data" for the agent to read (a form, a JSON payload): Gemini has
// no part for it, and JSON text is the faithful reading, as the door read it before.

/**
 * The input of a run answering `message`; `undefined` when it holds no text, data or file.
 * @throws {@link MediaPartRefusedError} naming `message.parts[<index>]`: a file that is not a data URL
 * or bytes, of a MIME type Gemini does not read, or more files than a request may hold.
 * @internal
 */
export function messageInput(message: Message): string | Part[] | undefined {
  const given = message.parts ?? [];
  if (!given.some((part) => part.content?.$case === 'raw' || part.content?.$case === 'url')) {
    return textOf(message);
  }
  const parts: Part[] = [];
  let files = 0;
  given.forEach((part, index) => {
    const content = part.content;
    const path = `message.parts[${index}]`;
    if (content?.$case === 'text') parts.push({ text: content.value });
    else if (content?.$case === 'data') parts.push({ text: JSON.stringify(content.value) });
    else if (content?.$case === 'raw') {
      files += 1;
      // Encoded once, from the bytes the SDK decoded: the wire's base64 string is not kept.
      parts.push(
        readMediaPart(
          { mimeType: part.mediaType, data: Buffer.from(content.value).toString('base64') },
          { path, kind: 'file' },
        ),
      );
    } else if (content?.$case === 'url') {
      files += 1;
      parts.push(readMediaPart({ url: content.value }, { path, kind: 'file' }));
    }
  });
  checkMediaPartCount(files, 'message.parts');
  return parts;
}

/**
 * The input of a run answering `message`, as both executors (in process, durable) read it; a
 * message with nothing to read, or a file refused, is given to `refuse` with the words saying
 * why (the task is then rejected, before any model call), and `undefined` returned. @internal
 */
export function readMessageInput(
  message: Message,
  refuse: (text: string) => void,
): string | Part[] | undefined {
  let input: string | Part[] | undefined;
  try {
    input = messageInput(message);
  } catch (error) {
    if (!MediaPartRefusedError.isInstance(error)) throw error;
    refuse(error.message);
    return undefined;
  }
  if (input === undefined) refuse(EMPTY_MESSAGE_REFUSAL);
  return input;
}
