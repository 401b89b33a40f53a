import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type {
  AgentChatMessage,
  AgentChatState,
  AssistantChatMessage,
} from './agent-chat-message.ts';
import {
  type AgentChatAction,
  initialAgentChatState,
  reduceAgentChat,
} from './reduce-agent-chat.ts';
import { type UseAgentChatOptions, useAgentChat } from './use-agent-chat.ts';

// attack61f read saved messages whose fields are missing. Their entries were taken as they were:
// a conversation read back from `sessionStorage` or an app's own store (an older build, a value
// someone edited, a field another version wrote another way) with a `null` tool call, approval or
// step text, `files` or `elicitations` that are no list, or `usage` that is a string threw a
// TypeError from the hook's first render (`initialMessages`: the page never showed) or from the
// reducer at the next event, Stop or approval (React then unmounts the page), or summed usage to
// `null`. A saved message is read to the types the state promises: what is no entry is left out,
// a field of the wrong type gets its empty value, a whole message stays the same object.

const call = {
  toolCallId: 'c1',
  toolName: 'lookup',
  path: [],
  stepNumber: 0,
  args: { q: 'x' },
  status: 'running',
};
const usage = {
  inputTokens: 1,
  outputTokens: 2,
  thoughtsTokens: 0,
  cachedTokens: 0,
  totalTokens: 3,
};

const saved = [
  { id: 'u1', role: 'user', text: 'Hi', files: 'photo.png' },
  { id: 'u2', role: 'user', text: 'And', files: [null, { mediaType: 'image/png', size: 5 }, 7] },
  {
    id: 'a1',
    role: 'assistant',
    runId: 'run-1',
    text: 'Hel',
    thoughts: '',
    toolCalls: [null, 5, { toolCallId: 9 }, { ...call, path: null, status: 'exploded' }],
    approvals: [null, { approvalId: 'ap0' }, 'x'],
    stepTexts: [null, { stepNumber: 0, text: 'Hel' }, { stepNumber: 'one', text: 4 }],
    elicitations: { id: 'q' },
    usage: 'lots',
    handedOverAt: 'step 2',
  },
] as unknown as AgentChatMessage[];

const fold = (state: AgentChatState, actions: AgentChatAction[]): AgentChatState =>
  actions.reduce(reduceAgentChat, state);

const answer = (state: AgentChatState): AssistantChatMessage => {
  const found = state.messages.find((message) => message.id === 'a1');
  if (found?.role !== 'assistant') throw new Error('no answer');
  return found;
};

const resumed = (start: AgentChatState) =>
  reduceAgentChat(start, { type: 'resume', assistantId: 'x', runId: 'run-1' });

