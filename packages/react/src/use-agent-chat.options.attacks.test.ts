import { ClientError } from '@gemloop/client';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type UseAgentChatOptions, useAgentChat } from './use-agent-chat.ts';

// Outside attack on the hook's options (attack13): written by hand, often in plain JavaScript. A
// misspelt one was ignored without a word: with `cancelURL`, Stop closed the connection while the
// run went on spending on a server that keeps a replay buffer (the hook passes its own
// `cancelUrl` to the client, so the client's check never saw the typo). The hook refuses it when
// it renders, naming the option meant.

function Chat({ options }: { options: unknown }) {
  const chat = useAgentChat(options as UseAgentChatOptions);
  return createElement('p', null, chat.status);
}

function render(options: unknown): string {
  return renderToString(createElement(Chat, { options }));
}

describe('useAgentChat: a misspelt option', () => {
  it.each([
    [{ url: '/chat', cancelURL: '/cancel' }, /cancelUrl/],
    [{ url: '/chat', header: { authorization: 'Bearer t' } }, /headers/],
    [{ url: '/chat', approvalUrl: '/approvals' }, /approvalsUrl/],
    [{ url: '/chat', onerror: () => {} }, /onError/],
  ])('%j: a ClientError naming the option meant', (options, meant) => {
    let thrown: unknown;
    try {
      render(options);
    } catch (error) {
      thrown = error;
    }
    expect(ClientError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'invalid-option' });
    expect((thrown as Error).message).toMatch(meant);
  });

  it('renders with options that are all known', () => {
    expect(render({ url: '/chat', cancelUrl: '/cancel', headers: {} })).toContain('idle');
  });
});
