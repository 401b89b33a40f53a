import { describe, expect, it } from 'vitest';
import { countArrayWork } from '../../client/src/__fixtures__/count-array-work.ts';
import { answer, streaming } from './__fixtures__/streaming-chat.ts';
import { type AgentChatAction, reduceAgentChat } from './reduce-agent-chat.ts';

// A hostile (or buggy) server must not be able to freeze a page with events the client accepts:
// the state's work grows with the events, not with their square. Counted (array elements walked or
// copied), never timed.

/** A run of `n` tool calls, each approved and answered, with text and retractions between. */
function hostileRun(n: number): unknown[] {
  const events: unknown[] = [{ type: 'start', path: [], runId: 'r', protocol: 1 }];
  for (let index = 1; index <= n; index++) {
    const call = { path: [], stepNumber: index, toolCallId: `c${index}`, toolName: 'send' };
    events.push(
      { type: 'tool-call', ...call, args: { to: index } },
      { type: 'approval-pending', ...call, approvalId: `ap${index}`, args: { to: index } },
      { type: 'approval-resolved', path: [], approvalId: `ap${index}`, decision: 'approve' },
      { type: 'tool-result', ...call, outcome: 'success', preview: `${index}` },
      { type: 'text-delta', path: [], stepNumber: index, text: 'ab' },
      { type: 'thought-delta', path: [], stepNumber: index, text: 't' },
      // A retraction of the first step each time: the text is rebuilt from the steps.
      { type: 'text-retraction', path: [], stepNumber: 1, text: 'A' },
    );
  }
  return events;
}

describe('reduceAgentChat: work in proportion to the events', () => {
  it('takes the events that arrived together (`events`) in work linear in them', async () => {
    const measure = async (n: number) => {
      const events = hostileRun(n);
      const { result, work } = await countArrayWork(() =>
        reduceAgentChat(streaming(), { type: 'events', messageId: 'a1', events }),
      );
      const message = answer(result);
      expect(message.toolCalls).toHaveLength(n);
      expect(message.toolCalls.every((call) => call.status === 'done')).toBe(true);
      expect(message.approvals).toEqual([]);
      expect(message.text).toBe(`A${'ab'.repeat(n - 1)}`);
      expect(message.thoughts).toBe('t'.repeat(n));
      return work;
    };
    const small = await measure(1000);
    const large = await measure(4000);
    // Linear: 4x. Quadratic (a copy or a scan of the calls per event) would be 16x.
    expect(large / small).toBeLessThan(6);
  });

  it('gives the same state as one `event` action per event', () => {
    const delta = (stepNumber: number, text: string) => ({
      type: 'text-delta',
      path: [],
      stepNumber,
      text,
    });
    // Steps out of order too: a step before the last, then the last again.
    const events = [
      ...hostileRun(20),
      delta(30, 'a'),
      delta(25, 'b'),
      delta(30, 'c'),
      delta(31, 'd'),
    ];
    const batched = reduceAgentChat(streaming(), { type: 'events', messageId: 'a1', events });
    const one = events
      .map((event): AgentChatAction => ({ type: 'event', messageId: 'a1', event }))
      .reduce(reduceAgentChat, streaming());
    expect(batched).toEqual(one);
    expect(answer(batched).text).toBe(`A${'ab'.repeat(19)}bacd`);
  });

  it('takes a long answer one event at a time in work linear in its deltas', async () => {
    const measure = async (n: number) => {
      const actions: AgentChatAction[] = [];
      for (let index = 0; index < n; index++) {
        const stepNumber = 1 + Math.floor(index / 500);
        for (const type of ['text-delta', 'thought-delta']) {
          actions.push({
            type: 'event',
            messageId: 'a1',
            event: { type, path: [], stepNumber, text: 'x' },
          });
        }
      }
      const { result, work } = await countArrayWork(() =>
        actions.reduce(reduceAgentChat, streaming()),
      );
      expect(answer(result).text).toHaveLength(n);
      return work;
    };
    const small = await measure(2000);
    const large = await measure(8000);
    expect(large / small).toBeLessThan(6);
  });
});
