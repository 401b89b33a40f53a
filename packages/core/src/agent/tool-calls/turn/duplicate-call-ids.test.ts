import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../../../http/create-gemini.ts';
import type { AgentEvent } from '../../../run/agent-event.ts';
import type { AgentResult } from '../../../run/agent-result.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import type { GenerateContentBody } from '../../../wire/request.ts';
import { createAgent } from '../../create-agent.ts';

// leftovers73: a model (or a gateway) that gives two calls of one turn the same id. Ids are
// optional on the Gemini API and a client answers every call of a turn, in order, each with its
// call's `id` (gemini-wire.md §5.3, TYPES `FunctionCall`: "return the response with the matching
// id"); nothing says a repeat is refused. So both run and both are answered in order with the id
// as it came, streamed and unary alike: right as it is. Inside, `toolCallId` stays the model's
// (the tool and `beforeToolCall` tell the two apart by `step` and `callIndex`,
// run-ending-error.test.ts), and a page is shown `dup#2` for the second (web/call-ids.ts). Held
// on arrival; kept as a guard.

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

async function runWith(
  calls: { id: string | null; word: string }[],
  mode: 'run' | 'stream',
): Promise<{ result: AgentResult<string>; events: AgentEvent<string>[]; answers: unknown[] }> {
  const fake = createFakeGemini({
    script: [
      turn.calls(calls.map(({ id, word }) => ({ name: 'lookup', args: { word }, id }))),
      turn.text('Done.'),
    ],
  });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'duplicate-ids-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    tools: [lookup],
  });
  const events: AgentEvent<string>[] = [];
  let result: AgentResult<string>;
  if (mode === 'run') result = await agent.run('Go');
  else {
    const stream = agent.stream('Go');
    for await (const event of stream) events.push(event);
    result = await stream.result;
  }
  const second = fake.requests[1]?.body as GenerateContentBody;
  const answers = (second.contents.at(-1)?.parts ?? []).map((part) => part.functionResponse);
  return { result, events, answers };
}

describe.each(['run', 'stream'] as const)('two calls of one turn with one id (%s)', (mode) => {
  it('runs both and answers both in order, each with the id the model gave', async () => {
    const { result, events, answers } = await runWith(
      [
        { id: 'dup', word: 'first' },
        { id: 'dup', word: 'second' },
        { id: 'other', word: 'third' },
      ],
      mode,
    );
    expect(result.text).toBe('Done.');
    // The wire: three answers, in call order, each with its call's id as the model gave it.
    expect(answers).toEqual([
      { name: 'lookup', id: 'dup', response: { output: 'first: found' } },
      { name: 'lookup', id: 'dup', response: { output: 'second: found' } },
      { name: 'lookup', id: 'other', response: { output: 'third: found' } },
    ]);
    // Inside: the records in call order, each with the model's id.
    expect(
      result.steps[0]?.toolCalls.map(({ toolCallId, hasWireId, output }) => [
        toolCallId,
        hasWireId,
        output,
      ]),
    ).toEqual([
      ['dup', true, 'first: found'],
      ['dup', true, 'second: found'],
      ['other', true, 'third: found'],
    ]);
    if (mode === 'stream') {
      // Every call's result is an event of its own (in the order they ended).
      const ends = events.flatMap((event) =>
        event.type === 'tool-result'
          ? [`${event.toolCall.toolCallId}:${event.toolCall.output}`]
          : [],
      );
      expect(ends.sort()).toEqual(['dup:first: found', 'dup:second: found', 'other:third: found']);
    }
  });
});
