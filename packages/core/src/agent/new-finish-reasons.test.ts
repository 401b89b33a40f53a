import { type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { useFakeGemini } from './__fixtures__/use-fake-gemini.ts';
import { createAgent } from './create-agent.ts';
import { MissingThoughtSignatureError } from './errors/missing-thought-signature-error.ts';

// The finish reasons @google/genai 3.3 added, and what the loop does on each, unary and streamed:
// MISSING_THOUGHT_SIGNATURE ("Request has at least one thought signature missing")
// fails the run with an error naming the fix (the same history would get the same answer);
// ESCALATION and PUP_LIMITED_DISABLED end it as a content filter, never re-asked.

const start = useFakeGemini();
const serve = (script: FakeTurn[]) => start({ script });

const stopped = (finishReason: string, finishMessage?: string): FakeTurn => ({
  variant: 'empty-content',
  finishReason,
  ...(finishMessage === undefined ? {} : { finishMessage }),
});
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});
const MODEL = 'gemini-3-flash-preview';

for (const streamed of [false, true]) {
  const mode = streamed ? 'streamed' : 'unary';
  describe(`new finish reasons (${mode})`, () => {
    it('fails on MISSING_THOUGHT_SIGNATURE with an error that names the fix and the unsigned call', async () => {
      const { fake, gemini } = await serve([
        stopped('MISSING_THOUGHT_SIGNATURE', 'Missing signature.'),
      ]);
      // A history kept by a store that dropped the signature of its call (a Gemini 2.5 run, say).
      const history: Content[] = [
        { role: 'user', parts: [{ text: 'Look up "cat".' }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { word: 'cat' } } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'lookup', response: { output: 'cat: found' } } }],
        },
      ];
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup] });
      const running = streamed ? agent.stream(history).result : agent.run(history);
      const error = await running.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(MissingThoughtSignatureError);
      const typed = error as MissingThoughtSignatureError;
      expect(typed.code).toBe('missing-thought-signature');
      expect(typed.finishMessage).toBe('Missing signature.');
      expect(typed.message).toContain(
        "Send the model's Content back verbatim, including each part's thoughtSignature",
      );
      expect(typed.unsigned).toEqual([{ contentIndex: 1, partIndex: 0, signed: false }]);
      expect(typed.message).toContain('contents[1].parts[0]');
      expect(typed.run.contents).toHaveLength(3);
      // Not re-asked: the same history would be refused again.
      expect(fake.modelRequests).toHaveLength(1);
    });

    for (const reason of ['ESCALATION', 'PUP_LIMITED_DISABLED']) {
      it(`ends on ${reason} as a content filter, without asking again`, async () => {
        const { fake, gemini } = await serve([stopped(reason, 'Withheld.'), turn.text('never')]);
        const agent = createAgent({ gemini, model: MODEL });
        const result = streamed ? await agent.stream('Hi.').result : await agent.run('Hi.');
        expect(result.finishReason).toBe('content-filter');
        expect(result.rawFinishReason).toBe(reason);
        expect(result.blocked).toMatchObject({ source: 'response', reason, message: 'Withheld.' });
        expect(fake.modelRequests).toHaveLength(1);
      });
    }
  });
}
