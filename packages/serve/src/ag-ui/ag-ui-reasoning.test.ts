import { defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// Thought summaries as AG-UI reasoning events (https://docs.ag-ui.com/concepts/reasoning), read by
// `@ag-ui/client`'s HttpAgent: only when the server turns them on, only the top-level agent's.

const types = (events: { type: string }[]) => events.map((event) => event.type);

describe('AG-UI reasoning events', () => {
  it("sends the model's thought summary as one reasoning span before the answer, which HttpAgent keeps as a reasoning message", async () => {
    const { client, events } = await serveAgUi(
      [turn.text('The answer is 4.', { thoughts: ['Adding two ', 'and two.'] })],
      { handler: { thoughts: true } },
    );
    const { seen, run } = await events(client(), 'What is 2+2?');
    const contents = (type: string) => types(seen).filter((each) => each === type);
    expect(types(seen)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED',
      'REASONING_START',
      'REASONING_MESSAGE_START',
      ...contents('REASONING_MESSAGE_CONTENT'),
      'REASONING_MESSAGE_END',
      'REASONING_END',
      'TEXT_MESSAGE_START',
      ...contents('TEXT_MESSAGE_CONTENT'),
      'TEXT_MESSAGE_END',
      'STEP_FINISHED',
      'RUN_FINISHED',
    ]);
    const thought = seen
      .filter((event) => event.type === 'REASONING_MESSAGE_CONTENT')
      .map((event) => (event as unknown as { delta: string }).delta)
      .join('');
    expect(thought).toBe('Adding two and two.');
    const start = seen.find((event) => event.type === 'REASONING_MESSAGE_START');
    expect(start).toMatchObject({ role: 'reasoning' });
    // The thought never leaks into the answer.
    expect(run.result).toBe('The answer is 4.');
    expect(run.newMessages.map((message) => message.role)).toEqual(['reasoning', 'assistant']);
    expect(run.newMessages[0]).toMatchObject({ content: 'Adding two and two.' });
  });

  it('closes the reasoning span before a tool call, and opens a new one in the next step', async () => {
    const { client, events } = await serveAgUi(
      [
        turn.call('now', {}, { thoughts: 'I need the time.' }),
        turn.text('It is noon.', { thoughts: 'The tool said noon.' }),
      ],
      {
        handler: { thoughts: true },
        agent: {
          tools: [
            defineTool({
              name: 'now',
              description: 'The time.',
              parameters: z.object({}),
              execute: () => 'noon',
            }),
          ],
        },
      },
    );
    const { seen } = await events(client(), 'What time is it?');
    const order = types(seen).filter(
      (type) => type.startsWith('REASONING_') || type.startsWith('TOOL_CALL_START'),
    );
    expect(order.filter((type) => type !== 'REASONING_MESSAGE_CONTENT')).toEqual([
      'REASONING_START',
      'REASONING_MESSAGE_START',
      'REASONING_MESSAGE_END',
      'REASONING_END',
      'TOOL_CALL_START',
      'REASONING_START',
      'REASONING_MESSAGE_START',
      'REASONING_MESSAGE_END',
      'REASONING_END',
    ]);
  });

  it('sends no thoughts unless the server turns them on', async () => {
    const { client, events } = await serveAgUi([
      turn.text('Four.', { thoughts: 'private chain of thought' }),
    ]);
    const { seen, run } = await events(client(), 'What is 2+2?');
    expect(types(seen).some((type) => type.startsWith('REASONING'))).toBe(false);
    expect(JSON.stringify(seen)).not.toContain('private chain of thought');
    expect(run.result).toBe('Four.');
  });
});
