import { describe, expect, it } from 'vitest';
import type { AgentChatMessage, ChatError } from './agent-chat-message.ts';
import { initialAgentChatState, reduceAgentChat } from './reduce-agent-chat.ts';

// A page saved its resume point with the messages, the run completed, the page reloaded and
// resumed: the resume failed (the server restarted, the connection dropped). The failure said
// nothing of the run the saved messages show completed, yet it marked that answer `error`, with
// the resume's error under it: a finished answer shown as a failed one, saved so at the next save.

const completed: AgentChatMessage[] = [
  { id: 'u1', role: 'user', text: 'Count' },
  {
    id: 'a1',
    role: 'assistant',
    runId: 'run-1',
    text: '1, 2, 3.',
    stepTexts: [{ stepNumber: 1, text: '1, 2, 3.' }],
    thoughts: '',
    toolCalls: [],
    approvals: [],
    outcome: 'completed',
    finishReason: 'stop',
  },
];
const lost: ChatError = {
  name: 'ClientError',
  code: 'connection-lost',
  message: 'The connection was lost.',
};

describe('reduceAgentChat: a failed resume of a completed run', () => {
  it('keeps the completed answer as it was and reports the failure on the chat', () => {
    const initial = initialAgentChatState(completed);
    let state = reduceAgentChat(initial, { type: 'resume', assistantId: 'a9', runId: 'run-1' });
    state = reduceAgentChat(state, { type: 'failed', messageId: 'a1', error: lost });
    expect(state.messages[1]).toEqual(completed[1]);
    expect(state.status).toBe('error');
    expect(state.error).toEqual(lost);
    expect(state.streamingId).toBeUndefined();
  });

  it('an answer the resumed stream changed before failing is the stream`s to end', () => {
    let state = initialAgentChatState([
      completed[0] as AgentChatMessage,
      { ...(completed[1] as AgentChatMessage), outcome: undefined } as AgentChatMessage,
    ]);
    state = reduceAgentChat(state, { type: 'resume', assistantId: 'a9', runId: 'run-1' });
    state = reduceAgentChat(state, {
      type: 'event',
      messageId: 'a1',
      event: { type: 'text-delta', path: [], stepNumber: 1, text: ' 4.' },
    });
    state = reduceAgentChat(state, { type: 'failed', messageId: 'a1', error: lost });
    expect(state.messages[1]).toMatchObject({ text: '1, 2, 3. 4.', outcome: 'error', error: lost });
  });
});
