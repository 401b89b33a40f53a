import { copyInputList } from '../agent/copy-input-list.ts';
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
    return ownParts(checkParts(copyInputList(message as readonly Part[])));
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
    const parts = copyInputList(content.parts);
    if (parts.length === 0) {
      // The API refuses it ("contents.parts must not be empty"), as it refuses an empty list.
      throw new InvalidArgumentError({
        argument: 'message',
        message:
          "send() got a user content with empty parts; send text ('Hello') or parts ([{ text: 'Hello' }]).",
      });
    }
    return ownParts(parts);
  }
  throw new InvalidArgumentError({
    argument: 'message',
    message: `send() takes a string, an array of parts, or a user content { role: 'user', parts }; got ${message === null ? 'null' : typeof message}.`,
  });
}

/**
 * The session's own copy of the message's parts, every object in them: the saved turn keeps them,
 * and the memory store keeps what it is given, so an app that fills the same part objects for its
 * next message (an image part whose data it swaps for the next frame) would rewrite the stored
 * message the model is sent again (chat68). Parts `structuredClone` refuses (a Proxy, a getter
 * that throws) go as they are, for the run's history check to name.
 */
function ownParts(parts: readonly Part[]): readonly Part[] {
  try {
    return structuredClone(parts);
  } catch {
    return parts;
  }
}

/**
 * A message given as a list: parts, not empty, and not a list of contents. `message` is the
 * chat's own copy (copyInputList): a list whose reading throws is refused there, as the agent
 * refuses it, and the run reads this copy, not the caller's list again.
 */
function checkParts(message: readonly Part[]): readonly Part[] {
  if (message.length === 0) {
    throw new InvalidArgumentError({
      argument: 'message',
      message:
        "send() got an empty array of parts; send text ('Hello') or parts ([{ text: 'Hello' }]).",
    });
  }
  if (looksLikeContent(message[0])) {
    throw new InvalidArgumentError({
      argument: 'message',
      message:
        'send() takes one message (a string, parts, or one user content), not a list of contents: the session loads the history from its store. To start from an existing history, append it to the store first, or call agent.run(message, { history }).',
    });
  }
  return message;
}

/**
 * Whether a list's first entry is a content (parts never have `parts` or `role`). One whose `in`
 * throws (a Proxy) is left to the run's history check, which reports it as an unreadable part.
 */
function looksLikeContent(first: unknown): boolean {
  if (typeof first !== 'object' || first === null) return false;
  try {
    return 'parts' in first || 'role' in first;
  } catch {
    return false;
  }
}
