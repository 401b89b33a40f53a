// A full recording of a run around a user's image writes the image once (the recorder refers to it
// after); a replay of that file sends every request byte for byte, the image whole in each.

import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Content, createGemini } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recordedRequests } from '../__fixtures__/recorded-requests.ts';
import { weatherAgent } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { runEval } from '../run-eval.ts';
import { toolTrajectory } from '../scorers/tool-scorers.ts';

// 1 MB of random bytes as base64, without a Google key's shape (the run's redaction would edit
// it: bench/RESULTS.md media55b).
const PHOTO = randomBytes(1024 * 1024)
  .toString('base64')
  .replaceAll('AIza', 'AJza');
const MEDIA_OPTIONS = { fidelity: 'full', maxOpaqueBytes: 4 * 1024 * 1024 } as const;

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-replay-media-'));
  dirs.push(dir);
  return dir;
}

async function onlyFile(dir: string): Promise<string> {
  const [name] = await readdir(dir);
  return readFile(join(dir, name as string), 'utf8');
}

describe('a full recording of a run around an image', () => {
  it('holds the image once and replays every request whole, 0 live calls', async () => {
    const dir = await folder();
    const fake = createFakeGemini({
      script: [
        turn.calls([{ name: 'get_weather', args: { city: 'Paris' } }]),
        turn.calls([{ name: 'get_weather', args: { city: 'Oslo' } }]),
        turn.text('Sunny in the photo, mild in both.'),
      ],
    });
    fakes.push(fake);
    const recorder = createRunRecorder({ dir, ...MEDIA_OPTIONS });
    const gemini = createGemini({ apiKey: 'test', fetch: fake.fetch, retry: false });
    await weatherAgent(gemini, { recorder }).run([
      { text: 'Where was this taken, and what is the weather there and in Oslo?' },
      { inlineData: { mimeType: 'image/jpeg', data: PHOTO } },
    ]);
    await recorder.flush();
    const text = await onlyFile(dir);
    expect(text.split(PHOTO)).toHaveLength(2);
    const recorded = recordedRequests(text) as { contents: Content[] }[];
    expect(recorded).toHaveLength(3);
    for (const request of recorded) expect(JSON.stringify(request.contents)).toContain(PHOTO);

    const made = caseFromRunFile(text, 'photo.jsonl');
    if (made === undefined) throw new Error('the recorded run made no case');
    const live = createFakeGemini({ script: [] });
    fakes.push(live);
    const replayDir = await folder();
    const replayRecorder = createRunRecorder({ dir: replayDir, ...MEDIA_OPTIONS });
    const result = await runEval({
      cases: [made],
      scorers: [toolTrajectory({ match: 'exact' })],
      live: { gemini: createGemini({ apiKey: 'live', fetch: live.fetch, retry: false }) },
      createAgent: (context) => weatherAgent(context.gemini, { recorder: replayRecorder }, context),
    });
    await replayRecorder.flush();
    const [attempt] = result.attempts;
    expect(attempt?.error).toBeUndefined();
    expect(attempt?.drift).toBeUndefined();
    expect(attempt).toMatchObject({ status: 'pass' });
    expect(live.modelRequests).toHaveLength(0);
    expect(JSON.stringify(recordedRequests(await onlyFile(replayDir)))).toBe(
      JSON.stringify(recorded),
    );
  }, 120_000);
});
