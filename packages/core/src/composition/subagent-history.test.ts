// `subagent({ history })`: the function gets the parent's contents without the calls that are
// still waiting on the children, so handing them all over is a history the child runs on, also
// against the fake's strict contract and thought-signature checks (Gemini 3).

import {
  createFakeGemini,
  type FakeScriptFunction,
  type FakeTurn,
  routeByAgent,
  turn,
} from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { historyBeforeCalls } from './history-before-calls.ts';
import { subagent } from './subagent.ts';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => ({ meaning: `${word} means a city` }),
});

/**
 * A lead (`lookup` and the `search` subagent, whose `history` hands over all it gets) and its
 * searcher on the fake's strict contract, Gemini 3 (signatures checked), playing these turns.
 */
/**
 * A searcher's answer picked by its task (the last user text it got): two children of one turn
 * run in parallel, and which of them reaches the fake first is theirs to decide.
 */
function byTask(answers: Record<string, string>): FakeScriptFunction {
  return ({ body }) => {
    const asked = JSON.stringify(body.contents.at(-1));
    const task = Object.keys(answers).find((key) => asked.includes(key));
    if (task === undefined) throw new Error(`byTask: no answer for ${asked}`);
    return turn.text(answers[task] as string);
  };
}

function team(leadTurns: FakeTurn[], searchTurns: (FakeTurn | FakeScriptFunction)[]) {
  const fake = createFakeGemini({
    strictHistory: true,
    script: routeByAgent([
      { match: 'You lead', script: leadTurns },
      { match: 'You search', script: searchTurns },
    ]),
  });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const model = 'gemini-3-flash-preview';
  const given: (readonly Content[])[] = [];
  const searcher = createAgent({ gemini, model, instructions: 'You search.' });
  const lead = createAgent({
    gemini,
    model,
    instructions: 'You lead.',
    thinking: { includeThoughts: true },
    tools: [
      lookup,
      subagent(searcher, {
        name: 'search',
        description: 'Searches.',
        history: (contents) => {
          given.push(contents);
          return [...contents];
        },
      }),
    ],
  });
  const run = async (streaming = false) =>
    streaming ? await lead.stream('How big is Paris?').result : await lead.run('How big is Paris?');
  return { fake, given, run };
}

describe('subagent history', () => {
  for (const streaming of [false, true]) {
    it(`hands the history function the parent's contents without the unanswered calls, a history the child runs on (${streaming ? 'stream' : 'run'})`, async () => {
      const { fake, given, run } = team(
        [
          // A whole exchange first: its signed call and response must reach the child intact.
          turn.call('lookup', { word: 'Paris' }),
          // Two children at once, after a sentence and a thought summary.
          turn.calls(
            [
              { name: 'search', args: { task: 'Population of Paris' } },
              { name: 'search', args: { task: 'Area of Paris' } },
            ],
            { text: 'Asking two searchers.', thoughts: 'Split the question.' },
          ),
          turn.text('Paris is big.'),
        ],
        [0, 1].map(() =>
          byTask({ 'Population of Paris': 'About 2 million.', 'Area of Paris': '105 km2.' }),
        ),
      );
      const result = await run(streaming);

      expect(result.text).toBe('Paris is big.');
      const searches = result.steps[1]?.toolCalls ?? [];
      expect(searches.map((call) => call.output)).toEqual([
        { answer: 'About 2 million.' },
        { answer: '105 km2.' },
      ]);
      // Every request the fake got passed its strict history and signature checks.
      expect(fake.modelRequests.map((request) => request.status)).toEqual([
        200, 200, 200, 200, 200,
      ]);
      const callTurn = result.contents[3] as Content;
      expect(callTurn.parts.filter((part) => part.functionCall !== undefined)).toHaveLength(2);
      // What the function got: the exchange whole (signature included), the call turn's words
      // and thought kept, its calls left out.
      const expected = [
        ...result.contents.slice(0, 3),
        { ...callTurn, parts: callTurn.parts.filter((part) => part.functionCall === undefined) },
      ];
      expect(given).toEqual([expected, expected]);
      expect(result.contents[1]?.parts[0]?.thoughtSignature).toEqual(expect.any(String));
      const childRequests = fake.modelRequests
        .map((request) => request.body as GenerateContentBody)
        .filter((body) => JSON.stringify(body.systemInstruction).includes('You search'));
      // Each child's task last, in whichever order the two reached the fake.
      const tasks = childRequests.map((body) => body.contents.at(-1));
      expect(tasks.toSorted((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
        { role: 'user', parts: [{ text: 'Area of Paris' }] },
        { role: 'user', parts: [{ text: 'Population of Paris' }] },
      ]);
      // The parent's run keeps its own contents whole.
      expect(result.contents[3]).toBe(callTurn);
    });
  }
});

describe('subagent history of a turn of calls only', () => {
  it('drops the turn whole: the child gets the exchanges before it, then its task', async () => {
    const { fake, run } = team(
      [
        turn.call('lookup', { word: 'Paris' }),
        turn.call('search', { task: 'Population of Paris' }),
        turn.text('Paris is big.'),
      ],
      [turn.text('About 2 million.')],
    );
    const result = await run();
    expect(result.steps[1]?.toolCalls[0]?.output).toEqual({ answer: 'About 2 million.' });
    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
    const child = fake.modelRequests[2]?.body as GenerateContentBody;
    expect(child.contents).toEqual([
      ...result.contents.slice(0, 3),
      { role: 'user', parts: [{ text: 'Population of Paris' }] },
    ]);
  });
});

describe('historyBeforeCalls', () => {
  const user: Content = { role: 'user', parts: [{ text: 'Hi' }] };

  it('drops a call turn left with thoughts only, and leaves other contents as they are', () => {
    const thoughtOnly: Content = {
      role: 'model',
      parts: [
        { text: 'Thinking.', thought: true },
        { functionCall: { name: 'search', args: {} }, thoughtSignature: 'c2ln' },
      ],
    };
    expect(historyBeforeCalls([user, thoughtOnly])).toEqual([user]);
    // The proto spelling is a call too.
    const snake = {
      role: 'model',
      parts: [{ function_call: { name: 'search' } }],
    } as unknown as Content;
    expect(historyBeforeCalls([user, snake])).toEqual([user]);
    const answered: Content = { role: 'model', parts: [{ text: 'Hello.' }] };
    const contents = [user, answered];
    expect(historyBeforeCalls(contents)).toEqual(contents);
    expect(historyBeforeCalls(contents)).not.toBe(contents);
    expect(thoughtOnly.parts).toHaveLength(2);
  });
});
