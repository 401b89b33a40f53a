import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, openBrowserContext } from './__fixtures__/open-browser-context.ts';
import {
  ABORT_REASON,
  HOSTILE_TEXT,
  HUGE_TEXT,
  QUESTION,
  recordSampleRuns,
  THOUGHT,
  TURN_SETTINGS,
} from './__fixtures__/record-sample-runs.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// The viewer in a real browser: Debian's headless Chromium driven by playwright-core, against
// runs recorded by the real recorder. A missing or broken Chromium fails this test with the
// reason; it never skips.

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');

let dir: string;
let browser: BrowserSession;
let server: ViewServer;
let context: BrowserContext;
const consoleErrors: string[] = [];

beforeAll(async () => {
  dir = await recordSampleRuns();
  server = await startViewServer({ dir });
  browser = await openBrowserContext({ viewport: { width: 1280, height: 900 } });
  context = browser.context;
  shared = viewerPage(context, server.url, listenForErrors);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function listenForErrors(page: Page): void {
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
}

/** A page of its own, loaded at `path`: for a test that leaves the list's filters set. */
async function open(path = ''): Promise<Page> {
  const page = await context.newPage();
  listenForErrors(page);
  await page.goto(`${server.url}${path}`);
  return page;
}

/**
 * The page the tests that only read take turns on: one load of the viewer, then hash changes
 * (`__fixtures__/viewer-page.ts`); its errors go to `consoleErrors` as every page's do.
 */
let shared: ViewerPage;

function visit(hash = ''): Promise<Page> {
  return hash === '' ? shared.list() : shared.visit(hash);
}

const GREY = 'rgb(154, 163, 178)';
const RED = 'rgb(229, 72, 77)';

describe('gemloop view in Chromium', () => {
  it("lists the runs with each one's question and the start of its answer", async () => {
    const page = await open();
    await page.waitForSelector('#runs tr.run-row');
    expect(await page.locator('#runs tr.run-row').count()).toBe(5);
    expect(await page.locator('tr.session-header').textContent()).toContain(
      'Chat session session-abc · 2 turn(s)',
    );
    // Filters: by outcome and by tool.
    await page.selectOption('#filter-outcome', 'error');
    await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(1);
    await page.selectOption('#filter-outcome', 'aborted');
    await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(1);
    await page.selectOption('#filter-outcome', 'all');
    await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(5);
    await page.selectOption('#filter-tool', 'fetch_page');
    await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(1);
    const row = page.locator('#runs tr.run-row');
    expect(await row.textContent()).toContain('hostile-agent');
    // The question (its HTML as characters) and the answer's start, in the row itself.
    expect(await row.locator('.question').textContent()).toBe(QUESTION);
    expect(await row.locator('.answer-preview').textContent()).toBe('Done: the page was fetched.');
    // What the run cost, under its tokens.
    expect(await row.locator('.cost').textContent()).toMatch(/^\$\d+\.\d+$/);
    expect(await page.locator('#runs b').count()).toBe(0);
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('shows a run as readable steps: each tool call with its arguments and result, thoughts collapsed, the answer', async () => {
    const page = await visit();
    await page.waitForSelector('#runs tr.run-row');
    await page
      .locator('#runs tr.run-row', { hasText: 'hostile-agent' })
      .locator('a.question')
      .click();
    await page.waitForSelector('#steps .step');
    // The header: what was asked, the facts, the start of the answer.
    expect(await page.locator('#question').textContent()).toBe(QUESTION);
    expect(await page.locator('#run-summary').textContent()).toContain('hostile-agent');
    expect(await page.locator('#answer-preview').textContent()).toContain(
      'Done: the page was fetched.',
    );
    expect(await page.locator('#run-outcome').textContent()).toBe('stop');
    // Nothing left out of the page shows as text (innerText: what is on screen, not the raw JSON
    // in closed <details>).
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
    expect(await page.locator('#app').innerText()).not.toMatch(/\bnull\b|\bundefined\b/);

    // Each step a block labelled by what it did: the answering step is "answer", not "tools".
    const steps = page.locator('#steps .step');
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(0).locator('.step-label').textContent()).toBe('tools');
    // What each step and the run cost, in dollars (gemini-2.5-flash has a price).
    expect(await steps.nth(0).locator('.entry.cost').textContent()).toMatch(
      /^Cost \$\d+\.\d+ \(input \$[\d.]+, cached \$0, output \$[\d.]+, thinking \$[\d.]+\)$/,
    );
    expect(await page.locator('.entry.run-cost').textContent()).toMatch(/^Run cost \$\d+\.\d+ /);
    expect(await steps.nth(1).locator('.step-label').textContent()).toBe('answer');
    expect(await steps.nth(1).locator('.model-text').textContent()).toBe(
      'Done: the page was fetched.',
    );

    // Both tool calls, arguments and result (or error) on screen without a click, each at least
    // a line tall (not a bar a few pixels wide).
    const calls = steps.nth(0).locator('.tool-call');
    expect(await calls.count()).toBe(2);
    const fetchCall = calls.filter({ hasText: 'fetch_page' });
    const weatherCall = calls.filter({ hasText: 'get_weather' });
    for (const block of [
      fetchCall.locator('.tool-args pre'),
      fetchCall.locator('.tool-result pre'),
      weatherCall.locator('.tool-args pre'),
      weatherCall.locator('.tool-result .tool-error'),
    ]) {
      expect(await block.isVisible()).toBe(true);
      expect((await block.boundingBox())?.height ?? 0).toBeGreaterThan(14);
    }
    expect(await fetchCall.locator('.tool-args').textContent()).toContain(
      '"url": "https://example.com"',
    );
    expect(await weatherCall.locator('.tool-args').textContent()).toContain('"city": "Atlantis"');
    expect(await weatherCall.locator('.tool-result').textContent()).toContain(
      'no such city: Atlantis',
    );
    expect(await weatherCall.evaluate((node) => node.classList.contains('failed'))).toBe(true);

    // The hostile result: characters on the page, no element made of it, nothing run.
    const result = fetchCall.locator('.tool-result');
    expect(await result.textContent()).toContain(JSON.stringify(HOSTILE_TEXT).slice(1, -1));
    expect(await page.locator('#app script, #app img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // A bidi override is shown as a marker; it never reorders the text on screen.
    expect(await result.textContent()).toContain('invoice_⟨U+202E⟩gpj.exe');
    expect(
      await page.locator('#app').evaluate((node) => node.textContent?.includes('\u202E')),
    ).toBe(false);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-run.png'), fullPage: true });
    // A huge value is bounded, with "show more" for the rest.
    expect(await result.textContent()).not.toContain('end-of-huge');
    expect((await result.textContent())?.length ?? 0).toBeLessThan(HUGE_TEXT.length / 10);
    await result.locator('button.show-more').click();
    await expect.poll(() => result.textContent()).toContain('end-of-huge');

    // The thought summary: there, collapsed until opened.
    const thoughts = steps.nth(0).locator('details.thoughts');
    expect(await thoughts.getAttribute('open')).toBeNull();
    expect(await thoughts.locator('summary').textContent()).toContain('Thoughts');
    expect(await thoughts.locator('.thought-text').isVisible()).toBe(false);
    await thoughts.locator('summary').click();
    expect(await thoughts.locator('.thought-text').textContent()).toBe(THOUGHT);

    // The timeline stays as the overview: parallel calls side by side, the failed one red, and a
    // bar points at its block.
    expect(await page.locator('#timeline .bar.model').count()).toBe(2);
    expect(await page.locator('#timeline .bar.tool').count()).toBe(2);
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
    const failed = page.locator('#timeline .bar.tool.failed');
    expect(await failed.textContent()).toBe('get_weather');
    expect(await failed.evaluate((bar) => getComputedStyle(bar).backgroundColor)).toBe(RED);
    await page.locator('#timeline .bar.tool', { hasText: 'get_weather' }).click();
    await expect
      .poll(() => page.locator('.tool-call.selected .tool-name').textContent())
      .toBe('get_weather');
    expect(await page.locator('#token-chart .chart-row').count()).toBe(2);
    const source = page.locator('#sources a');
    expect(await source.textContent()).toBe('Example source');
    expect(await source.getAttribute('href')).toBe('https://example.com/source');
    expect(await page.locator('#answer').textContent()).toBe('Done: the page was fetched.');

    expect(consoleErrors).toEqual([]);
  });

  it("shows a failed run's gemloop code beside its class, in the list and on its page", async () => {
    // errors43: the run file records the error's `code`; the viewer shows it.
    const page = await visit();
    await page.waitForSelector('#runs tr.run-row');
    const row = page.locator('#runs tr.run-row', { hasText: 'failing-agent' });
    expect(await row.locator('td.outcome-error').getAttribute('title')).toMatch(
      /^ModelCallError \(model-call\): /,
    );
    await row.locator('a.question').click();
    await page.waitForSelector('#run-outcome');
    expect(await page.locator('#outcome-detail').textContent()).toMatch(
      /^ModelCallError \(model-call\): /,
    );
  });

  it('shows an aborted run grey, as "aborted" with its reason, never red', async () => {
    const page = await visit();
    await page.waitForSelector('#runs tr.run-row');
    const row = page.locator('#runs tr.run-row', { hasText: 'aborted-agent' });
    const cell = row.locator('td.outcome-aborted');
    expect(await cell.textContent()).toBe(`aborted${ABORT_REASON}`);
    expect(await cell.evaluate((node) => getComputedStyle(node).color)).toBe(GREY);
    expect(await row.locator('.question').textContent()).toBe('Wait for me.');
    await row.locator('a.question').click();
    await page.waitForSelector('#run-outcome');
    const outcome = page.locator('#run-outcome');
    expect(await outcome.textContent()).toBe('aborted');
    expect(await outcome.evaluate((node) => getComputedStyle(node).color)).toBe(GREY);
    expect(await page.locator('#outcome-detail').textContent()).toBe(`Aborted: ${ABORT_REASON}`);
    expect(await page.locator('#run-end').textContent()).toContain(`Reason: ${ABORT_REASON}`);
    // Nothing of the abort is drawn as an error: no red text, no red bar, no error class name.
    expect(await page.locator('#app .outcome-error, #app .failed').count()).toBe(0);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
    expect(await page.locator('#app').innerText()).not.toContain('AgentAbortedError');
    const bar = page.locator('#timeline .bar.tool');
    expect(await bar.evaluate((node) => getComputedStyle(node).backgroundColor)).not.toBe(RED);
    expect(await page.locator('.tool-call.aborted .tool-name').textContent()).toBe('wait_for_user');
    // Back to the list and into the same run again: the run is drawn again, not the list left.
    await page.locator('a', { hasText: '← all runs' }).click();
    await page.waitForSelector('#runs tr.run-row');
    await row.locator('a.question').click();
    await expect.poll(() => page.locator('#run-outcome').textContent()).toBe('aborted');
    expect(consoleErrors).toEqual([]);
  });

  it('shows a chat turn with links to the other turns of its session', async () => {
    const page = await visit();
    await page.waitForSelector('tr.session-header');
    await page.locator('tr.turn').nth(1).locator('a').first().click();
    await expect
      .poll(() => page.locator('#session-turns').textContent())
      .toBe('Chat session session-abc: turn 1 · turn 2');
    expect(await page.locator('#session-turns b').textContent()).toBe('turn 2');
    expect(await page.locator('#question').textContent()).toBe('Again');
    // The turn's own generationConfig is in the request the step shows.
    await page.locator('details.raw summary').first().click();
    const shown = await page.locator('details.raw pre.json').first().textContent();
    expect(JSON.parse(shown ?? '{}').generationConfig).toEqual(TURN_SETTINGS);
    await page.locator('#session-turns a').click();
    await expect.poll(() => page.locator('#answer').textContent()).toBe('Hello from turn one.');
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

  it('bounds a runaway run: the first and last step blocks, the rest behind a button; a step draws at most 200 entries', async () => {
    const id = '2099-01-02T00-00-00-000Z-many-steps';
    const at = Date.UTC(2099, 0, 2);
    const lines: Record<string, unknown>[] = [
      {
        type: 'run-start',
        format: 1,
        runId: 'many',
        agentName: 'runaway-agent',
        model: 'm',
        at,
        input: 'Loop?',
      },
    ];
    for (let n = 1; n <= 250; n++) {
      lines.push({ type: 'model-call-start', stepNumber: n, at: at + n, request: {} });
      lines.push({ type: 'model-call-end', stepNumber: n, at: at + n, response: {} });
      // Step 1 asks for 300 tool calls at once.
      for (let call = 0; call < (n === 1 ? 300 : 0); call++)
        lines.push({
          type: 'tool-call-start',
          stepNumber: 1,
          toolName: 'ping',
          toolCallId: `c${call}`,
          args: {},
          at: at + 1,
        });
      lines.push({
        type: 'step-end',
        stepNumber: n,
        text: `step ${n} text`,
        thoughts: '',
        usage: {},
        at: at + n,
      });
    }
    lines.push({ type: 'run-end', outcome: 'success', text: 'done', at: at + 300 });
    await writeFile(
      join(dir, `${id}.jsonl`),
      lines.map((line) => `${JSON.stringify(line)}\n`).join(''),
    );
    try {
      const page = await visit(`#/run/${id}`);
      await page.waitForSelector('#steps .step');
      expect(await page.locator('#steps .step').count()).toBe(200);
      expect(await page.locator('#steps .hidden-steps').textContent()).toContain(
        '50 steps in between',
      );
      // The last step (the answer) is among the blocks shown.
      expect(await page.locator('#steps .step').last().locator('.model-text').textContent()).toBe(
        'step 250 text',
      );
      const first = page.locator('#steps .step').first();
      // 200 entries: its thoughts and text entries, then 198 of the 300 calls.
      expect(await first.locator('.tool-call').count()).toBe(198);
      expect(await first.locator('.hidden-entries').textContent()).toContain('102 more entries');
      await page.locator('#steps .hidden-steps button').click();
      await expect.poll(() => page.locator('#steps .step').count()).toBe(250);
      expect(consoleErrors).toEqual([]);
    } finally {
      await rm(join(dir, `${id}.jsonl`), { force: true });
    }
  });

  it("keeps the list's rows through polls that bring nothing new; a new run draws it again", async () => {
    const page = await context.newPage();
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    // The page's clock, so that a poll (every 2 s) runs when the test moves it; each poll counted
    // once its runs are read (the list is drawn in that same turn, before the next evaluate).
    await page.clock.install();
    await page.addInitScript(() => {
      const counted = window as unknown as { polls: number; started: number };
      counted.polls = 0;
      counted.started = 0;
      const fetchRuns = window.fetch;
      window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
        const url = new URL(input instanceof Request ? input.url : String(input), location.href);
        if (url.pathname === '/api/runs') counted.started++;
        return fetchRuns.call(this, input, init);
      };
      const json = Response.prototype.json;
      Response.prototype.json = function (this: Response) {
        return json.call(this).then((value: unknown) => {
          if (new URL(this.url).pathname === '/api/runs') counted.polls++;
          return value;
        });
      };
    });
    const polls = () => page.evaluate(() => (window as unknown as { polls: number }).polls);
    await page.goto(server.url);
    await page.waitForSelector('#runs tr.run-row');
    // The installed clock flows with the wall clock until paused, so on a loaded machine the page
    // polled on its own between the test's steps (61 polls once, in a fresh clone's full run).
    // Paused a minute ahead (a poll schedules the next only once it is read, so at most one fires
    // in the jump), then read once no poll is in flight: from here only `runFor` moves it.
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 60_000);
    // The clock is the context's: the next tests' pages poll as time flows.
    try {
      await expect
        .poll(() =>
          page.evaluate(() => {
            const counted = window as unknown as { polls: number; started: number };
            return counted.started === counted.polls;
          }),
        )
        .toBe(true);
      const rows = await page.locator('#runs tr.run-row').count();
      const first = await polls();
      await page
        .locator('#runs tr.run-row')
        .first()
        .evaluate((row) => row.setAttribute('data-kept', ''));
      for (const n of [1, 2]) {
        await page.clock.runFor(2_000);
        await expect.poll(polls).toBe(first + n);
      }
      // The same row element: a click aimed at it between two polls lands on it.
      expect(await page.locator('#runs tr.run-row[data-kept]').count()).toBe(1);
      const added = join(dir, '2097-01-01T00-00-00-000Z-added.jsonl');
      const start = {
        type: 'run-start',
        format: 1,
        runId: 'added',
        agentName: 'added-agent',
        at: 1,
      };
      await writeFile(added, `${JSON.stringify(start)}\n`);
      try {
        await page.clock.runFor(2_000);
        await expect.poll(() => page.locator('#runs tr.run-row').count()).toBe(rows + 1);
        expect(await page.locator('#runs tr.run-row[data-kept]').count()).toBe(0);
      } finally {
        await rm(added, { force: true });
      }
    } finally {
      await page.clock.resume();
    }
    await page.close();
    expect(consoleErrors).toEqual([]);
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
    const page = await visit(`#/run/${id}`);
    await page.waitForSelector('#timeline .bar.model');
    expect(await page.locator('#status').textContent()).toContain('in progress');
    expect(await page.locator('#timeline .bar.tool').count()).toBe(0);
    // The first model call answered: its tokens count before its step ends, never "0".
    const tokens = async () =>
      Number((await page.locator('#run-tokens').textContent())?.replace(/\D/g, ''));
    const live = await tokens();
    expect(live).toBeGreaterThan(0);
    // The step's text so far is shown while it runs, and the question from the start.
    expect(await page.locator('#question').textContent()).toBe(QUESTION);
    // The step's thoughts, read from its model call's response before the step ended; opened by
    // the reader, they stay open when the run's next lines re-render the page.
    await page.locator('details.thoughts summary').click();
    expect(await page.locator('details.thoughts .thought-text').textContent()).toBe(THOUGHT);
    await appendFile(join(dir, `${id}.jsonl`), `${lines.slice(cut).join('\n')}\n`);
    await expect.poll(() => page.locator('#timeline .bar.tool').count()).toBe(2);
    await expect.poll(() => page.locator('#run-summary').textContent()).toContain('stop');
    expect(await tokens()).toBeGreaterThan(live);
    expect(await page.locator('details.thoughts').getAttribute('open')).toBe('');
    expect(consoleErrors).toEqual([]);
  });
});
