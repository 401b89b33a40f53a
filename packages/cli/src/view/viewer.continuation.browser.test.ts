import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import type { ViewServer } from './start-view-server.ts';

// A long-decode run (the fake's turn.continued, hand-written from @google/genai 3.1.0 and
// adk-go's continuation.go) recorded by the real recorder and shown by the viewer in Debian's
// headless Chromium: its step says how many requests the answer took. Never skips.

let dir: string;
let viewer: OpenViewer | undefined;
let server: ViewServer;
let context: BrowserContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-continuation-'));
  const fake = createFakeGemini({
    chunkSize: 2,
    script: [
      turn.continued([turn.text('One, '), turn.text('two, '), turn.text('three.')], {
        checkpoints: true,
      }),
    ],
    faults: [{ fault: { type: 'connection-reset', afterChunks: 1 }, on: 0 }],
  });
  const { url } = await fake.listen();
  try {
    const recorder = createRunRecorder({ dir });
    const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    await agent.stream('Count.').result;
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

describe('gemloop view, a long-decode run', () => {
  it("shows the step's hops and reconnects", async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#runs tr.run-row');
    await page.locator('#runs tr.run-row a').first().click();
    await page.waitForSelector('#steps .step');
    const step = await page.locator('#steps .step').first().textContent();
    expect(step).toContain('3 hop(s), 1 reconnect(s)');
    expect(step).toContain('One, two, three.');
  });
});
