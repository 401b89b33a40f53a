import { execFileSync } from 'node:child_process';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from './__fixtures__/ensure-chromium.ts';
import { recordSampleRuns } from './__fixtures__/record-sample-runs.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// The viewer in a real browser: Debian's headless Chromium driven by playwright-core, against
// runs recorded by the real recorder. A missing or broken Chromium fails this test with the
// reason; it never skips.

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');

let dir: string;
let profile: string;
let server: ViewServer;
let context: BrowserContext;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const executablePath = ensureChromium();
  dir = await recordSampleRuns();
  server = await startViewServer({ dir });
  profile = await mkdtemp(join(tmpdir(), 'gemloop-chromium-'));
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1280, height: 900 },
    });
  } catch (error) {
    throw new Error(
      `Chromium (${executablePath}) would not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // Long enough for apt-get to install Chromium on a fresh machine.
}, 900_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

async function open(path = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${server.url}${path}`);
  return page;
}

describe('gemloop view in Chromium', () => {
  it('lists the runs, opens one as a timeline, renders a hostile tool result as text', async () => {
    const page = await open();
    await page.waitForSelector('#runs tr.run-row');
    expect(await page.locator('#runs tr.run-row').count()).toBe(4);
    expect(await page.locator('tr.session-header').textContent()).toContain(
      'Chat session session-abc · 2 turn(s)',
    );
    // Filters: by outcome and by tool.
    await page.selectOption('#filter-outcome', 'error');
    await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(1);
    await page.selectOption('#filter-outcome', 'all');
    await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(4);
    await page.selectOption('#filter-tool', 'fetch_page');
    await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(1);
    expect(await page.locator('#runs tr.run-row').textContent()).toContain('hostile-agent');

    await page.locator('#runs tr.run-row a').first().click();
    await page.waitForSelector('#timeline .bar');
    expect(await page.locator('#run-summary').textContent()).toContain('hostile-agent');
    // Nothing left out of the page shows as text.
    expect(await page.locator('#app').textContent()).not.toMatch(/\bnull\b|\bundefined\b/);
    expect(await page.locator('#timeline .bar.model').count()).toBe(2);
    expect(await page.locator('#timeline .bar.tool').count()).toBe(2);
    // The parallel calls sit side by side: two tool lanes, overlapping in time.
    const boxes = await page
      .locator('#timeline .bar.tool')
      .evaluateAll((bars) =>
        bars
          .map((bar) => bar.getBoundingClientRect())
          .map(({ left, right, top }) => ({ left, right, top })),
      );
    expect(boxes[0]?.top).not.toBe(boxes[1]?.top);
    expect(Math.max(boxes[0]?.left ?? 0, boxes[1]?.left ?? 0)).toBeLessThan(
      Math.min(boxes[0]?.right ?? 0, boxes[1]?.right ?? 0),
    );
    // The failed call is red.
    const failed = page.locator('#timeline .bar.tool.failed');
    expect(await failed.textContent()).toBe('get_weather');
    expect(await failed.evaluate((bar) => getComputedStyle(bar).backgroundColor)).toBe(
      'rgb(229, 72, 77)',
    );
    expect(await page.locator('#steps .step').count()).toBe(2);
    expect(await page.locator('#token-chart .chart-row').count()).toBe(2);
    const source = page.locator('#sources a');
    expect(await source.textContent()).toBe('Example source');
    expect(await source.getAttribute('href')).toBe('https://example.com/source');

    // The hostile result: characters on the page, no element made of it, nothing run.
    await page.locator('#timeline .bar.tool', { hasText: 'fetch_page' }).click();
    const details = page.locator('#details');
    await expect.poll(() => details.textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await details.textContent()).toContain('<img src=x onerror=');
    expect(await page.locator('#app script, #app img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    await page.locator('#timeline .bar.model').first().click();
    await expect.poll(() => details.textContent()).toContain('Request');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.locator('#timeline .bar.tool', { hasText: 'get_weather' }).click();
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-run.png'), fullPage: true });
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('shows a chat turn with links to the other turns of its session', async () => {
    const page = await open();
    await page.waitForSelector('tr.session-header');
    await page.locator('tr.turn a').nth(1).click();
    await expect
      .poll(() => page.locator('#session-turns').textContent())
      .toBe('Chat session session-abc: turn 1 · turn 2');
    expect(await page.locator('#session-turns b').textContent()).toBe('turn 2');
    await page.locator('#session-turns a').click();
    await expect.poll(() => page.locator('#answer').textContent()).toBe('Hello from turn one.');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('lists a run with odd field types and unreadable files as rows, never a blank list', async () => {
    const before = (await readdir(dir)).length;
    const odd = join(dir, '2098-01-01T00-00-00-000Z-odd.jsonl');
    const fifo = join(dir, '2098-01-01T00-00-01-000Z-fifo.jsonl');
    const zero = join(dir, '2098-01-01T00-00-02-000Z-zero.jsonl');
    const start = { type: 'run-start', format: 1, runId: 'odd', agentName: 'odd-agent', at: 1 };
    await writeFile(
      odd,
      `${JSON.stringify({ ...start, model: { name: 'gemini' }, conversationId: 7 })}\n${JSON.stringify({ type: 'run-end', outcome: 'success', usage: 'lots', at: 2 })}\n`,
    );
    // Nothing writes to the FIFO: reading it would never end; /dev/zero never ends either.
    execFileSync('mkfifo', [fifo]);
    await symlink('/dev/zero', zero);
    try {
      const page = await open();
      await page.waitForSelector('#runs tr.run-row');
      await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(before + 3);
      const oddRow = page.locator('#runs tr.run-row', { hasText: 'odd-agent' });
      expect(await oddRow.textContent()).toContain('unknown');
      expect(await page.locator('#runs td.outcome-unreadable').count()).toBe(2);
      await page.selectOption('#filter-outcome', 'unreadable');
      await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(2);
      await page.close();
      expect(consoleErrors).toEqual([]);
    } finally {
      await Promise.all([odd, fifo, zero].map((path) => rm(path, { force: true })));
    }
  });

  it('updates a run in progress live', async () => {
    // A run cut after its first model call, then completed while the page is open.
    const names = (await readdir(dir)).sort();
    const hostile = await (async () => {
      for (const name of names) {
        const text = await readFile(join(dir, name), 'utf8');
        if (text.includes('"hostile-agent"')) return text;
      }
      throw new Error('no hostile run');
    })();
    const lines = hostile.trim().split('\n');
    const cut = lines.findIndex((line) => line.includes('"tool-call-start"'));
    const id = '2099-01-01T00-00-00-000Z-live-run';
    await writeFile(join(dir, `${id}.jsonl`), `${lines.slice(0, cut).join('\n')}\n`);
    const page = await open(`#/run/${id}`);
    await page.waitForSelector('#timeline .bar.model');
    expect(await page.locator('#status').textContent()).toContain('in progress');
    expect(await page.locator('#timeline .bar.tool').count()).toBe(0);
    await appendFile(join(dir, `${id}.jsonl`), `${lines.slice(cut).join('\n')}\n`);
    await expect
      .poll(() => page.locator('#timeline .bar.tool').count(), { timeout: 10_000 })
      .toBe(2);
    await expect.poll(() => page.locator('#run-summary').textContent()).toContain('stop');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
