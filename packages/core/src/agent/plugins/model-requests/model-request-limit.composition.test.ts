import { describe, expect, it } from 'vitest';
import { createChatSession } from '../../../chat/create-chat-session.ts';
import { subagent } from '../../../composition/subagent.ts';
import { asker } from '../../__fixtures__/plugins-outcome.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../create-agent.ts';
import { ModelCallError } from '../../errors/model-call-error.ts';
import { ModelRequestLimitError } from './model-request-limit-error.ts';

// The bound on a wrapModelRequest's next (ModelRequestLimitError) was tested in a top-level run
// only; the guide asks every feature to hold inside a subagent and a chat session too. Public
// behaviour only: how the count is carried is another helper's (wrap-model-requests.ts).

const MODEL = 'gemini-2.5-flash';
const MODES = ['run', 'stream'] as const;
const answers = (count: number) =>
  createScriptedGemini(Array.from({ length: count }, (_, at) => textTurn(`a${at}`)));

// Each with a wrapper that spreads its input and one that builds it afresh, passing the given one
// as `next`'s second argument.
const SHAPES = ['spread', 'built-given'] as const;

describe.each(SHAPES)('the bound on a request wrapper’s next, composed (input %s)', (shape) => {
  for (const mode of MODES) {
    it(`stops a child whose wrapper loops at 10 calls; the parent model is told, the parent runs on (${mode})`, async () => {
      const childGemini = answers(500);
      const child = createAgent({
        gemini: childGemini,
        model: MODEL,
        plugins: [asker('child-loop', 200, shape)],
      });
      const parentGemini = createScriptedGemini([
        callsTurn(['search', { task: 'Find it.' }, 's1']),
        textTurn('The search failed.'),
      ]);
      const parent = createAgent({
        gemini: parentGemini,
        model: MODEL,
        tools: [subagent(child, { name: 'search', description: 'Searches.' })],
      });
      let text: string;
      if (mode === 'run') text = (await parent.run('Go.')).text;
      else {
        const stream = parent.stream('Go.');
        for await (const _event of stream);
        text = (await stream.result).text;
      }
      expect(text).toBe('The search failed.');
      // 10 sent by the child; the 11th refused unsent.
      expect(childGemini.calls).toHaveLength(10);
      const told = JSON.stringify(parentGemini.contentsOf(1).at(-1));
      expect(told).toContain('functionResponse');
      expect(told).toContain('maxModelCallsPerStep (10)');
      expect(told).toContain('child-loop');
    });

    it(`fails a chat turn whose wrapper loops, keeping the conversation as it was (${mode})`, async () => {
      const gemini = answers(500);
      const agent = createAgent({ gemini, model: MODEL, plugins: [asker('chat-loop', 11, shape)] });
      const chat = createChatSession({ agent });
      const error =
        mode === 'run'
          ? await chat.send('Go.').catch((caught: unknown) => caught)
          : await (async () => {
              try {
                const stream = chat.sendStream('Go.');
                for await (const _event of stream);
                await stream.result;
              } catch (caught) {
                return caught;
              }
              return undefined;
            })();
      expect(ModelCallError.isInstance(error)).toBe(true);
      const cause = (error as ModelCallError).cause;
      expect(ModelRequestLimitError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({ plugin: 'chat-loop', limit: 10 });
      expect(gemini.calls).toHaveLength(10);
      expect(await chat.history()).toEqual([]);
    });
  }
});
