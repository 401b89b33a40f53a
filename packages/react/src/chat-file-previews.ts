// The files of a chat's user messages as the hook shows them: an object URL made for each picked
// image (revoked when its message is gone or the hook unmounts), none for a data URL given as is,
// and none kept from a saved conversation's page before a reload. Split from use-agent-chat.ts,
// which holds the hook's state and actions.

import type { MessageFile, MessageFileInput } from '@gemloop/client';
import type { AgentChatMessage, AgentChatState, ChatFile } from './agent-chat-message.ts';
import { initialAgentChatState } from './reduce-agent-chat.ts';

/**
 * The chat's first state: `initialMessages` with the `blob:` previews of their files left out. A
 * saved conversation comes back after a page reload, and an object URL of the page before names
 * nothing now (an `<img>` of it is a broken image); the hook did not make it, so it is not the
 * hook's to revoke either.
 */
export function initialChatState(
  messages: readonly AgentChatMessage[] | undefined,
): AgentChatState {
  // Read first (readSavedMessages): `files` that are no list, or a `null` file, threw here, in
  // the hook's first render (client68).
  const state = initialAgentChatState(messages);
  const read = state.messages.map((message) =>
    message.role === 'user' && message.files?.some((file) => isBlobUrl(file.previewUrl))
      ? {
          ...message,
          files: message.files.map(({ previewUrl, ...file }) =>
            isBlobUrl(previewUrl) ? file : { ...file, previewUrl },
          ),
        }
      : message,
  );
  return read.every((message, index) => message === state.messages[index])
    ? state
    : { ...state, messages: read };
}

function isBlobUrl(url: string | undefined): boolean {
  return typeof url === 'string' && url.startsWith('blob:');
}

/**
 * What the messages show of the files sent: type, name, size, and for an image picked as a `Blob`
 * an object URL the hook made (added to `made`, to revoke later). A data URL given as is has no
 * preview: it is not the page's to show as an image source (an SVG's scripts stay out of it).
 */
export function toChatFiles(
  files: MessageFile[],
  given: MessageFileInput | undefined,
  made: Set<string>,
): ChatFile[] {
  const sources = given === undefined ? [] : Array.from(given as ArrayLike<unknown>);
  return files.map((file, index) => {
    const source = sources[index];
    const shown: ChatFile = { mediaType: file.mediaType, size: file.size };
    if (file.filename !== undefined) shown.filename = file.filename;
    if (
      file.mediaType.startsWith('image/') &&
      file.mediaType !== 'image/svg+xml' &&
      typeof Blob !== 'undefined' &&
      source instanceof Blob &&
      typeof URL.createObjectURL === 'function'
    ) {
      shown.previewUrl = URL.createObjectURL(source);
      made.add(shown.previewUrl);
    }
    return shown;
  });
}

/** Drops the sent files of messages no longer held, and revokes their previews. */
export function forgetFiles(
  messages: readonly AgentChatMessage[],
  sent: Map<string, MessageFile[]>,
  made: Set<string>,
): void {
  const held = new Set<string>();
  const ids = new Set<string>();
  for (const message of messages) {
    ids.add(message.id);
    if (message.role !== 'user') continue;
    for (const file of message.files ?? []) {
      if (file.previewUrl !== undefined) held.add(file.previewUrl);
    }
  }
  for (const id of sent.keys()) if (!ids.has(id)) sent.delete(id);
  for (const url of made) {
    if (held.has(url)) continue;
    made.delete(url);
    URL.revokeObjectURL(url);
  }
}

/** `files`, or undefined when there are none (a request or a message without a `files` key). */
export function nonEmpty(files: MessageFile[] | undefined): MessageFile[] | undefined {
  return files === undefined || files.length === 0 ? undefined : files;
}
