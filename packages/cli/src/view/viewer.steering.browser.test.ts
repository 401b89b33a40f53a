import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createSteering } from '@gemloop/core/steering';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';

// A steered run recorded by the real recorder and shown by the viewer in Debian's headless
// Chromium: the steer sits in the step whose request carried it, as text (a `<b>` in it stays
// characters). A second run, aborted with a steer waiting, shows it dropped. Never skips.

let dir: string;
let viewer: OpenViewer | undefined;
/** The file's one page of the viewer: loaded once, each test's visit a hash change. */
let shown: ViewerPage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-steering-'));
  const fake = createFakeGemini({
    script: [turn.call('lookup', { q: 'a' }), turn.text('Found a, in metric.')],
  });
  const { url } = await fake.listen();
  try {
    const recorder = createRunRecorder({ dir });
    const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
    const steering = createSteering();
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: ({ q }) => {
        steering.steer('Use <b>metric</b> units.');
        return `found ${q}`;
      },
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      recorder,
      telemetry: false,
    });
    await agent.run('Find a', { steering });
    // A second run, aborted by its tool with a steer waiting: the steer is dropped.
    const controller = new AbortController();
    const dropping = createSteering();
    const stopper = defineTool({
      name: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: () => {
        dropping.steer('Never read.');
        controller.abort();
        return 'stopped';
      },
    });
    fake.setScript([turn.call('lookup', { q: 'b' }), turn.text('never')]);
    const aborted = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [stopper],
      recorder,
      telemetry: false,
    });
    await aborted
      .run('Stop here', { steering: dropping, signal: controller.signal })
      .catch(() => {});
    await recorder.flush();
  } finally {
    await fake.close();
  }
  viewer = await openViewer(dir);
  shown = viewerPage(viewer.context, viewer.server.url);
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view, a steered run', () => {
  it('shows the steer in the step that carried it, as text', async () => {
    const page = await shown.list();
    await page.locator('#runs tr.run-row', { hasText: 'Find a' }).locator('a').first().click();
    await page.waitForSelector('#steps .step');
    const steps = page.locator('#steps .step');
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(0).locator('.entry.steer').count()).toBe(0);
    const steer = steps.nth(1).locator('.entry.steer');
    expect(await steer.textContent()).toBe('Steer: Use <b>metric</b> units.');
    expect(await steer.locator('b').count()).toBe(0);
  });

  it('shows a steer the aborted run never read as dropped, with the run', async () => {
    const page = await shown.list();
    await page.locator('#runs tr.run-row', { hasText: 'Stop here' }).locator('a').first().click();
    await page.waitForSelector('.entry.steer.dropped');
    expect(await page.locator('.entry.steer.dropped').textContent()).toBe(
      'Steer dropped (the run was aborted): Never read.',
    );
    expect(await page.locator('#steps .entry.steer:not(.dropped)').count()).toBe(0);
  });
});
