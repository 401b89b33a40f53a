import { ClientError } from '@gemloop/client';
import { describe, expect, it } from 'vitest';
import { renderChat } from './__fixtures__/server-rendered-chat.ts';
import type { ChatError } from './agent-chat-message.ts';
import { initialAgentChatState, reduceAgentChat } from './reduce-agent-chat.ts';

// `<button onClick={send}>`: React calls `send` with the click event, as it would `sendMessage` of
// the AI SDK's useChat. The event went out as the message (`{"message":{"isTrusted":true,...}}`, a
// run started or a 400) and became the user message's `text`: the page's `{message.text}` then
// threw "Objects are not valid as a React child" and React unmounted the page. A `send` whose
// text is no string is refused before any request, as a file the chat does not take is: a typed
// error naming `text`, through `onError` and the chat's `error`.

describe('send with a text that is no string', () => {
  it.each([
    ['a click event', { type: 'click', isTrusted: true, target: { nodeName: 'BUTTON' } }],
    ['a number', 42],
    ['undefined', undefined],
  ])('%s: invalid-option naming text, no request', async (_label, text) => {
    let requests = 0;
    const errors: ChatError[] = [];
    const chat = renderChat({
      url: 'http://127.0.0.1:9/chat',
      client: {
        fetch: (async () => {
          requests += 1;
          return new Response('', { status: 500 });
        }) as typeof fetch,
      },
      onError: (error) => errors.push(error),
    });
    await chat.send(text as unknown as string);
    expect(requests).toBe(0);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(ClientError.isInstance(error) && [error.code, error.option]).toEqual([
      'invalid-option',
      'text',
    ]);
    expect(error?.message).toMatch(/send\(input\.value\)/);
  });

  it('the refusal leaves the chat as it was, its error shown', () => {
    const start = initialAgentChatState([{ id: 'u1', role: 'user', text: 'Hi' }]);
    const error = new ClientError({ code: 'invalid-option', option: 'text', message: 'x' });
    const state = reduceAgentChat(start, { type: 'refused', error });
    expect(state.messages).toEqual(start.messages);
    expect(state.status).toBe('error');
  });
});
