import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { type BrowserSession, openBrowserContext } from './__fixtures__/open-browser-context.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// The viewer's Evals page and its compare in Debian's headless Chromium, against eval results as
// `gemloop eval --json` writes them, linking to a run recorded by the real recorder. A missing or
// broken Chromium fails this test with the reason; it never skips.

let root: string;
let browser: BrowserSession;
let server: ViewServer;
const consoleErrors: string[] = [];

function attempt(caseId: string, status: string, score: number, runFile?: string) {
  return {
    caseId,
    repeat: 0,
    status,
    scores: [{ scorer: 'exact', score, pass: score === 1, reason: '<b>not markup</b>' }],
    text: '',
    totalTokens: 10,
    costUsd: status === 'pass' ? '0.002' : '0.001',
    latencyMs: 5,
    tags: [],
    ...(runFile === undefined ? {} : { runFile }),
  };
}

function result(name: string, startedAt: string, attempts: unknown[]) {
  return {
    format: 'gemloop-eval',
    version: 1,
    name,
    mode: 'replay',
    startedAt,
    attempts,
    summary: { attempts: attempts.length, passRate: 0.5 },
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gemloop-view-evals-'));
  const runs = join(root, 'runs');
  const evals = join(root, 'evals');
  await mkdir(runs);
  await mkdir(evals);
  const recorded = await recordWeatherRun();
  const [runName] = await readdir(join(recorded.file, '..'));
  const runFile = join(runs, runName as string);
  await writeFile(runFile, recorded.text);
  await recorded.cleanup();
  await writeFile(
    join(evals, 'before.json'),
    JSON.stringify(
      result('old-prompt', '2026-11-23T10:00:00.000Z', [
        attempt('paris', 'pass', 1, runFile),
        attempt('<img src=x onerror=alert(1)>', 'fail', 0),
      ]),
    ),
  );
  await writeFile(
    join(evals, 'after.json'),
    JSON.stringify(
      result('new-prompt', '2026-11-23T11:00:00.000Z', [
        attempt('paris', 'drift', 1, runFile),
        attempt('<img src=x onerror=alert(1)>', 'pass', 1),
      ]),
    ),
  );
  await writeFile(join(evals, 'other.json'), '{"format":"something-else"}');
  // Saved as Windows-1252 ("café" is the byte 0xE9 on line 3): gemloop eval compare refuses it.
  await writeFile(
    join(evals, 'latin1.json'),
    Buffer.from('{\n"format": "gemloop-eval",\n"name": "caf\xe9"\n}\n', 'latin1'),
  );
  server = await startViewServer({ dir: runs, evalsDir: evals });
  browser = await openBrowserContext({ viewport: { width: 1280, height: 900 } });
  shown = viewerPage(browser.context, server.url, listenForErrors);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

function listenForErrors(page: Page): void {
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
}

/** The file's one page of the viewer: loaded once, each test's visit a hash change. */
let shown: ViewerPage;

function open(hash: string): Promise<Page> {
  return shown.visit(hash);
}

describe('the Evals page in Chromium', () => {
  it('lists the eval results, compares two, regressions first, each case linking to its run', async () => {
    const page = await open('#/evals');
    await page.waitForSelector('table.eval-results tbody tr');
    // The file that is not an eval result is left out; newest first; the one not UTF-8 is listed
    // last with why, in gemloop eval compare's words, and is no choice to compare.
    expect(
      await page.locator('table.eval-results tbody tr td:first-child').allTextContents(),
    ).toEqual(['new-prompt', 'old-prompt', 'latin1.json']);
    expect(await page.locator('tr[data-refused="latin1"] td.reason').textContent()).toBe(
      'not read: line 3 is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save it as UTF-8',
    );
    expect(await page.locator('select[aria-label="before"] option').allTextContents()).toHaveLength(
      2,
    );
    expect(await page.locator('#status').textContent()).toBe('2 eval result(s), 1 not read');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForSelector('table.compare tbody tr');
    expect(page.url()).toContain('#/compare/before/after');
    const rows = page.locator('table.compare tbody tr');
    expect(await rows.locator('td.change').allTextContents()).toEqual([
      'regression',
      'improvement',
    ]);
    const paris = page.locator('tr[data-case="paris"]');
    expect(await paris.locator('td').nth(2).textContent()).toBe('1.00 → 0.00');
    expect(await paris.locator('td').nth(4).textContent()).toBe('-0.001000');
    expect(await paris.locator('td').nth(5).textContent()).toBe('pass → drift');
    // A hostile case id is text, not markup.
    expect(await rows.nth(1).locator('td').first().textContent()).toBe(
      '<img src=x onerror=alert(1)>',
    );
    expect(await page.locator('table.compare img').count()).toBe(0);
    expect(await page.locator('#status').textContent()).toBe('1 regression(s), 1 improvement(s)');
    await paris.locator('a').first().click();
    await page.waitForSelector('#question');
    expect(await page.locator('#question').textContent()).toBe('Weather in Paris?');
    expect(consoleErrors).toEqual([]);
  });

  it('a compare of an id that is no eval result says so and links back', async () => {
    const page = await open('#/compare/before/other');
    // The nav bar always holds a link to #/evals; the error's own link in #app is written
    // after #status, so waiting for it (not for any such link) waits for the error.
    await page.waitForSelector('#app a[href="#/evals"]');
    expect(await page.locator('#status').textContent()).toContain(
      'Cannot load the eval results: /api/evals/other: HTTP 404',
    );
    const traversal = await fetch(`${server.url}api/evals/..%2Fruns%2Fx`);
    expect(traversal.status).toBe(404);
  });

  it('a compare of a result not UTF-8 says why, in the words of gemloop eval compare', async () => {
    const page = await open('#/compare/before/latin1');
    await page.waitForSelector('#app a[href="#/evals"]');
    expect(await page.locator('#status').textContent()).toBe(
      'Cannot load the eval results: /api/evals/latin1: HTTP 403 (line 3 is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save it as UTF-8)',
    );
  });
});
