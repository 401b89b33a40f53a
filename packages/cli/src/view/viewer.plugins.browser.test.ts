import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { definePlugin } from '@gemloop/core/plugins';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';

// A run whose plugin reports what it did (`run.emit`), recorded by the real recorder and shown
// by the viewer in Debian's headless Chromium: the report sits in the step it was made in, as
// text (a `<b>` in its data stays characters). Never skips.

let dir: string;
let viewer: OpenViewer | undefined;
/** The file's one page of the viewer: loaded once, each test's visit a hash change. */
let shown: ViewerPage;
/** The script errors that page threw, from its load on. */
const errors: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-plugins-'));
  const fake = createFakeGemini({
    script: [
      turn.call('lookup', { q: 'a' }),
      turn.text('Found a.'),
      // The policy's runs (below): a call it trips on, then a call it asks about.
      turn.call('lookup', { q: 'forbidden' }),
      turn.call('lookup', { q: 'ask' }),
      turn.text('Not looked up.'),
    ],
  });
  const { url } = await fake.listen();
  try {
    const recorder = createRunRecorder({ dir });
    const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: ({ q }) => `found ${q}`,
    });
    const masker = definePlugin({
      name: 'masker',
      afterToolCall: ({ result }, run) => {
        run.emit('masked', { fields: 1, note: '<b>bold</b>' });
        return { result: `${String(result)} [masked]` };
      },
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      plugins: [masker],
      recorder,
      telemetry: false,
    });
    await agent.run('Find a');
    // A third party's guardrail on the seam: a trip whose reason quotes the key (the run's
    // redactor takes it out), and an ask no approval hook answered (the call is denied).
    const policy = definePlugin({
      name: 'policy',
      checkToolCall: ({ input }, run) => {
        const { q } = input as { q: string };
        if (q === 'forbidden')
          run.trip({
            guardrailName: 'no-forbidden',
            phase: 'tool-input',
            reason: 'q is <b>forbidden</b> (view-test-key)',
          });
        return { type: 'ask' };
      },
    });
    const guarded = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      plugins: [policy],
      recorder,
      telemetry: false,
    });
    await guarded.run('Trip the policy').catch(() => undefined);
    await guarded.run('Ask the policy');
    await recorder.flush();
  } finally {
    await fake.close();
  }
  viewer = await openViewer(dir);
  shown = viewerPage(viewer.context, viewer.server.url, (page) =>
    page.on('pageerror', (error) => errors.push(error.message)),
  );
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view, a run with a plugin', () => {
  it('records what the plugin reported, in the step it was made in', async () => {
    const files = (await readdir(dir, { recursive: true })).filter((name) =>
      name.endsWith('.jsonl'),
    );
    const lines = (await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8'))))
      .join('\n')
      .split('\n')
      .filter((line) => line.includes('"type":"plugin"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      type: 'plugin',
      plugin: 'masker',
      kind: 'masked',
      stepNumber: 1,
      data: JSON.stringify({ fields: 1, note: '<b>bold</b>' }),
    });
  });

  it('shows the report in its step, as text', async () => {
    const page = await shown.list();
    await page.locator('#runs tr.run-row', { hasText: 'Find a' }).locator('a').first().click();
    await page.waitForSelector('#steps .step');
    const steps = page.locator('#steps .step');
    expect(await steps.count()).toBe(2);
    const entry = steps.nth(0).locator('.entry.plugin');
    expect(await entry.textContent()).toBe('masker: masked {"fields":1,"note":"<b>bold</b>"}');
    expect(await entry.locator('b').count()).toBe(0);
    expect(await steps.nth(1).locator('.entry.plugin').count()).toBe(0);
  });

  it("shows a plugin's trip as the run's error, its reason as text and without the key", async () => {
    const page = await shown.list();
    const row = page.locator('#runs tr.run-row', { hasText: 'Trip the policy' });
    expect(await row.locator('.outcome-error').count()).toBe(1);
    await row.locator('a').first().click();
    await page.waitForSelector('#outcome-detail');
    expect(await page.locator('#run-outcome').textContent()).toBe('error');
    expect(await page.locator('#outcome-detail').textContent()).toMatch(
      /^GuardrailTrippedError \(guardrail-tripped\): The tool-input guardrail "no-forbidden" stopped the run: q is <b>forbidden<\/b> \(.+\)/,
    );
    expect(await page.locator('#outcome-detail b').count()).toBe(0);
    const call = page.locator('#steps .step').nth(0).locator('.tool-call');
    expect(await call.locator('.tool-result').textContent()).toContain(
      'lookup was stopped by a guardrail (no-forbidden); the run ended.',
    );
    expect(await page.locator('#app').textContent()).not.toContain('view-test-key');
    expect(errors).toEqual([]);
  });

  it('shows an ask nobody approved as a denied call that names who asked', async () => {
    const page = await shown.list();
    await page
      .locator('#runs tr.run-row', { hasText: 'Ask the policy' })
      .locator('a')
      .first()
      .click();
    await page.waitForSelector('#steps .step');
    const result = page.locator('#steps .step').nth(0).locator('.tool-call .tool-result');
    expect(await result.textContent()).toContain('("policy" asked for it)');
    expect(await page.locator('#run-outcome').textContent()).toBe('stop');
  });
});
