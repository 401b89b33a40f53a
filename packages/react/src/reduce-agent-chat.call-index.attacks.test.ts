import { describe, expect, it } from 'vitest';
import { answer, streaming } from './__fixtures__/streaming-chat.ts';
import type { AgentChatState } from './agent-chat-message.ts';
import { reduceAgentChat } from './reduce-agent-chat.ts';

// A server that sends many tool calls of distinct ids, each in a read of its own (one action per
// event: the hook batches only the events of one timer turn). Each action built the key map of
// the message's calls anew, a key (`JSON.stringify` of id and path) per call held: n actions, n²/2
// keys. 100,000 calls in actions of 100 events took 90 s of CPU at load 16, within the client's
// default `maxEvents`; one event an action, hours. Counted, not timed: every call's `path` here
// counts the times it is spread into a key.

/** A path `[]` whose spreads (a key made of it) are counted in `reads`. */
function countedPath(reads: { count: number }): string[] {
  return new Proxy([] as string[], {
    get(target, property, receiver) {
      if (property === Symbol.iterator) reads.count += 1;
      return Reflect.get(target, property, receiver);
    },
  });
}

function keysMade(n: number): { state: AgentChatState; count: number } {
  const reads = { count: 0 };
  let state = streaming();
  for (let index = 0; index < n; index++) {
    const call = {
      path: countedPath(reads),
      stepNumber: 0,
      toolCallId: `c${index}`,
      toolName: 't',
    };
    state = reduceAgentChat(state, {
      type: 'event',
      messageId: 'a1',
      event: { type: 'tool-call', ...call, args: {} },
    });
    // Its result in the next action: found by its key, not added again.
    state = reduceAgentChat(state, {
      type: 'event',
      messageId: 'a1',
      event: { type: 'tool-result', ...call, outcome: 'success' },
    });
  }
  return { state, count: reads.count };
}

describe('reduceAgentChat: a call found by its key without the keys rebuilt each action', () => {
  it('keys made grow with the calls, not with their square', () => {
    const small = keysMade(250);
    const large = keysMade(1000);
    expect(answer(large.state).toolCalls).toHaveLength(1000);
    expect(answer(large.state).toolCalls.every((call) => call.status === 'done')).toBe(true);
    // Linear: 4x. Rebuilt per action: 16x.
    expect(large.count / small.count).toBeLessThan(6);
  });

  it('two reductions from one state (StrictMode calls a reducer twice) give the same result', () => {
    let state = streaming();
    for (let index = 0; index < 5; index++) {
      state = reduceAgentChat(state, {
        type: 'event',
        messageId: 'a1',
        event: {
          type: 'tool-call',
          path: [],
          stepNumber: 0,
          toolCallId: `c${index}`,
          toolName: 't',
        },
      });
    }
    const action = (id: string) =>
      ({
        type: 'events',
        messageId: 'a1',
        events: [
          { type: 'tool-call', path: [], stepNumber: 1, toolCallId: id, toolName: 't' },
          { type: 'tool-result', path: [], toolCallId: 'c2', toolName: 't', outcome: 'success' },
        ],
      }) as const;
    const first = reduceAgentChat(state, action('x'));
    const second = reduceAgentChat(state, action('y'));
    const again = reduceAgentChat(state, action('x'));
    expect(answer(again)).toEqual(answer(first));
    const ids = (each: AgentChatState) => answer(each).toolCalls.map((call) => call.toolCallId);
    const resultOfX = (from: AgentChatState) =>
      reduceAgentChat(from, {
        type: 'event',
        messageId: 'a1',
        event: {
          type: 'tool-result',
          path: [],
          toolCallId: 'x',
          toolName: 't',
          outcome: 'success',
        },
      });
    expect(ids(second)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'y']);
    // Each branch goes on from its own state: a result for `x` in the second one is a new call.
    expect(ids(resultOfX(second))).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'y', 'x']);
    expect(
      answer(resultOfX(first)).toolCalls.map((call) => [call.toolCallId, call.status]),
    ).toEqual([
      ['c0', 'running'],
      ['c1', 'running'],
      ['c2', 'done'],
      ['c3', 'running'],
      ['c4', 'running'],
      ['x', 'done'],
    ]);
  });
});
