import { createFakeGemini, type FakeScript, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../../../http/create-gemini.ts';
import type { AgentToolCall } from '../../../run/agent-result.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import type { Content, Part } from '../../../wire/content.ts';
import type { GenerateContentBody } from '../../../wire/request.ts';
import { createAgent } from '../../create-agent.ts';

// attack27: a functionCall `id` that is not a string. The API's `FunctionCall.id` is a proto
// string (Gemini 3 sends 8 base36 characters); a gateway's translation may write a number (an
// OpenAI-style index) or an object. The loop took it as the call's `toolCallId`, typed `string`:
// every consumer that reads it as one broke: `@gemloop/react` drops a tool-call event whose id is
// not a string (the page never showed a call that ran), and the durable runs of @gemloop/dbos cut
// it with `.slice` for a step's name (a TypeError). The id the model gave still goes back on the
// wire as given (the functionResponse echoes it: the rule is to send the model's content back
// verbatim); only gemloop's own id for events and the tool's context is a string.

const echo = defineTool({
  name: 'echo',
  parameters: z.object({ q: z.string() }).partial(),
  execute: (_args, context) => ({ seen: context.toolCallId }),
});

async function runWith(parts: Part[], mode: 'run' | 'stream') {
  const script: FakeScript = [turn.parts(parts), turn.text('done')];
  const fake = createFakeGemini({ script });
  const gemini = createGemini({
    apiKey: 'AIzaCallIds-0123456789',
    fetch: fake.fetch,
    retry: false,
  });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [echo] });
  const events: { type: string; toolCallId?: unknown }[] = [];
  let calls: AgentToolCall[];
  if (mode === 'run') {
    calls = (await agent.run('Go')).steps.flatMap((step) => step.toolCalls);
  } else {
    const stream = agent.stream('Go');
    for await (const event of stream) events.push(event as (typeof events)[number]);
    calls = (await stream.result).steps.flatMap((step) => step.toolCalls);
  }
  const body = fake.modelRequests[1]?.body as GenerateContentBody;
  const sent = (body.contents as Content[]).at(-1)?.parts.map((part) => part.functionResponse);
  return { calls, events, sent };
}

const odd: [string, unknown][] = [
  ['a number', 42],
  ['an object', { index: 0 }],
  ['an array', ['a']],
  ['true', true],
];

describe('a functionCall id that is not a string (attack27)', () => {
  for (const mode of ['run', 'stream'] as const) {
    for (const [name, id] of odd) {
      it(`${name} (${mode}): the call's toolCallId is a string of gemloop's; the wire id goes back as given`, async () => {
        const { calls, events, sent } = await runWith(
          [{ functionCall: { id, name: 'echo', args: { q: 'x' } } as never }],
          mode,
        );
        expect(calls.map((call) => [call.toolCallId, call.hasWireId])).toEqual([
          ['call_1_0', false],
        ]);
        expect(calls[0]?.output).toEqual({ seen: 'call_1_0' });
        if (mode === 'stream') {
          const ids = events.filter((event) => 'toolCallId' in event).map((e) => e.toolCallId);
          expect(ids).toEqual(['call_1_0']);
        }
        expect(sent).toEqual([{ id, name: 'echo', response: { seen: 'call_1_0' } }]);
      });
    }
    it(`a string id (${mode}) is still the call's toolCallId, an empty one included`, async () => {
      const { calls } = await runWith(
        [
          { functionCall: { id: 'w71i0cbt', name: 'echo', args: {} } },
          { functionCall: { id: '', name: 'echo', args: {} } },
        ],
        mode,
      );
      expect(calls.map((call) => [call.toolCallId, call.hasWireId])).toEqual([
        ['w71i0cbt', true],
        ['', true],
      ]);
    });
  }
});
