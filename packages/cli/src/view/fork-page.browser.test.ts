import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createReplayCommand } from '../commands/replay.ts';
import { type BrowserSession, openBrowserContext } from './__fixtures__/open-browser-context.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// The viewer's Forks page and a fork beside its original, in Debian's headless Chromium, on a
// fork `gemloop replay --json` wrote of a run the real recorder recorded. A missing or broken
// Chromium fails this test with the reason; it never skips.

let root: string;
let browser: BrowserSession;
let server: ViewServer;
const consoleErrors: string[] = [];

// What the fork's model does instead: Oslo first (the argument drifts), then Paris (a call the
// original did not make), then its answer, with a hostile string in it.
const SCRIPT = `const call = (city) => ({ raw: { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city } } }] }, finishReason: 'STOP' }] } });
export default [
  call('Oslo'),
  call('Paris'),
  { raw: { candidates: [{ content: { role: 'model', parts: [{ text: '<img src=x onerror=alert(1)> Oslo is cold.' }] }, finishReason: 'STOP' }] } },
];
`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gemloop-view-forks-'));
  const runs = join(root, 'runs');
  const forks = join(root, 'forks');
  await mkdir(runs);
  await mkdir(forks);
  const recorded = await recordWeatherRun();
  const [runName] = await readdir(join(recorded.file, '..'));
  await writeFile(join(runs, runName as string), recorded.text);
  await recorded.cleanup();
  await writeFile(join(root, 'script.mjs'), SCRIPT);
  const io = captureIo();
  const code = await createReplayCommand(root).run(
    [
      join('runs', runName as string),
      '--until',
      '0',
      '--script',
      './script.mjs',
      '--json',
      join('forks', 'oslo-first.json'),
    ],
    io,
  );
  if (code !== 0) throw new Error(`gemloop replay failed: ${io.out()}${io.err()}`);
  await writeFile(join(forks, 'not-a-fork.json'), '{"format":"gemloop-eval","version":1}');
  await symlink(join(forks, 'oslo-first.json'), join(forks, 'linked.json'));
  server = await startViewServer({ dir: runs, forksDir: forks });
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

describe('the Forks page in Chromium', () => {
  it('lists the forks and shows one beside its original: calls drifted and added, answers, totals', async () => {
    const page = await open('#/forks');
    await page.waitForSelector('table.fork-results tbody tr');
    // The file that is not a fork and the symlink are left out.
    expect(await page.locator('table.fork-results tbody tr').count()).toBe(1);
    const row = page.locator('tr[data-fork="oslo-first"] td');
    expect(await row.allTextContents()).toEqual([
      'oslo-first',
      expect.stringMatching(/\.jsonl$/),
      '0',
      'changed',
      'changed',
    ]);
    await row.first().locator('a').click();
    await page.waitForSelector('.fork-columns');
    expect(page.url()).toContain('#/fork/oslo-first');
    const original = page.locator('section.fork-original ol.fork-calls > li');
    const fork = page.locator('section.fork-fork ol.fork-calls > li');
    expect(
      await original.evaluateAll((items) => items.map((item) => item.dataset['mark'])),
    ).toEqual(['drifted']);
    expect(await fork.evaluateAll((items) => items.map((item) => item.dataset['mark']))).toEqual([
      'drifted',
      'added',
    ]);
    expect(await original.first().locator('ul.drift li').textContent()).toBe('$.city "Paris"');
    expect(await fork.first().locator('ul.drift li').textContent()).toBe('$.city "Oslo"');
    expect(await page.locator('section.fork-original .fork-answer').textContent()).toBe(
      'Answer: "It is 18 °C in Paris."',
    );
    // The model's markup is text on the page.
    expect(await page.locator('section.fork-fork .fork-answer').textContent()).toBe(
      'Answer: "<img src=x onerror=alert(1)> Oslo is cold."',
    );
    expect(await page.locator('.fork-columns img').count()).toBe(0);
    const steps = page.locator('table.fork-totals tbody tr').first().locator('td');
    expect(await steps.allTextContents()).toEqual(['2', '3', '1']);
    expect(await page.locator('#status').textContent()).toBe('the fork differs');
    // The original is one click away, when it is a run of the runs folder.
    await page.locator('a.original-run').click();
    await page.waitForSelector('#question');
    expect(await page.locator('#question').textContent()).toBe('Weather in Paris?');
    expect(consoleErrors).toEqual([]);
  });

  it('a fork id that is no fork says so and links back; the routes never leave the folder', async () => {
    const page = await open('#/fork/not-a-fork');
    // The nav bar always holds a link to #/forks; the error's own link in #app is written
    // after #status, so waiting for it (not for any such link) waits for the error.
    await page.waitForSelector('#app a[href="#/forks"]');
    expect(await page.locator('#status').textContent()).toContain(
      'Cannot load the fork: /api/forks/not-a-fork: HTTP 404',
    );
    for (const path of ['api/forks/linked', 'api/forks/..%2Fruns%2Fx', 'api/forks/%E0%A4%A']) {
      expect([path, (await fetch(`${server.url}${path}`)).status]).toEqual([path, 404]);
    }
    const listed = (await (await fetch(`${server.url}api/forks`)).json()) as { id: string }[];
    expect(listed.map((fork) => fork.id)).toEqual(['oslo-first']);
  });
});
