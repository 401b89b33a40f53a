import type { GenerateContentBody, GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import type { EvalCaseFixtures } from '../eval-case.ts';
import { routeRecordedRuns } from './route-recorded-runs.ts';

// Which recorded run answers a request, called directly: the order of the rules that pick it
// (the exact next request, then the same agent on the same task, the same task, the same agent,
// any run with answers left), a tree out of answers, and the drift each route reports.
// (route-recorded-runs.test.ts replays real agent trees.)

const body = (system: string, task: string, more: string[] = []): GenerateContentBody => ({
  systemInstruction: { parts: [{ text: system }] },
  contents: [task, ...more].map((text) => ({ role: 'user', parts: [{ text }] })),
});
const answer = (text: string): GenerateContentResponse => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] } }],
});
const served = (response: GenerateContentResponse) =>
  response.candidates?.[0]?.content?.parts?.[0]?.text;
const tree = (): EvalCaseFixtures => ({
  modelResponses: [answer('lead 1'), answer('lead 2')],
  requests: [body('Lead.', 'Plan a trip'), body('Lead.', 'Plan a trip', ['more'])],
  subagents: [
    {
      path: ['flights#1'],
      modelResponses: [answer('flights')],
      requests: [body('Find flights.', 'Paris to Oslo')],
    },
    {
      path: ['hotels#1'],
      modelResponses: [answer('hotels')],
      requests: [body('Find hotels.', 'Oslo')],
    },
  ],
});

describe('routeRecordedRuns', () => {
  it('serves each request the run whose next recorded request it is, in any arrival order', () => {
    const replay = routeRecordedRuns(tree());
    expect(served(replay.answer(body('Find hotels.', 'Oslo')))).toBe('hotels');
    expect(served(replay.answer(body('Lead.', 'Plan a trip')))).toBe('lead 1');
    expect(served(replay.answer(body('Find flights.', 'Paris to Oslo')))).toBe('flights');
    expect(served(replay.answer(body('Lead.', 'Plan a trip', ['more'])))).toBe('lead 2');
    expect(replay.drift()).toBeUndefined();
  });

  it('a drifted request goes to the same agent on the same task, and its drift names that run', () => {
    const replay = routeRecordedRuns(tree());
    replay.answer(body('Lead.', 'Plan a trip'));
    // The hotels agent on its task, with another second turn than recorded.
    expect(served(replay.answer(body('Find hotels.', 'Oslo', ['cheaper please'])))).toBe('hotels');
    expect(replay.drift()).toEqual({
      call: 0,
      path: '$.contents.length',
      reason:
        'the subagent run hotels#1: model call 1: the request differs at $.contents.length (the conversation changed)',
    });
  });

  it('then the same task under changed instructions, then the same instructions on another task', () => {
    const task = routeRecordedRuns(tree());
    expect(served(task.answer(body('Find flights, cheapest first.', 'Paris to Oslo')))).toBe(
      'flights',
    );
    expect(task.drift()?.reason).toMatch(
      /^the subagent run flights#1: .*\(the system prompt changed\)$/,
    );
    const agent = routeRecordedRuns(tree());
    expect(served(agent.answer(body('Find hotels.', 'Bergen')))).toBe('hotels');
  });

  it('a request like no run`s goes to the first run with answers left', () => {
    const replay = routeRecordedRuns(tree());
    expect(served(replay.answer(body('Something else.', 'Unrelated')))).toBe('lead 1');
    expect(served(replay.answer(body('Something else.', 'Unrelated')))).toBe('lead 2');
    expect(served(replay.answer(body('Something else.', 'Unrelated')))).toBe('flights');
  });

  it('a request past the last recorded answer fails, and the replay drifts by its count', () => {
    const replay = routeRecordedRuns({ modelResponses: [answer('only')] });
    replay.answer(body('A.', 'x'));
    expect(() => replay.answer(body('A.', 'x'))).toThrow(
      'the recording has no model answer left for this request (1 recorded across the top run and 0 subagent run(s))',
    );
    // Without recorded requests nothing else can be compared: the extra call is the drift.
    expect(replay.drift()).toEqual({
      call: 1,
      path: '$',
      reason: 'the agents made 2 model calls, the recording has 1',
    });
  });

  it('reports the drift that arrived first across the tree, not the top run`s by rank', () => {
    const replay = routeRecordedRuns(tree());
    replay.answer(body('Find flights.', 'Paris to Oslo', ['drifted first']));
    replay.answer(body('Lead.', 'Plan a trip', ['drifted later']));
    expect(replay.drift()?.reason).toMatch(/^the subagent run flights#1: model call 1/);
  });

  it('serves a shortened thought signature as Google`s dummy and lists it per run', () => {
    const signed: GenerateContentResponse = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              {
                functionCall: { name: 'book', args: {} },
                thoughtSignature: '[4000 characters omitted]',
              },
            ],
          },
        },
      ],
    };
    const fixtures = tree();
    fixtures.subagents![1]!.modelResponses = [signed];
    const replay = routeRecordedRuns(fixtures);
    const response = replay.answer(body('Find hotels.', 'Oslo'));
    expect(response.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toBe(
      'skip_thought_signature_validator',
    );
    expect(replay.unreproduced()).toEqual([
      {
        run: 'the subagent run hotels#1',
        call: 0,
        omitted: ['candidates[0].content.parts[0].thoughtSignature'],
      },
    ]);
    // The recording itself is left as it was.
    expect(fixtures.subagents![1]!.modelResponses[0]).toBe(signed);
    expect(signed.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toBe(
      '[4000 characters omitted]',
    );
  });
});
