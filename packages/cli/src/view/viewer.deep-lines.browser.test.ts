import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import type { ViewServer } from './start-view-server.ts';

// A hand-made run file with deeply nested tool outputs, shown in Debian's headless Chromium: one
// too deep for JSON.stringify (left out with the viewer's note), one deep but within reach (shown).
// JSON.parse reads any depth; the recorder never writes either. Never skips.

const ID = '2026-01-05T00-00-00-000Z-deep-lines';
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

let dir: string;
let viewer: OpenViewer | undefined;
let server: ViewServer;
let context: BrowserContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-deep-'));
  const lines = [
    '{"type":"run-start","format":1,"at":1,"runId":"deep","model":"gemini-2.5-flash","input":"Go deep."}',
    `{"type":"tool-call-start","at":2,"stepNumber":1,"toolCallId":"a","toolName":"dig","args":{}}`,
    `{"type":"tool-call-end","at":3,"stepNumber":1,"toolCallId":"a","toolName":"dig","outcome":"success","output":${nested(100_000)}}`,
    `{"type":"tool-call-start","at":4,"stepNumber":1,"toolCallId":"b","toolName":"dig","args":{}}`,
    `{"type":"tool-call-end","at":5,"stepNumber":1,"toolCallId":"b","toolName":"dig","outcome":"success","output":${nested(1_000)}}`,
    '{"type":"run-end","at":6,"outcome":"success","text":"Deep enough."}',
  ];
  await writeFile(join(dir, `${ID}.jsonl`), `${lines.join('\n')}\n`);
  viewer = await openViewer(dir);
  ({ server, context } = viewer);
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view, a run file with deeply nested lines', () => {
  it('shows the run, the line too deep to send left out with a note', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}#/run/${ID}`);
    // The note, or the page's "Cannot load this run" (p.empty) when the server fails the run.
    await page.waitForSelector('.truncated-note, p.empty');
    expect(await page.locator('.truncated-note').allTextContents()).toEqual([
      'Cut by the viewer: A tool-call-end line is nested too deeply to show; it is left out.',
    ]);
    expect(await page.locator('body').textContent()).toContain('Deep enough.');
    expect(errors).toEqual([]);
  });
});
