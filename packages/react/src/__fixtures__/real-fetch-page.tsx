// A page that mounts `useAgentChat` hooks on the browser's own fetch, for
// test/runtimes/react-hostile-server.attacks.test.ts: `harness.mount(count)` renders `count`
// hooks on one conversation (each in StrictMode, as a development page runs them), the test sends
// through `harness.send(index, text)` against its node:http server and reads the state back.

import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { type UseAgentChatResult, useAgentChat } from '../use-agent-chat.ts';

const chats: UseAgentChatResult[] = [];
const errors: string[] = [];
let renders = 0;
let root: Root | undefined;

function Chat({ index, url }: { index: number; url: string }) {
  const chat = useAgentChat({
    url,
    body: { conversationId: 'shared' },
    client: { reconnectDelayMs: 10, maxReconnects: 1 },
    onError: (error) => errors.push(error.message),
  });
  chats[index] = chat;
  renders += 1;
  return <p className="status">{chat.status}</p>;
}

const harness = {
  errors,
  renders: () => renders,
  mount(count: number, url = '/chat') {
    const element = document.getElementById('root');
    if (element === null) throw new Error('The page needs <div id="root">');
    root = createRoot(element);
    root.render(
      <StrictMode>
        {Array.from({ length: count }, (_, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the hooks are fixed for the page's life
          <Chat key={index} index={index} url={url} />
        ))}
      </StrictMode>,
    );
  },
  send: (index: number, text: string) => void chats[index]?.send(text),
  stop: (index: number) => chats[index]?.stop(),
  unmount: () => root?.unmount(),
  state(index: number) {
    const chat = chats[index];
    if (chat === undefined) throw new Error(`no hook ${index}`);
    return {
      status: chat.status,
      error: chat.error?.message,
      messages: chat.messages.map((message) => ({
        role: message.role,
        length: message.text.length,
        outcome: message.role === 'assistant' ? message.outcome : undefined,
      })),
    };
  },
};
(globalThis as { harness?: unknown }).harness = harness;