describe('reduceAgentChat: saved messages whose entries are not entries', () => {
  for (const [label, start] of [
    ['initialMessages', () => initialAgentChatState(saved)],
    [
      'setMessages',
      () => reduceAgentChat(initialAgentChatState(), { type: 'set-messages', messages: saved }),
    ],
  ] as const) {
    it(`from ${label}: read to the state's types`, () => {
      const state = start();
      const [first, second] = state.messages;
      expect(first).toEqual({ id: 'u1', role: 'user', text: 'Hi' });
      expect(second).toEqual({
        id: 'u2',
        role: 'user',
        text: 'And',
        files: [{ mediaType: 'image/png', size: 5 }],
      });
      const message = answer(state);
      expect(message.toolCalls).toEqual([{ ...call, path: [], status: 'error' }]);
      expect(message.approvals).toEqual([]);
      expect(message.stepTexts).toEqual([{ stepNumber: 0, text: 'Hel' }]);
      expect(message.elicitations).toBeUndefined();
      expect(message.usage).toBeUndefined();
      expect(message.handedOverAt).toBeUndefined();
    });

    it(`from ${label}: resumed, streamed into, answered and stopped without a throw`, () => {
      const state = fold(resumed(start()), [
        {
          type: 'events',
          messageId: 'a1',
          events: [
            { type: 'text-delta', path: [], stepNumber: 0, text: 'lo' },
            {
              type: 'tool-result',
              path: [],
              toolCallId: 'c1',
              toolName: 'lookup',
              outcome: 'success',
            },
            { type: 'step-finish', path: [], stepNumber: 0, usage },
            {
              type: 'plugin',
              path: [],
              plugin: 'mcp-requests',
              kind: 'elicitation-resolved',
              stepNumber: 0,
              data: { id: 'q' },
            },
            {
              type: 'approval-pending',
              path: [],
              approvalId: 'ap1',
              toolCallId: 'c2',
              toolName: 'send',
              args: {},
            },
          ],
        },
        { type: 'approval-answered', approvalId: 'ap1', decision: 'approve' },
        { type: 'stopped', messageId: 'a1' },
      ]);
      const message = answer(state);
      expect(message.text).toBe('Hello');
      expect(message.usage).toEqual(usage);
      expect(message.toolCalls.map((each) => [each.toolCallId, each.status])).toEqual([
        ['c1', 'done'],
        ['c2', 'error'],
      ]);
      expect(state.status).toBe('idle');
    });
  }

  it.each([
    ['an object', { 0: { id: 'u1', role: 'user', text: 'Hi' } }],
    ['a string', 'u1,u2'],
    ['a number', 3],
  ])('messages that are no list (%s): none, and the chat works', (_label, messages) => {
    const start = initialAgentChatState(messages as unknown as AgentChatMessage[]);
    expect(start.messages).toEqual([]);
    const replaced = reduceAgentChat(start, {
      type: 'set-messages',
      messages: messages as unknown as AgentChatMessage[],
    });
    expect(replaced.messages).toEqual([]);
    const sent = reduceAgentChat(replaced, {
      type: 'send',
      userId: 'u9',
      assistantId: 'a9',
      text: 'Again',
    });
    expect(sent.messages).toHaveLength(2);
  });

  it('a whole saved message is kept as the same object', () => {
    const whole: AgentChatMessage = {
      id: 'a1',
      role: 'assistant',
      text: 'Hi',
      thoughts: '',
      toolCalls: [call as AssistantChatMessage['toolCalls'][number]],
      approvals: [],
      stepTexts: [{ stepNumber: 0, text: 'Hi' }],
      usage,
    };
    const user: AgentChatMessage = {
      id: 'u1',
      role: 'user',
      text: 'Hi',
      files: [{ mediaType: 'image/png', size: 5, filename: 'a.png' }],
    };
    const state = initialAgentChatState([user, whole]);
    expect(state.messages[0]).toBe(user);
    expect(state.messages[1]).toBe(whole);
  });
});

/** A page that shows the messages: text, files' names, tool calls' names. */
function Chat(props: UseAgentChatOptions) {
  const chat = useAgentChat(props);
  return createElement(
    'ol',
    null,
    chat.messages.map((message) =>
      createElement(
        'li',
        { key: message.id },
        message.text,
        message.role === 'user'
          ? (message.files ?? []).map((file) => file.filename ?? file.mediaType).join(', ')
          : message.toolCalls.map((each) => each.toolName).join(', '),
      ),
    ),
  );
}

describe('useAgentChat under react-dom/server with such saved messages', () => {
  it('renders them, hostile text as text, and throws nothing to the page', () => {
    const hostile = [
      ...saved,
      { id: 'u3', role: 'user', text: '<img src=x onerror=alert(1)><script>alert(2)</script>' },
    ] as unknown as AgentChatMessage[];
    const html = renderToString(createElement(Chat, { url: '/chat', initialMessages: hostile }));
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('image/png');
    expect(() =>
      renderToString(
        createElement(Chat, {
          url: '/chat',
          initialMessages: { length: 1 } as unknown as AgentChatMessage[],
        }),
      ),
    ).not.toThrow();
  });
});

describe('a saved error', () => {
  it('a ClientError saved through JSON (no message) is kept as an error, a code of another type left out', () => {
    const failed = (error: unknown) =>
      initialAgentChatState([
        {
          id: 'a1',
          role: 'assistant',
          text: '',
          thoughts: '',
          toolCalls: [],
          approvals: [],
          outcome: 'error',
          error,
        } as unknown as AgentChatMessage,
      ]);
    expect(answer(failed({ name: 'ClientError', code: 'http-status', status: 500 })).error).toEqual(
      { name: 'ClientError', code: 'http-status', status: 500, message: '' },
    );
    expect(answer(failed({ message: 'Boom', code: 7 })).error).toEqual({
      name: 'Error',
      message: 'Boom',
    });
    expect(answer(failed('Boom')).error).toBeUndefined();
    const whole = { name: 'Error', code: 'x', message: 'Boom' };
    expect(answer(failed(whole)).error).toBe(whole);
  });
});
