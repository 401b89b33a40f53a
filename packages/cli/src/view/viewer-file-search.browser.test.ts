import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, fileSearch } from '@gemloop/core';
import { createFileSearchStores } from '@gemloop/core/http';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, openBrowserContext } from './__fixtures__/open-browser-context.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// A run answered from a File Search store, in the viewer: its citations name a store and a
// document, not a URL (the File Search docs: `retrievedContext.fileSearchStore` in place of
// `uri`), and the sources list showed none of them ("No grounding sources.").

let dir: string;
let store: string;
let browser: BrowserSession;
let server: ViewServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-file-search-'));
  const fake = createFakeGemini({
    filesApi: { fileSearchPolls: 0 },
    script: [turn.text('Twenty-five days.')],
  });
  const { url } = await fake.listen();
  try {
    const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
    const stores = createFileSearchStores(gemini);
    store = (await stores.create({ displayName: 'handbook' })).name;
    const leave = new Blob(['Every employee gets 25 days of paid leave.'], { type: 'text/plain' });
    await stores.waitForOperation(await stores.upload(store, leave, { displayName: 'leave.txt' }), {
      pollIntervalMs: 0,
    });
    const recorder = createRunRecorder({ dir });
    await createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      name: 'handbook-agent',
      recorder,
      telemetry: false,
      tools: [fileSearch({ fileSearchStoreNames: [store] })],
    }).run('How many days of paid leave do I get?');
    await recorder.flush();
  } finally {
    await fake.close();
  }
  server = await startViewServer({ dir });
  browser = await openBrowserContext({ viewport: { width: 1280, height: 900 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view of a File Search run', () => {
  it('lists the cited document and its store as sources, as text', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    await page.waitForSelector('#runs tr.run-row');
    await page.locator('#runs tr.run-row a.question').click();
    await page.waitForSelector('#steps .step');
    expect(await page.locator('#sources li').allTextContents()).toEqual([`leave.txt (${store})`]);
    // A store name is not a link.
    expect(await page.locator('#sources a').count()).toBe(0);
    await page.close();
    expect(errors).toEqual([]);
  });
});
