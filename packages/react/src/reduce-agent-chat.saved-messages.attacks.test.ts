import { describe, expect, it } from 'vitest';
import type { AgentChatMessage, AgentChatState } from './agent-chat-message.ts';
import {
  type AgentChatAction,
  initialAgentChatState,
  reduceAgentChat,
} from './reduce-agent-chat.ts';

// attack61f: the messages a page gives back (`initialMessages` read from `sessionStorage`, a
// conversation of its own store through `setMessages`) come from storage: an app's older build, a
// store that kept fewer fields, a value cut short. An assistant message without `toolCalls`,
// `approvals`, `text` or `thoughts` threw a TypeError from the reducer at the next resume, event,
// stop or approval (React then unmounts the whole page), or showed `undefined` before the text.

const saved = [
  { id: 'u1', role: 'user', text: 'Hi' },
  { id: 'a1', role: 'assistant', runId: 'run-1' },
  { id: 'u2', role: 'user' },
  { id: 'a2', role: 'assistant', text: 'Hel', toolCalls: null, approvals: 'none', thoughts: 3 },
] as unknown as AgentChatMessage[];

const fold = (state: AgentChatState, actions: AgentChatAction[]): AgentChatState =>
  actions.reduce(reduceAgentChat, state);

describe('reduceAgentChat: saved messages that lack fields', () => {
  for (const [label, start] of [
    ['initialMessages', () => initialAgentChatState(saved)],
    [
      'setMessages',
      () => reduceAgentChat(initialAgentChatState(), { type: 'set-messages', messages: saved }),
    ],
  ] as const) {
    it(`from ${label}: resumed, streamed into, answered, stopped without a throw`, () => {
      const resumed = fold(start(), [
        { type: 'resume', assistantId: 'x', runId: 'run-1' },
        {
          type: 'events',
          messageId: 'a1',
          events: [
            { type: 'text-delta', path: [], stepNumber: 0, text: 'lo' },
            { type: 'thought-delta', path: [], stepNumber: 0, text: 'hm' },
            {
              type: 'approval-pending',
              path: [],
              approvalId: 'ap1',
              toolCallId: 'c1',
              toolName: 'send',
              args: {},
            },
          ],
        },
        { type: 'approval-answered', approvalId: 'ap1', decision: 'approve' },
        { type: 'stopped', messageId: 'a1' },
        { type: 'approval-gone', approvalId: 'nothing' },
        { type: 'send', userId: 'u3', assistantId: 'a3', text: 'Again' },
        { type: 'reload', assistantId: 'a4' },
      ]);
      const first = resumed.messages[1];
      expect(first).toMatchObject({ id: 'a1', text: 'lo', thoughts: 'hm', outcome: 'aborted' });
      expect(resumed.messages[2]).toMatchObject({ role: 'user', text: '' });
      expect(resumed.messages[3]).toMatchObject({
        text: 'Hel',
        thoughts: '',
        toolCalls: [],
        approvals: [],
      });
      expect(resumed.status).toBe('streaming');
    });
  }

  it('keeps well-formed messages as they are (the same objects)', () => {
    const whole: AgentChatMessage[] = [
      { id: 'u1', role: 'user', text: 'Hi' },
      { id: 'a1', role: 'assistant', text: 'Hello', thoughts: '', toolCalls: [], approvals: [] },
    ];
    const state = initialAgentChatState(whole);
    expect(state.messages[0]).toBe(whole[0]);
    expect(state.messages[1]).toBe(whole[1]);
  });
});
