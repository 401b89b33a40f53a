import { describe, expect, it } from 'vitest';
import { streaming } from './__fixtures__/streaming-chat.ts';
import { initialAgentChatState, reduceAgentChat } from './reduce-agent-chat.ts';

// `failed` with `discard`: what useAgentChat dispatches when a resume of a run the messages did
// not hold fails before any event (leftovers77b). The message added for it goes.

const failure = { name: 'ClientError', code: 'resume-unavailable', message: 'Gone.' };

describe('reduceAgentChat: a failed run whose message is discarded', () => {
  it('removes the message the resume added; the chat shows the error', () => {
    const before = streaming();
    const done = reduceAgentChat(before, { type: 'stopped', messageId: 'a1' });
    const resumed = reduceAgentChat(done, { type: 'resume', assistantId: 'a2', runId: 'run-9' });
    expect(resumed.messages).toHaveLength(3);
    const failed = reduceAgentChat(resumed, {
      type: 'failed',
      messageId: 'a2',
      error: failure,
      discard: true,
    });
    expect(failed).toEqual({ ...done, status: 'error', error: failure, streamingId: undefined });
  });

  it('of a message not streaming: changes nothing', () => {
    const state = initialAgentChatState();
    const action = { type: 'failed', messageId: 'a1', error: failure, discard: true } as const;
    expect(reduceAgentChat(state, action)).toBe(state);
  });

  it('without discard: the message stays, marked failed (as before)', () => {
    const failed = reduceAgentChat(streaming(), {
      type: 'failed',
      messageId: 'a1',
      error: failure,
    });
    expect(failed.messages[1]).toMatchObject({ id: 'a1', outcome: 'error', error: failure });
  });
});
