import { describe, expect, it } from 'vitest';
import { createScriptedGemini } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { guardrails } from './index.ts';

// attack59c: `holdBack` with output guardrails promises "the answer, as one `text-delta` of what
// they passed or rewrote" (its TSDoc, the README). A rewrite was one delta, but an answer they
// passed was sent as the deltas the model streamed, all at once after the check: a 10 MB answer
// in 100-byte chunks reached a page as 100,000 `text-delta` events in one burst.

function streamedAnswer(pieces: string[]): GenerateContentResponse[] {
  return pieces.map((text, index) => ({
    candidates: [
      {
        content: { role: 'model', parts: [{ text }] },
        ...(index === pieces.length - 1 ? { finishReason: 'STOP' } : {}),
      },
    ],
  }));
}

describe('holdBack and an answer the output guardrails passed', () => {
  it.each([
    ['a check that returns nothing', () => undefined],
    ['a check that passes', () => ({ type: 'pass' as const })],
  ])('%s: one text-delta of the whole answer', async (_name, check) => {
    const pieces = ['It is ', '18 °C ', 'in Paris.'];
    const gemini = createScriptedGemini([{ chunks: streamedAnswer(pieces) } as never]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      guardrails: guardrails({ holdBack: true, output: [{ name: 'looks', check }] }),
    });
    const stream = agent.stream('weather?');
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.text);
    expect(deltas).toEqual(['It is 18 °C in Paris.']);
    expect((await stream.result).text).toBe('It is 18 °C in Paris.');
  });
});
