import { describe, expect, it } from 'vitest';
import { countArrayWork } from '../../client/src/__fixtures__/count-array-work.ts';
import { answer, streaming } from './__fixtures__/streaming-chat.ts';
import type { AssistantChatMessage } from './agent-chat-message.ts';
import { reduceAgentChat } from './reduce-agent-chat.ts';

// Outside attacks on the chat state (attack13): the events come from whatever answers at the
// server's URL, and what the state keeps is rendered by the page as it is. A field the page
// renders as a number or text must be one, or React throws ("Objects are not valid as a React
// child") and the whole chat goes blank.

const fold = (events: unknown[]): AssistantChatMessage =>
  answer(reduceAgentChat(streaming(), { type: 'events', messageId: 'a1', events }));

describe('reduceAgentChat: hostile step numbers on tool calls', () => {
  const call = { path: [], toolCallId: 'c1', toolName: 'send' };
  for (const [label, stepNumber] of [
    ['an object', { toString: 'x' }],
    ['a string', '3'],
    ['missing', undefined],
    ['Infinity', Number.POSITIVE_INFINITY],
  ] as const) {
    it(`keeps a call whose stepNumber is ${label} as step 0, never that value`, () => {
      for (const event of [
        { type: 'tool-call', ...call, stepNumber, args: {} },
        { type: 'tool-result', ...call, stepNumber, outcome: 'success', preview: '1' },
        { type: 'approval-pending', ...call, stepNumber, approvalId: 'ap1', args: {} },
      ]) {
        const message = fold([event]);
        expect(message.toolCalls).toHaveLength(1);
        expect(message.toolCalls[0]?.stepNumber).toBe(0);
      }
    });
  }

  it('keeps a well-formed step number', () => {
    const message = fold([{ type: 'tool-call', ...call, stepNumber: 4, args: {} }]);
    expect(message.toolCalls[0]?.stepNumber).toBe(4);
  });
});

describe('reduceAgentChat: hostile elicitations', () => {
  const asked = (id: string, data: Record<string, unknown> = {}) => ({
    type: 'plugin',
    path: [],
    plugin: 'mcp-requests',
    kind: 'elicitation-pending',
    data: { id, mode: 'form', server: 'server "s"', message: 'Your name?', ...data },
  });

  it('keeps only the fields a form field has, each of its type (a title that is an object goes)', () => {
    const message = fold([
      asked('e1', {
        fields: [
          { name: 'who', type: 'string', required: true, title: { $$typeof: 'x' } },
          { name: 'age', type: 'number', required: false, title: 'Age', onClick: 'alert(1)' },
        ],
        toolCalls: [{ toolCallId: 'c1', toolName: 'ask', extra: { deep: true } }],
      }),
    ]);
    expect(message.elicitations?.[0]?.fields).toEqual([
      { name: 'who', type: 'string', required: true },
      { name: 'age', type: 'number', required: false, title: 'Age' },
    ]);
    expect(message.elicitations?.[0]?.toolCalls).toEqual([{ toolCallId: 'c1', toolName: 'ask' }]);
  });

  it('takes a storm of questions asked and answered in work linear in them', async () => {
    const measure = async (n: number) => {
      const events: unknown[] = [];
      for (let index = 0; index < n; index++) events.push(asked(`e${index}`));
      // Half of them answered, from the last one back (each removal a search of the list).
      for (let index = n - 1; index >= n / 2; index--) {
        events.push({
          type: 'plugin',
          path: [],
          plugin: 'mcp-requests',
          kind: 'elicitation-resolved',
          data: { id: `e${index}` },
        });
      }
      // One asked twice: still one.
      events.push(asked('e0'));
      const { result, work } = await countArrayWork(() =>
        reduceAgentChat(streaming(), { type: 'events', messageId: 'a1', events }),
      );
      expect(answer(result).elicitations?.map((each) => each.id)).toEqual(
        Array.from({ length: n / 2 }, (_, index) => `e${index}`),
      );
      return work;
    };
    const small = await measure(1000);
    const large = await measure(4000);
    // Linear: 4x. A copy or a scan of the questions per event would be 16x.
    expect(large / small).toBeLessThan(6);
  });
});
