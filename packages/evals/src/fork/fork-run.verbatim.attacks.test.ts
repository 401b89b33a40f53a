// attack46b: a recorded run whose model sent rare and newer shapes (signatures on text, calls and
// empty text; thought parts; code execution; model media; `videoMetadata`, `partMetadata`; a part,
// a Content and a call with a key this version does not know) replays and forks with the model's
// Content sent back verbatim: the replay's requests are the recorded ones, and the fork's first
// request holds the recorded model turn as the model sent it.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Content, createGemini } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import * as rare from '../../../testing/src/__fixtures__/rare-model-turns.ts';
import { recordedRequests } from '../__fixtures__/recorded-requests.ts';
import { weatherAgent } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { runEval } from '../run-eval.ts';
import { toolTrajectory } from '../scorers/tool-scorers.ts';
import { forkRun } from './fork-run.ts';

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const MODEL = 'gemini-3-flash-preview';

const callTurn = rare.callTurn({
  name: 'get_weather',
  args: { city: 'Paris' },
  afterCall: [rare.parallelCall('get_weather', { city: 'Oslo' })],
});
const answerTurn = rare.answerTurn('Mild in both.');
const reply = (content: Content, streamed: boolean): FakeTurn => rare.reply(content, streamed);

/**
 * A fake that never served these turns speaks today's API, which refuses a key it does not know;
 * it gets each body without the future keys, as the newer API would take them.
 */
function lenient(fake: FakeGemini): typeof fetch {
  return async (input, init) => {
    const body = JSON.parse(String(init?.body)) as { contents: Content[] };
    for (const content of body.contents) {
      strip(content);
      for (const part of content.parts ?? []) {
        if ('futureThing' in part) (part as { text?: string }).text = '';
        strip(part);
        if (part.functionCall) strip(part.functionCall);
      }
    }
    return fake.fetch(input, { ...init, body: JSON.stringify(body) });
  };
}

function strip(record: object): void {
  for (const key of Object.keys(record))
    if (key.startsWith('future')) delete (record as Record<string, unknown>)[key];
}

async function record(streamed: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-verbatim-'));
  dirs.push(dir);
  const fake = createFakeGemini({
    script: [reply(callTurn, streamed), reply(answerTurn, streamed)],
    signatureValidation: 'present',
  });
  fakes.push(fake);
  // The fake takes back the keys it served itself, as the API that wrote them does.
  const gemini = createGemini({ apiKey: 'test', fetch: fake.fetch, retry: false });
  const recorder = createRunRecorder({ dir, fidelity: 'full' });
  const agent = weatherAgent(gemini, { recorder, model: MODEL });
  const result = streamed ? await agent.stream('Weather?').result : await agent.run('Weather?');
  expect(result.text).toBe('Mild in both.');
  await recorder.flush();
  const [name] = await readdir(dir);
  const text = await readFile(join(dir, name as string), 'utf8');
  const made = caseFromRunFile(text, name as string);
  if (made === undefined) throw new Error('the recorded run made no case');
  const recorded = recordedRequests(text) as { contents: Content[] }[];
  expect(recorded[1]?.contents[1]).toEqual(callTurn);
  return { made, recorded };
}

describe("a recorded run of rare model shapes replays and forks with the model's Content verbatim", () => {
  for (const streamed of [false, true]) {
    const mode = streamed ? 'streamed' : 'unary';

    it(`runEval's replay sends the recorded requests, 0 live calls (${mode})`, async () => {
      const { made, recorded } = await record(streamed);
      const live = createFakeGemini({ script: [] });
      fakes.push(live);
      const replayDir = await mkdtemp(join(tmpdir(), 'gemloop-verbatim-replay-'));
      dirs.push(replayDir);
      const recorder = createRunRecorder({ dir: replayDir, fidelity: 'full' });
      const result = await runEval({
        cases: [made],
        scorers: [toolTrajectory({ match: 'exact' })],
        streaming: streamed,
        live: { gemini: createGemini({ apiKey: 'live', fetch: live.fetch, retry: false }) },
        createAgent: (context) => weatherAgent(context.gemini, { recorder, model: MODEL }, context),
      });
      await recorder.flush();
      const [attempt] = result.attempts;
      expect(attempt?.error).toBeUndefined();
      expect(attempt?.drift).toBeUndefined();
      expect(attempt).toMatchObject({ status: 'pass' });
      expect(live.modelRequests).toHaveLength(0);
      const [name] = await readdir(replayDir);
      expect(recordedRequests(await readFile(join(replayDir, name as string), 'utf8'))).toEqual(
        recorded,
      );
    });

    it(`forkRun's fork sends the recorded model turn on (${mode})`, async () => {
      const { made, recorded } = await record(streamed);
      const then = createFakeGemini({
        script: [turn.text('Forked.')],
        signatureValidation: 'present',
      });
      fakes.push(then);
      const sent: { contents: Content[] }[] = [];
      const fetch: typeof globalThis.fetch = async (input, init) => {
        sent.push(JSON.parse(String(init?.body)) as { contents: Content[] });
        return lenient(then)(input, init);
      };
      const fork = await forkRun(made, {
        until: 1,
        continueOn: createGemini({ apiKey: 'then', fetch, retry: false }),
        streaming: streamed,
      });
      expect(fork.drift).toBeUndefined();
      expect(fork.replayedRequests).toEqual(recorded.slice(0, 1));
      expect(fork.forked?.text).toBe('Forked.');
      expect(sent[0]?.contents[1]).toEqual(callTurn);
      expect(JSON.stringify(sent[0]?.contents[1])).toBe(JSON.stringify(callTurn));
      // A replay past that step sends the recorded model turn to the replay's own fake.
      const whole = await forkRun(made, {
        until: 2,
        continueOn: createGemini({ apiKey: 'x', fetch }),
      });
      expect(whole.drift).toBeUndefined();
      expect(whole.replayed?.text).toBe('Mild in both.');
      expect(whole.replayedRequests).toEqual(recorded);
    });
  }
});
