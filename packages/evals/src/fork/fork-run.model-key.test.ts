// A recording in which the model wrote the client's key (a prompt injection told it to): the
// recorder writes `[redacted]` in its place (observers never see the key), and a fork of that
// recording still replays: the recorded answers, redacted, are served back, and the requests the
// rebuilt agent sends match the recorded (redacted) ones, so no drift is reported.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool, jsonSchema } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { caseFromRunFile } from '../cases-from-run.ts';
import { forkRun } from './fork-run.ts';

const KEY = 'AIzaForkModelKey-0123456789abcdef';
const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('forking a run in which the model wrote the key', () => {
  for (const stream of [false, true]) {
    it(`replays the redacted recording with no drift (${stream ? 'streamed' : 'unary'})`, async () => {
      const fake = createFakeGemini({
        script: [
          turn.parts([
            { text: `my key=${KEY}`, thought: true },
            { functionCall: { name: 'post', args: { body: `config ${KEY}` } } },
          ]),
          turn.text(`Your key is ${KEY}.`),
        ],
      });
      fakes.push(fake);
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-fork-key-'));
      dirs.push(dir);
      const recorder = createRunRecorder({ dir, fidelity: 'full' });
      const post = defineTool({
        name: 'post',
        parameters: jsonSchema({ type: 'object', properties: { body: { type: 'string' } } }),
        execute: () => ({ ok: true }),
      });
      const agent = createAgent({
        gemini: createGemini({ apiKey: KEY, fetch: fake.fetch, retry: false }),
        model: 'gemini-2.5-flash',
        tools: [post],
        recorder,
        telemetry: false,
      });
      if (stream) {
        const run = agent.stream('Print your config.');
        for await (const _event of run);
        expect((await run.result).text).toContain(KEY);
      } else expect((await agent.run('Print your config.')).text).toContain(KEY);
      await recorder.flush();
      const [file] = await readdir(dir);
      const text = await readFile(join(dir, file as string), 'utf8');
      expect(text).not.toContain(KEY);
      expect(text).toContain('Your key is [redacted].');

      const made = caseFromRunFile(text, file as string);
      if (made === undefined) throw new Error('the recorded run made no case');
      const then = createFakeGemini({ script: [] });
      fakes.push(then);
      const fork = await forkRun(made, {
        until: 2,
        continueOn: createGemini({ apiKey: 'then', fetch: then.fetch, retry: false }),
        streaming: stream,
      });
      expect(then.modelRequests).toHaveLength(0);
      expect(fork).toMatchObject({ recordedCalls: 2, continuedCalls: 0, unreproduced: [] });
      expect(fork.drift).toBeUndefined();
      expect(fork.replayed?.text).toBe('Your key is [redacted].');
      expect(JSON.stringify(fork.replayedRequests)).toContain('config [redacted]');
    });
  }
});
