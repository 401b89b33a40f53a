import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEstimateCommand } from './estimate.ts';

const AGENT = join(import.meta.dirname, '../__fixtures__/estimate-agent.ts');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text: string) => out.push(text),
    stderr: (text: string) => err.push(text),
    env: {},
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const fake = createFakeGemini({});
beforeAll(async () => {
  const { url } = await fake.listen();
  process.env['GEMLOOP_ESTIMATE_TEST_URL'] = url;
});
afterAll(async () => {
  delete process.env['GEMLOOP_ESTIMATE_TEST_URL'];
  await fake.close();
});

/** A runs folder with `count` recorded runs of `agentName`, costing 0.001 × (i + 1). */
function runsFolder(count: number, agentName = 'planner'): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-estimate-'));
  for (let index = 0; index < count; index++) {
    const lines = [
      {
        type: 'run-start',
        runId: `r${index}`,
        agentName,
        model: 'gemini-3-flash-preview',
        path: [],
      },
      {
        type: 'run-end',
        cost: { total: ((index + 1) / 1000).toFixed(6) },
        usage: { totalTokenCount: (index + 1) * 100 },
      },
    ];
    writeFileSync(
      join(dir, `run-${index}.jsonl`),
      `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`,
    );
  }
  return dir;
}

describe('gemloop estimate', () => {
  it('gives the band of the recorded runs of the agent, as JSON', async () => {
    const dir = runsFolder(11);
    runsFolder(0); // an empty one elsewhere changes nothing
    const run = io();
    const code = await createEstimateCommand().run(
      [AGENT, 'Plan a week in Lisbon.', '--runs', dir, '--min-runs', '10', '--json'],
      run,
    );
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    const estimate = JSON.parse(run.out());
    expect(estimate).toMatchObject({
      source: 'recordings',
      runs: 11,
      model: 'gemini-3-flash-preview',
    });
    expect(estimate.costUsd.p50).toBeCloseTo(0.006, 10);
    expect(estimate.tokens.p90).toBeCloseTo(1000, 6);
  });

  it('counts the first request when the runs are too few (or another agent’s), and says what it assumes', async () => {
    const dir = runsFolder(30, 'someone-else');
    const before = fake.requests.length;
    const run = io();
    const code = await createEstimateCommand().run(
      [AGENT, 'Plan a week in Lisbon.', '--runs', dir, '--agent', 'planner'],
      run,
    );
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    expect(run.out()).toContain('source:  countTokens of the first request');
    expect(run.out()).toMatch(/cost: {4}p10 \$\d+\.\d{6} {2}p50 \$\d+\.\d{6} {2}p90 \$\d+\.\d{6}/);
    expect(run.out()).toContain('assumes: 0 priced recorded runs (fewer than 20)');
    expect(fake.requests.slice(before).map((request) => request.method)).toEqual(['countTokens']);
  });

  it('refuses a missing input or a bad flag with the usage, exit 2', async () => {
    const missing = io();
    expect(await createEstimateCommand().run([AGENT], missing)).toBe(2);
    expect(missing.err()).toMatch(/^Usage: gemloop estimate FILE INPUT/);
    const bad = io();
    expect(await createEstimateCommand().run([AGENT, 'Hi', '--min-runs', 'x'], bad)).toBe(2);
    expect(bad.err()).toContain('--min-runs must be a whole number');
  });
});
