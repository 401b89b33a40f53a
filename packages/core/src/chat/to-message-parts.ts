import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import type { Content, Part } from '../wire/content.ts';

/** What `send()` takes: a text, the parts of one user message, or one user content. */
export type ChatMessage = string | readonly Part[] | Content;

/**
 * The parts of the user's message. The agent makes them the user content that starts the turn
 * (and checks them with the rest of the history).
 *
 * @throws {@link InvalidArgumentError} for an empty list of parts, a list of contents (a whole history:
 *   the session keeps that), a content whose role is not `user`, or another type.
 * @internal
 */
export function toMessageParts(message: ChatMessage): string | readonly Part[] {
  // An empty text goes as `{ text: '' }`, as `agent.run('')` sends it: Gemini accepted a user turn of
  // only that (test/fixtures/gemini/requests/gemini3-flash__parallel-functionResponses-one-user-turn).
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) {
    if (message.length === 0) {
      throw new InvalidArgumentError({
        argument: 'message',
        message:
          "send() got an empty array of parts; send text ('Hello') or parts ([{ text: 'Hello' }]).",
      });
    }
    const first: unknown = message[0];
    if (typeof first === 'object' && first !== null && ('parts' in first || 'role' in first)) {
      throw new InvalidArgumentError({
        argument: 'message',
        message:
          'send() takes one message (a string, parts, or one user content), not a list of contents: the session loads the history from its store. To start from an existing history, append it to the store first, or call agent.run(message, { history }).',
      });
    }
    return message as readonly Part[];
  }
  // `Array.isArray` does not narrow a readonly array out of the union.
  const content = message as Content;
  if (typeof content === 'object' && content !== null && Array.isArray(content.parts)) {
    if (content.role !== undefined && content.role !== 'user') {
      throw new InvalidArgumentError({
        argument: 'message.role',
        message: `send() takes a user message; got a content with role ${describeValue(content.role)}. Model turns come from the model.`,
      });
    }
    if (content.parts.length === 0) {
      // The API refuses it ("contents.parts must not be empty"), as it refuses an empty list.
      throw new InvalidArgumentError({
        argument: 'message',
        message:
          "send() got a user content with empty parts; send text ('Hello') or parts ([{ text: 'Hello' }]).",
      });
    }
    return content.parts;
  }
  throw new InvalidArgumentError({
    argument: 'message',
    message: `send() takes a string, an array of parts, or a user content { role: 'user', parts }; got ${message === null ? 'null' : typeof message}.`,
  });
}
