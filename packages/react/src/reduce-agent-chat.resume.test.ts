import { describe, expect, it } from 'vitest';
import type { AgentChatMessage, AgentChatState } from './agent-chat-message.ts';
import {
  type AgentChatAction,
  initialAgentChatState,
  reduceAgentChat,
} from './reduce-agent-chat.ts';

// After a page reload: the messages saved with the resume point come back as the initial ones, and
// `resume` streams the rest of the run into the answer it belongs to.

const fold = (actions: AgentChatAction[], state: AgentChatState): AgentChatState =>
  actions.reduce(reduceAgentChat, state);
const delta = (text: string, messageId: string) =>
  ({
    type: 'event',
    messageId,
    event: { type: 'text-delta', path: [], stepNumber: 1, text },
  }) as const;

const saved: AgentChatMessage[] = [
  { id: 'u1', role: 'user', text: 'Count' },
  {
    id: 'a1',
    role: 'assistant',
    runId: 'run-1',
    text: '1, 2, ',
    stepTexts: [{ stepNumber: 1, text: '1, 2, ' }],
    thoughts: '',
    toolCalls: [],
    approvals: [],
  },
];

describe('reduceAgentChat: resume', () => {
  it('streams the rest of the run into its saved answer, which keeps what it showed', () => {
    const state = fold(
      [
        { type: 'resume', assistantId: 'a9', runId: 'run-1' },
        delta('3.', 'a1'),
        {
          type: 'event',
          messageId: 'a1',
          event: { type: 'finish', path: [], outcome: 'completed', finishReason: 'stop' },
        },
      ],
      initialAgentChatState(saved),
    );
    expect(state.messages.map((message) => message.id)).toEqual(['u1', 'a1']);
    expect(state.messages[1]).toMatchObject({ text: '1, 2, 3.', outcome: 'completed' });
    expect(state.status).toBe('idle');
  });

  it('keeps the run`s error event saved before the reload for the failed finish after it', () => {
    // The server sent `error`, the page saved its point, reloaded, and resumed after that event:
    // only `finish` comes, and the error the run failed with is the one already saved.
    const failure = {
      name: 'ToolExecutionError',
      code: 'tool-execution',
      message: 'A tool failed.',
    };
    const withError = saved.map((message) =>
      message.role === 'assistant' ? { ...message, error: failure } : message,
    );
    const resumed = reduceAgentChat(initialAgentChatState(withError), {
      type: 'resume',
      assistantId: 'a9',
      runId: 'run-1',
    });
    expect(resumed).toMatchObject({ status: 'streaming', error: failure });
    const ended = reduceAgentChat(resumed, {
      type: 'event',
      messageId: 'a1',
      event: { type: 'finish', path: [], outcome: 'error' },
    });
    expect(ended).toMatchObject({ status: 'error', error: failure });
    expect(ended.messages[1]).toMatchObject({ outcome: 'error', error: failure });
  });

  it('drops the error of a stream that broke (its outcome set by the page) when it resumes', () => {
    const broken = fold(
      [
        { type: 'resume', assistantId: 'a9', runId: 'run-1' },
        { type: 'failed', messageId: 'a1', error: new Error('connection lost') },
      ],
      initialAgentChatState(saved),
    );
    const resumed = reduceAgentChat(broken, { type: 'resume', assistantId: 'a9', runId: 'run-1' });
    expect(resumed).toMatchObject({ status: 'streaming', error: undefined });
    expect(resumed.messages[1]?.role === 'assistant' && resumed.messages[1].error).toBeUndefined();
  });

  it('streams into the run`s answer again after this page stopped it', () => {
    const stopped = fold(
      [
        { type: 'resume', assistantId: 'a9', runId: 'run-1' },
        {
          type: 'event',
          messageId: 'a1',
          event: {
            type: 'approval-pending',
            path: [],
            approvalId: 'ap1',
            stepNumber: 1,
            toolCallId: 'c1',
            toolName: 'send',
            args: {},
          },
        },
        { type: 'stopped', messageId: 'a1' },
      ],
      initialAgentChatState(saved),
    );
    expect(stopped.messages[1]).toMatchObject({ outcome: 'aborted' });
    const again = reduceAgentChat(stopped, { type: 'resume', assistantId: 'a9', runId: 'run-1' });
    expect(again.streamingId).toBe('a1');
    expect(again.status).toBe('streaming');
    expect(again.messages[1]).toMatchObject({ outcome: undefined, text: '1, 2, ' });
  });

  it('a run the messages do not hold streams into a new answer that carries its run id', () => {
    const state = fold(
      [{ type: 'resume', assistantId: 'a9', runId: 'run-2' }, delta('rest', 'a9')],
      initialAgentChatState(saved),
    );
    expect(state.messages.map((message) => message.id)).toEqual(['u1', 'a1', 'a9']);
    expect(state.messages[2]).toMatchObject({ runId: 'run-2', text: 'rest' });
    expect(state.streamingId).toBe('a9');
  });
});
