import { describe, expect, it } from 'vitest';
import { answer, streaming } from './__fixtures__/streaming-chat.ts';
import type { AgentChatState } from './agent-chat-message.ts';
import { reduceAgentChat } from './reduce-agent-chat.ts';

// leftovers76: what the last lanes noticed in the chat state and left alone, from outside. The
// events come from whatever answers at the server's URL (a proxy, an older or a newer server).

const fold = (events: unknown[], state: AgentChatState = streaming()): AgentChatState =>
  reduceAgentChat(state, { type: 'events', messageId: 'a1', events });
const delta = (text: string, stepNumber?: unknown) => ({
  type: 'text-delta',
  path: [],
  text,
  ...(stepNumber === undefined ? {} : { stepNumber }),
});
const failure = { name: 'ModelError', code: 'model-unreachable', message: 'Not reached.' };

describe('reduceAgentChat: a text-delta without a step number', () => {
  it('continues the step streaming now, in order, not step 0 before the later steps', () => {
    const state = fold([delta('one ', 0), delta('two ', 1), delta('three')]);
    expect(answer(state).text).toBe('one two three');
  });

  it('one event at a time reads the same as a batch', () => {
    let state = streaming();
    for (const event of [delta('one ', 0), delta('two ', 1), delta('three', 'x')]) {
      state = reduceAgentChat(state, { type: 'event', messageId: 'a1', event });
    }
    expect(answer(state).text).toBe('one two three');
  });

  it('a run whose deltas all lack it shows the whole answer', () => {
    expect(answer(fold([delta('Hello, '), delta('world.')])).text).toBe('Hello, world.');
  });

  it('after a hand-off: the answer of the agent handed to, not the one handing over', () => {
    const state = fold([
      delta('Let me pass you on. ', 0),
      { type: 'handoff', path: [], stepNumber: 0, from: 'triage', to: 'billing' },
      delta('Billing here.'),
    ]);
    expect(answer(state).text).toBe('Billing here.');
  });
});

describe('reduceAgentChat: an error, then a finish that does not say failed', () => {
  for (const outcome of ['completed', 'aborted']) {
    it(`${outcome}: the error stays shown and the chat ends in error, its answer failed`, () => {
      const state = fold([
        delta('Half', 0),
        { type: 'error', path: [], error: failure },
        { type: 'finish', path: [], outcome, finishReason: 'stop' },
      ]);
      expect(state).toMatchObject({ status: 'error', error: failure, streamingId: undefined });
      expect(answer(state)).toMatchObject({ text: 'Half', outcome: 'error', error: failure });
    });
  }

  it('the error and the finish in two batches end the same', () => {
    const failed = fold([{ type: 'error', path: [], error: failure }]);
    expect(failed.status).toBe('streaming');
    const ended = fold([{ type: 'finish', path: [], outcome: 'completed' }], failed);
    expect(ended).toMatchObject({ status: 'error', error: failure });
    expect(answer(ended).outcome).toBe('error');
  });

  it('a finish without an error before it still ends idle', () => {
    const state = fold([delta('Done.', 0), { type: 'finish', path: [], outcome: 'completed' }]);
    expect(state).toMatchObject({ status: 'idle', error: undefined });
    expect(answer(state).outcome).toBe('completed');
  });
});
