import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';

// attack29: a run file with a line torn in its middle (a crash, then a second writer of the same
// file) and a line that is JSON but no run line, shown in Debian's headless Chromium: the page
// says which lines of the file it could not show (read-runs.ts), and shows the rest. Before, the
// lines were dropped without a word and the run read as whole. Never skips.

const ID = '2026-01-05T00-00-00-000Z-torn-lines';
const CRASHED = '2026-01-05T00-00-01-000Z-crashed';

let dir: string;
let viewer: OpenViewer | undefined;
/** The file's one page of the viewer: loaded once, each test's visit a hash change. */
let shown: ViewerPage;
/** The script errors that page threw, from its load on. */
const errors: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-torn-'));
  const lines = [
    '{"type":"run-start","format":1,"at":1,"runId":"torn","model":"gemini-2.5-flash","input":"Look it up."}',
    `{"type":"tool-call-start","at":2,"stepNumber":1,"toolCallId":"a","toolName":"look","args":{}}`,
    `{"type":"tool-call-end","at":3,"stepNumber":1,"toolCallId":"a","toolName":"look","outc`,
    '["not","a","line"]',
    '{"type":"run-end","at":6,"outcome":"success","text":"Found it."}',
  ];
  await writeFile(join(dir, `${ID}.jsonl`), `${lines.join('\n')}\n`);
  // A run whose process was killed mid-run an hour ago: no end, and its file untouched since.
  await writeFile(join(dir, `${CRASHED}.jsonl`), `${lines.slice(0, 2).join('\n')}\n`);
  const hourAgo = new Date(Date.now() - 3_600_000);
  await utimes(join(dir, `${CRASHED}.jsonl`), hourAgo, hourAgo);
  viewer = await openViewer(dir);
  shown = viewerPage(viewer.context, viewer.server.url, (page) =>
    page.on('pageerror', (error) => errors.push(error.message)),
  );
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view, a run file with lines that are no run lines', () => {
  it('names each line it cannot show, and shows the rest', async () => {
    const page = await shown.visit(`#/run/${ID}`);
    // The notes, or the page's "Cannot load this run" (p.empty) when the server fails the run.
    await page.waitForSelector('.truncated-note, p.empty');
    expect(await page.locator('.truncated-note').allTextContents()).toEqual([
      'Line 3 of the file is not JSON (cut short, or not written by the recorder); it is not shown.',
      'Line 4 of the file is JSON but not a run line (an object with a type); it is not shown.',
    ]);
    expect(await page.locator('body').textContent()).toContain('Found it.');
    expect(await page.locator('#status').textContent()).not.toContain('in progress');
    expect(errors).toEqual([]);
  });

  it('says a run whose process stopped is abandoned, not in progress', async () => {
    const page = await shown.visit(`#/run/${CRASHED}`);
    await page.waitForSelector('.truncated-note, p.empty');
    const notes = await page.locator('.truncated-note').allTextContents();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^No line was written for \d+ minutes and the run has no end: the process recording it stopped \(crashed or killed\) before the run ended\.$/,
    );
    expect(await page.locator('#status').textContent()).toBe('');
    expect(errors).toEqual([]);
  });
});
