import { ClientError, streamAgent } from '@gemloop/client';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type UseAgentChatOptions, useAgentChat } from './use-agent-chat.ts';

// attack14: attack13 left the hook's option check as a near-copy of the client's
// (`checkOptionKeys`), "fine if it behaves the same". These put the same hostile options to both,
// the hook rendered with react-dom/server and the client's `agentEvents` called (no request is
// made: a refused option throws first), and require the same answer: the same error class and
// code, the option named, and the same hint for a near miss.

function Chat({ options }: { options: unknown }) {
  const chat = useAgentChat(options as UseAgentChatOptions);
  return createElement('p', null, chat.status);
}

function renderChat(options: unknown): unknown {
  try {
    renderToString(createElement(Chat, { options }));
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The client's answer to the same options (its `url` is an argument, not an option). */
async function callClient(options: unknown): Promise<unknown> {
  let client = options;
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
    client = Object.create(Object.getPrototypeOf(options));
    for (const key of Reflect.ownKeys(options)) {
      if (key !== 'url')
        Object.defineProperty(client, key, Reflect.getOwnPropertyDescriptor(options, key)!);
    }
  }
  try {
    // A refused option throws before any request; accepted ones reach this fetch and stop there.
    await streamAgent('http://127.0.0.1/chat', client as never);
    return undefined;
  } catch (error) {
    return ClientError.isInstance(error) && error.code === 'invalid-option' ? error : undefined;
  }
}

/** What a caller sees of a refusal: class and code, the option named, the hint. */
function outcome(error: unknown): unknown {
  if (error === undefined) return 'accepted';
  if (!ClientError.isInstance(error)) return `${(error as Error).constructor.name}`;
  const hint = /Did you mean (\w+)\?/.exec(error.message)?.[1];
  return { code: error.code, option: (error as { option?: string }).option, hint };
}

describe("useAgentChat's option check against the client's", () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 5],
    ['a string', '/chat'],
    ['an array', ['/chat']],
  ])('options that are %s: refused the same way', async (_label, options) => {
    const hook = outcome(renderChat(options));
    const client = outcome(await callClient(options));
    expect(client).toMatchObject({ code: 'invalid-option', option: 'options' });
    expect(hook).toEqual(client);
  });

  // Keys both have, misspelt the same way.
  it.each([
    ['headers', 'header'],
    ['headers', 'Headers'],
    ['headers', 'hedaers'],
    ['headers', 'head_ers'],
    ['body', 'bdy'],
    ['onEvent', 'onevent'],
    ['onEvent', 'onEvnt'],
    ['onEvent', 'on_event'],
    ['cancelUrl', 'cancelURL'],
    ['cancelUrl', 'cancel_url'],
    ['cancelUrl', 'cancelUr'],
  ])('%s misspelt as %s: the same refusal and hint', async (_meant, key) => {
    const options = { url: '/chat', [key]: 'x' };
    const hook = outcome(renderChat(options));
    const client = outcome(await callClient(options));
    expect(client).toMatchObject({ code: 'invalid-option', option: key });
    expect(hook).toEqual(client);
  });

  it('an inherited key is not an option of either (own keys only)', async () => {
    const options = Object.assign(Object.create({ cancelURL: '/cancel' }), { url: '/chat' });
    expect(outcome(await callClient(options))).toBe('accepted');
    expect(outcome(renderChat(options))).toBe('accepted');
  });

  it('a __proto__ key from JSON is refused by both', async () => {
    const options = JSON.parse('{"url":"/chat","__proto__":{"cancelUrl":"/x"}}');
    const client = outcome(await callClient(options));
    expect(client).toMatchObject({ code: 'invalid-option', option: '__proto__' });
    expect(outcome(renderChat(options))).toEqual(client);
  });
});
