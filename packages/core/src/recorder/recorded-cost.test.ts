import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from './create-run-recorder.ts';
import type { RecordedRunLine } from './recorded-run.ts';

// The recording carries the cost of each model call, each step and the run (exact decimals).

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('recorded cost', () => {
  it('is on model-call-end, step-end and run-end', async () => {
    const fake = createFakeGemini({
      script: [
        turn.text('ok', { usage: { promptTokenCount: 100_000, candidatesTokenCount: 1_000 } }),
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-cost-'));
    dirs.push(dir);
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'k', retry: false }),
      model: 'gemini-2.5-flash',
      recorder,
    });
    const result = await agent.run('Hi');
    await recorder.flush();
    const [name] = await readdir(dir);
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    const cost = (type: RecordedRunLine['type']) =>
      (lines.find((line) => line.type === type) as { cost?: unknown } | undefined)?.cost;
    expect(result.cost.total).toBe('0.0325');
    expect(cost('model-call-end')).toEqual(result.steps[0]?.cost);
    expect(cost('step-end')).toEqual(result.steps[0]?.cost);
    expect(cost('run-end')).toEqual(result.cost);
  });
});
