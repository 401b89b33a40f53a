import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, routeByAgent, turn } from '@gemloop/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';

// The live view of a tree: a run whose subagent is still working shows the child under its call
// as running, and the page follows both files until they end. The child's tool waits on a gate
// the test opens (no timing race: the page is read while the run is held). Never skips.

const LEAD = 'You are the lead.';
const WORKER = 'You are the worker.';

let viewer: OpenViewer | undefined;
let dir: string | undefined;

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view, a tree of agents while it runs', () => {
  it('shows a running child under its call, then its end, as the files grow', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemloop-view-tree-live-'));
    const fake = createFakeGemini({
      script: routeByAgent([
        { match: LEAD, script: [turn.call('work', { task: 'Slow job' }), turn.text('All done.')] },
        { match: WORKER, script: [turn.call('wait', {}), turn.text('Worked.')] },
      ]),
    });
    const { url } = await fake.listen();
    let entered: () => void = () => {};
    const waiting = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    try {
      const recorder = createRunRecorder({ dir });
      const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
      const model = 'gemini-3-flash-preview';
      const wait = defineTool({
        name: 'wait',
        parameters: z.object({}),
        execute: async () => {
          entered();
          await gate;
          return 'released';
        },
      });
      const worker = createAgent({
        gemini,
        model,
        name: 'worker',
        instructions: WORKER,
        tools: [wait],
      });
      const lead = createAgent({
        gemini,
        model,
        name: 'lead',
        instructions: LEAD,
        tools: [subagent(worker, { name: 'work', description: 'Works.' })],
        recorder,
        telemetry: false,
      });
      const running = lead.run('Do the slow job.');
      await waiting;
      await recorder.flush();
      viewer = await openViewer(dir);
      const page = await viewer.context.newPage();
      await page.goto(viewer.server.url);
      await page.waitForSelector('#runs tr.run-row');
      await page
        .locator('#runs tr.run-row', { hasText: 'Do the slow job.' })
        .locator('a')
        .first()
        .click();
      const child = page.locator('#steps > .step .entry.tool-call > details.subagent');
      await child.waitFor();
      expect(await child.locator(':scope > summary .badge').textContent()).toBe('running');
      expect(await page.locator('#status').textContent()).toBe('Run in progress (updating live)');
      // The child's tool answers: both runs end, and the page follows (its poll re-reads both).
      open();
      expect((await running).text).toBe('All done.');
      await recorder.flush();
      await page.waitForSelector(
        '#steps > .step .entry.tool-call > details.subagent > summary .badge.outcome-success',
      );
      // The badge and the steps come from one poll, but the page may draw the child's badge before
      // the lead's last step: wait for the page to show both runs' two steps (a hang guard, not a
      // time limit), then check nothing more is drawn.
      await page.waitForFunction(
        () =>
          document.querySelectorAll('#steps > .step').length >= 2 &&
          document.querySelectorAll(
            '#steps > .step .entry.tool-call > details.subagent > .subagent-steps > .step',
          ).length >= 2,
      );
      expect(await child.locator(':scope > .subagent-steps > .step').count()).toBe(2);
      expect(await page.locator('#steps > .step').count()).toBe(2);
    } finally {
      open();
      await fake.close();
    }
  });
});
