import { contentToText, type RunAgentInput } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import type { Content, Part } from '@gemloop/core/wire';
import { MediaPartRefusedError } from '../door/media-part-refused-error.ts';
import { unprintableIdFault } from '../door/printable-id.ts';
import { checkMediaPartCount } from '../door/read-media-part.ts';
import { AgUiRequestError } from './ag-ui-request-error.ts';
import { readUserContent } from './read-user-content.ts';

const MAX_ID = 256;

/** What a run needs of AG-UI's `RunAgentInput`. @internal */
export type ReadRunInput = {
  input: RunAgentInput;
  /**
   * The last message: the turn this run answers, its text, or its parts when it holds media;
   * `undefined` for a run that resumes.
   */
  message: string | Part[] | undefined;
  /**
   * The user and assistant text before it (and the user's media), for a thread the server has
   * not seen yet.
   */
  earlier: Content[];
  /**
   * The media parts of the last message and the earlier ones together: what a run seeding a new
   * thread with `earlier` sends (see {@link checkSeededMedia}).
   */
  seededMedia: number;
  /** The last message's id (AG-UI's `Message.id`); `''` for a run that resumes. */
  messageId: string;
  /** The media parts of the last message alone. */
  messageMedia: number;
  /**
   * The user messages before the last, by id, as `earlier` holds them: a thread takes back from
   * them what a run it did not finish was sent (`Thread.unanswered`).
   */
  earlierUsers: ReadonlyMap<string, { content: Content; media: number }>;
};

/**
 * Reads a request body as AG-UI's `RunAgentInput`, checked by `RunAgentInputSchema` of
 * `@ag-ui/core/schemas` (the protocol's own schema, not a copy), then the door's own rule: the
 * last message is the user's, with text or media (read-user-content.ts). @internal
 */
export function readRunInput(body: unknown): ReadRunInput {
  try {
    return readChecked(body);
  } catch (error) {
    if (!MediaPartRefusedError.isInstance(error)) throw error;
    throw invalid(error.message);
  }
}

function readChecked(body: unknown): ReadRunInput {
  const parsed = RunAgentInputSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
    throw invalid(
      `The body is not an AG-UI RunAgentInput: ${at.slice(0, 120)}: ${(issue?.message ?? 'invalid').slice(0, 200)}.`,
    );
  }
  const input = parsed.data as RunAgentInput;
  for (const field of ['threadId', 'runId'] as const) {
    if (input[field].length === 0 || input[field].length > MAX_ID) {
      throw invalid(`${field} must be 1 to ${MAX_ID} characters.`);
    }
    // As A2A refuses its ids: a thread's id goes to the server's logs and spans, and back to
    // the page in every event (attack44a: a line end, an escape or a U+202E was taken).
    const unprintable = unprintableIdFault(field, input[field]);
    if (unprintable !== undefined) throw invalid(unprintable);
  }
  // A run that resumes answers interrupts; the thread's run goes on, no new user turn.
  if (input.resume !== undefined && input.resume.length > 0) {
    return {
      input,
      message: undefined,
      earlier: [],
      seededMedia: 0,
      messageId: '',
      messageMedia: 0,
      earlierUsers: new Map(),
    };
  }
  const last = input.messages.at(-1);
  if (last === undefined || last.role !== 'user') {
    throw invalid('messages must end with the user message this run answers.');
  }
  const lastAt = `messages[${input.messages.length - 1}].content`;
  const read = readUserContent(last.content, lastAt);
  if (read.parts === undefined && read.text.trim().length === 0) {
    throw invalid('The last message has no text: send the user message as text (or media).');
  }
  // The last message is what every run sends as the caller's: capped here. The earlier ones
  // are read only to seed a thread the server does not have (AG-UI's client sends the whole
  // conversation with each run), so their media count only then (checkSeededMedia).
  checkMediaPartCount(read.media, lastAt);
  let media = read.media;
  const earlier: Content[] = [];
  const earlierUsers = new Map<string, { content: Content; media: number }>();
  input.messages.slice(0, -1).forEach((each, index) => {
    // Only the conversation's text (and a user's media): tool calls and results of earlier runs
    // were the server's own (the thread's history holds them); system and developer messages
    // are not the caller's to give (the agent's `instructions` are the server's policy).
    if (each.role === 'user') {
      const content = readUserContent(each.content, `messages[${index}].content`);
      media += content.media;
      const parts =
        content.parts ?? (content.text.length > 0 ? [{ text: content.text }] : undefined);
      if (parts === undefined) return;
      const turn: Content = { role: 'user', parts };
      earlier.push(turn);
      earlierUsers.set(each.id, { content: turn, media: content.media });
      return;
    }
    if (each.role !== 'assistant') return;
    const text = contentToText(each.content);
    if (text.length > 0) earlier.push({ role: 'model', parts: [{ text }] });
  });
  const message = read.parts ?? read.text;
  return {
    input,
    message,
    earlier,
    seededMedia: media,
    messageId: last.id,
    messageMedia: read.media,
    earlierUsers,
  };
}

/**
 * Refuses a run that would seed a new thread with more media parts, the earlier messages' and the
 * last one's, than a request may hold (the seeding request sends them all to Gemini).
 * @throws {@link AgUiRequestError} 400 `invalid_input`.
 * @internal
 */
export function checkSeededMedia(seededMedia: number): void {
  try {
    checkMediaPartCount(seededMedia, 'messages');
  } catch (error) {
    if (!MediaPartRefusedError.isInstance(error)) throw error;
    throw invalid(error.message);
  }
}

function invalid(message: string): AgUiRequestError {
  return new AgUiRequestError({ status: 400, errorCode: 'invalid_input', message });
}
