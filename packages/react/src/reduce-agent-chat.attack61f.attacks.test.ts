import { describe, expect, it } from 'vitest';
import { answer, streaming } from './__fixtures__/streaming-chat.ts';
import { reduceAgentChat } from './reduce-agent-chat.ts';

// attack61f: a hostile or broken server's `finish`. `@gemloop/client` ends the stream at any event
// of type `finish` (it is the run's last), whatever its other fields; the state dropped one whose
// `usage`, `finishReason` or `outcome` had the wrong type, so the chat stayed `streaming` for good
// after the run was over: Stop enabled, no run behind it, `onFinish` given an unfinished message.

const delta = { type: 'text-delta', path: [], stepNumber: 0, text: 'Done.' };

describe('reduceAgentChat: a finish of the wrong shape still ends the run', () => {
  for (const [label, finish] of [
    ['usage that is text', { type: 'finish', path: [], outcome: 'completed', usage: 'x' }],
    [
      'usage missing counts',
      { type: 'finish', path: [], outcome: 'completed', usage: { inputTokens: 1 } },
    ],
    [
      'a numeric finish reason',
      { type: 'finish', path: [], outcome: 'completed', finishReason: 5 },
    ],
    ['no path', { type: 'finish', outcome: 'completed', finishReason: 'stop' }],
  ] as const) {
    it(`with ${label}: completed, idle, the bad field left out`, () => {
      const state = reduceAgentChat(streaming(), {
        type: 'events',
        messageId: 'a1',
        events: [delta, finish],
      });
      expect(state).toMatchObject({ status: 'idle', streamingId: undefined, error: undefined });
      const message = answer(state);
      expect(message).toMatchObject({ text: 'Done.', outcome: 'completed' });
      expect(typeof (message.finishReason ?? '')).toBe('string');
      expect(message.usage).toBeUndefined();
      // Nothing after it is read.
      expect(reduceAgentChat(state, { type: 'event', messageId: 'a1', event: delta })).toBe(state);
    });
  }

  it('with an outcome this package does not know: ended as a failure the server did not explain', () => {
    for (const outcome of ['exploded', 7, undefined]) {
      const state = reduceAgentChat(streaming(), {
        type: 'event',
        messageId: 'a1',
        event: { type: 'finish', path: [], outcome },
      });
      expect(state.status).toBe('error');
      expect(state.streamingId).toBeUndefined();
      expect(state.error).toMatchObject({ code: 'run-failed-unexplained' });
      expect(answer(state).outcome).toBe('error');
    }
  });

  it('a well-formed finish keeps its usage and reason', () => {
    const usage = {
      inputTokens: 1,
      outputTokens: 2,
      thoughtsTokens: 0,
      cachedTokens: 0,
      totalTokens: 3,
    };
    const state = reduceAgentChat(streaming(), {
      type: 'event',
      messageId: 'a1',
      event: { type: 'finish', path: [], outcome: 'aborted', finishReason: 'stop', usage },
    });
    expect(state.status).toBe('idle');
    expect(answer(state)).toMatchObject({ outcome: 'aborted', finishReason: 'stop', usage });
  });
});
