import { ClientError } from '@gemloop/client';
import { describe, expect, it } from 'vitest';
import { renderChat } from './__fixtures__/server-rendered-chat.ts';
import type { AgentChatMessage, ChatError } from './agent-chat-message.ts';

// A page that moves from the AI SDK's useChat calls `setMessages` as it did there, with an
// updater: `setMessages((messages) => messages.slice(0, -2))` (vercel/ai, packages/react's
// use-chat: `messages | ((messages) => messages)`). The function went to the reducer as the
// messages: `forgetFiles` threw "messages is not iterable" from the page's handler, and the
// reducer threw the same in React's render (the page unmounted). A value that is neither a list
// nor a function (`setMessages(JSON.parse(stored))` of a `"null"`) threw the same way.

const saved: AgentChatMessage[] = [
  { id: 'u1', role: 'user', text: 'Hi' },
  { id: 'a1', role: 'assistant', text: 'Hello', thoughts: '', toolCalls: [], approvals: [] },
];

describe('setMessages with what is not a list of messages', () => {
  it('an updater, as useChat takes it: called with the messages, nothing thrown', () => {
    const chat = renderChat({ url: '/chat', initialMessages: saved });
    const seen: unknown[] = [];
    expect(() =>
      chat.setMessages((messages) => {
        seen.push(messages);
        return messages.slice(0, 1);
      }),
    ).not.toThrow();
    expect(seen).toEqual([saved]);
  });

  it.each([
    ['null', null],
    ['an object', { messages: saved }],
  ])('%s: invalid-option naming messages through onError, nothing thrown', (_label, value) => {
    const errors: ChatError[] = [];
    const chat = renderChat({
      url: '/chat',
      initialMessages: saved,
      onError: (error) => errors.push(error),
    });
    expect(() => chat.setMessages(value as unknown as AgentChatMessage[])).not.toThrow();
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(ClientError.isInstance(error) && [error.code, error.option]).toEqual([
      'invalid-option',
      'messages',
    ]);
  });
});
