// useAgentChat's actions without a DOM: one react-dom/server render hands out the hook's result,
// whose `send`, `setMessages` and the rest a test then calls (their state updates are the server
// renderer's no-ops; what they send, refuse or report through the options is what is checked).

import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import {
  type UseAgentChatOptions,
  type UseAgentChatResult,
  useAgentChat,
} from '../use-agent-chat.ts';

/** A page that hands the hook's result to `taken`. */
function Page({
  options,
  taken,
}: {
  options: UseAgentChatOptions;
  taken: (chat: UseAgentChatResult) => void;
}) {
  taken(useAgentChat(options));
  return null;
}

/** The hook's result, taken from one server render. */
export function renderChat(options: UseAgentChatOptions): UseAgentChatResult {
  let chat: UseAgentChatResult | undefined;
  renderToString(
    createElement(Page, {
      options,
      taken: (result) => {
        chat = result;
      },
    }),
  );
  if (chat === undefined) throw new Error('not rendered');
  return chat;
}
