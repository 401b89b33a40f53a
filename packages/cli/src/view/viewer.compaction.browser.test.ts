import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { compaction } from '@gemloop/core/compaction';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import type { ViewServer } from './start-view-server.ts';

// A run whose history was compacted (the agent's `compaction` option), recorded by the real
// recorder and shown by the viewer in Debian's headless Chromium: the step the compaction came
// before says so, with the tokens before and after. Never skips.

let dir: string;
let viewer: OpenViewer | undefined;
let server: ViewServer;
let context: BrowserContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-compaction-'));
  const fake = createFakeGemini({
    script: [
      turn.call('read', { n: 1 }),
      turn.call('read', { n: 2 }),
      turn.call('read', { n: 3 }),
      turn.text('Read them all.'),
    ],
  });
  const { url } = await fake.listen();
  try {
    const recorder = createRunRecorder({ dir });
    const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
    const read = defineTool({
      name: 'read',
      parameters: z.object({ n: z.number() }),
      execute: ({ n }) => ({ n, text: 'words '.repeat(2_000) }),
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [read],
      recorder,
      telemetry: false,
      compaction: compaction({ maxTokens: 5_000, keepRecent: 2 }),
    });
    await agent.run('Read three pages.');
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

describe('gemloop view, a compacted run', () => {
  it('shows the compaction in the step it came before', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#runs tr.run-row');
    await page.locator('#runs tr.run-row a').first().click();
    await page.waitForSelector('#steps .step');
    const entries = await page.locator('#steps .entry.compaction').allTextContents();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]).toMatch(
      /^History compacted \(over the token threshold\): [\d,]+ → [\d,]+ tokens; 1 tool result\(s\) cleared/,
    );
  });
});
