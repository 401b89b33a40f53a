import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';

// attack41: a hand-made live-session file, hostile in every field. Markup in every string of every
// kind of line; fields of a megabyte (the live recorder cuts at 4,000 characters, a file from
// elsewhere does not), which the run page shows behind "show more" and the live page drew whole;
// and fields of the wrong type. Never skips (a missing Chromium fails).

const PAYLOAD =
  '"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">j</a><svg onload="window.__pwned=4">';
const at = 1_790_000_000_000;
// A field of 300,000 characters: some thirty of them stay under the viewer's 24 MiB read.
const BIG = 300_000;

/** One of each kind of line a live file holds, each string field `text(field)`. */
function sessionLines(text: (field: string) => string, running: boolean): object[] {
  const lines: object[] = [
    {
      type: 'live-start',
      format: 1,
      sessionId: text('sessionId'),
      agentName: text('agentName'),
      model: text('model'),
      modality: text('modality'),
      resumed: false,
      at,
    },
    { type: 'user-text', text: text('user'), at: at + 1 },
    {
      type: 'tool-call',
      toolCallId: text('id'),
      toolName: text('name'),
      args: { q: text('args') },
      behavior: text('behavior'),
      at: at + 2,
    },
    {
      type: 'tool-result',
      toolCallId: text('id'),
      toolName: text('name'),
      output: { r: text('output') },
      scheduling: text('scheduling'),
      // What an approval's modify ran (leftovers58): on a result and on an error.
      modifiedArgs: { q: text('modified') },
      at: at + 3,
    },
    {
      type: 'tool-error',
      toolCallId: text('id'),
      toolName: text('name'),
      outcome: text('outcome'),
      message: text('message'),
      modifiedArgs: { q: text('modified') },
      at: at + 4,
    },
    {
      type: 'turn',
      turn: 1,
      outcome: text('outcome'),
      text: text('text'),
      thoughts: text('thoughts'),
      inputTranscript: text('heard'),
      outputTranscript: text('said'),
      at: at + 5,
    },
    { type: 'reconnect', reason: text('reason'), attempt: 1, at: at + 6 },
    { type: 'usage', usage: { totalTokenCount: 5 }, cost: { total: text('cost') }, at: at + 7 },
    {
      type: 'plugin',
      plugin: text('plugin'),
      kind: text('kind'),
      data: { d: text('data') },
      at: at + 8,
    },
    {
      type: 'guardrail',
      name: text('guardrail'),
      phase: text('phase'),
      verdict: text('verdict'),
      tripped: true,
      reason: text('why'),
      toolName: text('name'),
      at: at + 9,
    },
    { type: 'finish', stoppedBy: { plugin: text('plugin'), reason: text('why') }, at: at + 10 },
    { type: 'truncated', reason: text('truncated'), at: at + 11 },
  ];
  if (!running)
    lines.push({
      type: 'live-end',
      outcome: 'error',
      error: { name: text('error'), reason: text('reason'), message: text('message') },
      turns: 1,
      at: at + 12,
    });
  return lines;
}

const XSS = '2026-11-28T01-00-00-000Z-live-11111111-1111-4111-8111-111111111111';
const HUGE = '2026-11-28T02-00-00-000Z-live-22222222-2222-4222-8222-222222222222';
const ODD = '2026-11-28T03-00-00-000Z-live-33333333-3333-4333-8333-333333333333';

let dir: string;
let viewer: OpenViewer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-live-hostile-'));
  const write = (id: string, lines: object[]) =>
    writeFile(join(dir, `${id}.jsonl`), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  await write(
    XSS,
    sessionLines((field) => `${PAYLOAD}${field}`, false),
  );
  // 300,000 characters in every text field, the session still running (the page follows it).
  await write(
    HUGE,
    sessionLines((field) => `${field}:${'w'.repeat(BIG)}`, true),
  );
  // Every field of another type: arrays, objects, numbers where text belongs, and the other way.
  const odd = sessionLines(() => [PAYLOAD, { x: 1 }] as unknown as string, false).map((line) => ({
    ...line,
    at: 'soon',
    turn: '1',
    usage: 'many',
    audio: 'loud',
  }));
  await write(ODD, odd);
  viewer = await openViewer(dir);
  shown = viewerPage(viewer.context, viewer.server.url, (page) =>
    page.on('dialog', (dialog) => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    }),
  );
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/**
 * The file's one page of the viewer: loaded once, each file's page a hash change away
 * (`__fixtures__/viewer-page.ts`), so a script one file planted would still be there for the
 * next test's check. A dialog any of them opens fails the test.
 */
let shown: ViewerPage;

async function open(id: string): Promise<Page> {
  const page = await shown.visit(`#/run/${encodeURIComponent(id)}`);
  await page.waitForSelector('#live-story');
  return page;
}

describe('gemloop view, a hostile live-session file (attack41)', () => {
  it('markup in every field of every kind of line runs nothing and shows as text', async () => {
    const page = await open(XSS);
    const text = (await page.locator('body').textContent()) ?? '';
    // Texts as they are; values (arguments, output) as their JSON.
    for (const field of ['user', 'message', 'text', 'heard', 'said', 'thoughts', 'truncated'])
      expect(text, field).toContain(`${PAYLOAD}${field}`);
    for (const field of ['args', 'output', 'modified'])
      expect(text, field).toContain(JSON.stringify(`${PAYLOAD}${field}`).slice(1, -1));
    // The arguments an approval ran, under their own heading, on the result and on the error.
    const modified = page.locator('#live-story .live-modified-args');
    expect(await modified.count()).toBe(2);
    expect(await modified.first().textContent()).toContain('Modified arguments (what ran)');
    for (const field of ['name', 'plugin', 'guardrail', 'why'])
      expect(text, field).toContain(`<script>window.__pwned=2</script>`);
    for (const summary of await page.locator('summary, button').all())
      await summary.click({ timeout: 2_000 }).catch(() => {});
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    const planted = await page.evaluate(
      () =>
        document.querySelectorAll(
          'img, svg, #app script, [onerror], [onload], a[href^="javascript:" i]',
        ).length,
    );
    expect(planted).toBe(0);
  });

  it('300,000 characters in each field shows its start and a "show more", as the run page does', async () => {
    const page = await open(HUGE);
    const text = (await page.locator('#app').textContent()) ?? '';
    // Drawn whole, each of these fields put 300,000 characters on the page.
    expect(text.length).toBeLessThan(100_000);
    for (const field of [
      'user',
      'args',
      'output',
      'modified',
      'message',
      'text',
      'heard',
      'said',
      'thoughts',
    ])
      expect(text, field).toContain(`${field}:www`);
    const more = page.locator('#live-story .show-more').first();
    await more.click();
    expect(((await page.locator('#live-story').textContent()) ?? '').length).toBeGreaterThan(BIG);
    // The session grows: the page draws it again, the expanded block still expanded.
    const items = await page.locator('#live-story > li').count();
    await appendFile(
      join(dir, `${HUGE}.jsonl`),
      `${JSON.stringify({ type: 'user-text', text: 'one more', at: at + 20 })}\n`,
    );
    await page.waitForFunction(
      (count) => document.querySelectorAll('#live-story > li').length > count,
      items,
    );
    expect(((await page.locator('#live-story').textContent()) ?? '').length).toBeGreaterThan(BIG);
  });

  it('fields of the wrong type are left out or shown as data, and the story is drawn', async () => {
    const page = await open(ODD);
    expect(await page.locator('#live-story > li').count()).toBeGreaterThanOrEqual(12);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  });
});
