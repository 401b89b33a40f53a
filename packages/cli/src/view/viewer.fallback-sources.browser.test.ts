import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool, googleSearch } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';

// On Gemini 2.x google_search runs as a function answered by its own grounded request: the sources
// ground that call, not the model's step. The viewer's Sources list read only the steps', so such a
// run said "No grounding sources" (matrix41). Never skips.

let viewer: OpenViewer | undefined;
let dir: string | undefined;

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view, a run whose search ran as a function (Gemini 2.x)', () => {
  it("lists the grounded call's sources with the run's", async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemloop-view-fallback-'));
    const fake = createFakeGemini({
      script: [
        turn.calls([
          { name: 'google_search', args: { query: 'weather in Tokyo' } },
          { name: 'calculator', args: { expression: '2+2' } },
        ]),
        turn.grounded('Sunny in Tokyo.', {
          sources: [{ uri: 'https://example.com/tokyo', title: 'Tokyo weather' }],
          queries: ['weather in Tokyo'],
        }),
        turn.grounded('2+2 is 4, and Tokyo is sunny.', {
          sources: [{ uri: 'https://example.com/sums', title: 'Sums' }],
        }),
      ],
    });
    const { url } = await fake.listen();
    try {
      const recorder = createRunRecorder({ dir });
      const calculator = defineTool({
        name: 'calculator',
        description: 'Evaluates an expression.',
        parameters: z.object({ expression: z.string() }),
        execute: () => '4',
      });
      await createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'view-fallback-key', retry: false }),
        model: 'gemini-2.5-flash',
        tools: [googleSearch(), calculator],
        recorder,
        telemetry: false,
      }).run('What is 2+2? And the weather in Tokyo?');
      await recorder.flush();
    } finally {
      await fake.close();
    }

    viewer = await openViewer(dir);
    const page = await viewer.context.newPage();
    await page.goto(viewer.server.url);
    await page.locator('#runs tr.run-row a').first().click();
    await page.waitForSelector('#sources');
    const links = page.locator('#sources a');
    // The call's source (step 1) and the answer's own (step 2), in step order.
    expect(await links.allTextContents()).toEqual(['Tokyo weather', 'Sums']);
    expect(await links.first().getAttribute('href')).toBe('https://example.com/tokyo');
  });
});
