import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildGenerateContentBody } from '../../http/build-generate-content-body.ts';
import { createGemini } from '../../http/create-gemini.ts';
import type { Gemini } from '../../http/gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content } from '../../wire/content.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { createAgent } from '../create-agent.ts';

const MODEL = 'gemini-3-flash-preview';

function callTurn(step: number): GenerateContentResponse {
  return {
    candidates: [
      {
        content: {
          role: 'model',
          parts: [
            {
              functionCall: { id: `call-${step}`, name: 'add', args: { a: step, b: 1 } },
              thoughtSignature: btoa(`signature-${step}`),
            },
          ],
        },
        finishReason: 'STOP',
      },
    ],
  };
}

const answer: GenerateContentResponse = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'done' }] }, finishReason: 'STOP' }],
};

/**
 * A client whose requests are answered from `script`, recording the body text each request sent
 * and, beside it, `JSON.stringify` of the body built from the request object the agent passed.
 */
function recordingGemini(script: GenerateContentResponse[]) {
  const sent: string[] = [];
  const expected: string[] = [];
  const inner = createGemini({
    apiKey: 'test-key',
    retry: false,
    fetch: async (_url, init) => {
      sent.push(String(init?.body));
      const next = script.shift() ?? answer;
      return Response.json(next);
    },
  });
  const gemini: Gemini = {
    ...inner,
    generateContent(request, options) {
      expected.push(JSON.stringify(buildGenerateContentBody(request)));
      return inner.generateContent(request, options);
    },
  };
  return { gemini, sent, expected };
}

const add = defineTool({
  name: 'add',
  description: 'Adds two integers.',
  parameters: z.object({ a: z.number().int(), b: z.number().int() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

describe('the request of each step', () => {
  it('sends the bytes JSON.stringify makes of the whole request, step after step', async () => {
    const { gemini, sent, expected } = recordingGemini([callTurn(1), callTurn(2), callTurn(3)]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [add],
      instructions: 'Add the numbers.',
    });
    const result = await agent.run('Add 1 and 1, three times.');
    expect(result.text).toBe('done');
    expect(sent).toHaveLength(4);
    expect(sent).toEqual(expected);
    // The last request replays the whole history: three signed calls and their answers.
    expect((JSON.parse(sent[3] as string) as { contents: Content[] }).contents).toHaveLength(7);
  });

  it('sends a history edited in place between two runs as it is now', async () => {
    const { gemini, sent, expected } = recordingGemini([callTurn(1)]);
    const agent = createAgent({ gemini, model: MODEL, tools: [add] });
    const first = await agent.run('First question.');
    const history = first.contents;
    // Edited in place, not replaced: no cache of the first run may send the old text.
    (history[0]?.parts[0] as { text: string }).text = 'First question, edited.';
    await agent.run('Second question.', { history });
    expect(sent).toEqual(expected);
    const last = JSON.parse(sent.at(-1) as string) as { contents: Content[] };
    expect(last.contents[0]?.parts[0]).toEqual({ text: 'First question, edited.' });
  });
});
