import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini } from '@gemloop/core';
import { guardrails } from '@gemloop/core/guardrails';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import type { ViewServer } from './start-view-server.ts';

// A run whose input guardrail passed and whose output guardrail blocked the answer, recorded by
// the real recorder and shown in Debian's headless Chromium: each check in its step, the trip
// marked red with its reason. Never skips.

let dir: string;
let viewer: OpenViewer | undefined;
let server: ViewServer;
let context: BrowserContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-guardrails-'));
  const fake = createFakeGemini({ script: [turn.text('The code is 1234.')] });
  const { url } = await fake.listen();
  try {
    const recorder = createRunRecorder({ dir });
    const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      recorder,
      telemetry: false,
      guardrails: guardrails({
        input: [{ name: 'topic-check', check: () => ({ type: 'pass' }) }],
        output: [
          {
            name: 'no-codes',
            check: () => ({ type: 'block', reason: 'the answer quotes <b>a code</b>' }),
          },
        ],
      }),
    });
    await agent.run('What is the code?').catch(() => undefined);
    await recorder.flush();
  } finally {
    await fake.close();
  }
  viewer = await openViewer(dir);
  ({ server, context } = viewer);
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view, a run stopped by a guardrail', () => {
  it('shows each check in its step, the trip red with its reason as text', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    await page.waitForSelector('#runs tr.run-row');
    await page.locator('#runs tr.run-row a').first().click();
    await page.waitForSelector('#steps .step .guardrail');
    const checks = await page.locator('#steps .guardrail').allTextContents();
    expect(checks).toHaveLength(2);
    expect(checks[0]).toMatch(/^guardrail topic-check \(input\): pass/);
    expect(checks[1]).toMatch(
      /^guardrail no-codes \(output\): block, stopped the run.* — the answer quotes <b>a code<\/b>$/,
    );
    expect(await page.locator('#steps .guardrail.tripped').count()).toBe(1);
    expect(await page.locator('#steps .guardrail b').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
