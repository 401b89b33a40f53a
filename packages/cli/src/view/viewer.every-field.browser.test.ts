// XSS from outside: every string field of every recorded run (question, answer, tool names,
// arguments, results, errors, model names, ids, URIs, reasons, finish reasons, outcomes) replaced
// by markup that would run script, then every page of the viewer opened in Debian's Chromium.
// A missing Chromium fails this test with the reason; it never skips.

import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import { recordSampleRuns } from './__fixtures__/record-sample-runs.ts';

const PAYLOAD =
  '"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">j</a><svg onload="window.__pwned=4">';

// The fields that say what a line is: kept so the viewer reads the line as that kind.
const KEEP = new Set(['type', 'format']);

/** `value` with each string (object keys aside) that is not in KEEP replaced by a hostile one. */
function poison(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return KEEP.has(key) ? value : `${PAYLOAD}${value.slice(0, 40)}`;
  if (Array.isArray(value)) return value.map((item) => poison(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, k)]));
  }
  return value;
}

let dir: string;
let viewer: OpenViewer;
let ids: string[];

beforeAll(async () => {
  dir = await recordSampleRuns();
  const names = (await readdir(dir)).filter((name) => name.endsWith('.jsonl'));
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.stringify(poison(JSON.parse(line))));
    await writeFile(join(dir, name), `${lines.join('\n')}\n`);
  }
  ids = names.map((name) => name.slice(0, -'.jsonl'.length));
  viewer = await openViewer(dir);
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function pwned(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
}

describe('gemloop view with markup in every string field', () => {
  it('runs no script on the list or any run page, clicking every link and summary, and shows the markup as text', async () => {
    const page = await viewer.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(viewer.server.url);
    await page.waitForSelector('table');
    expect(await page.locator('body').textContent()).toContain('<img src=x onerror=');
    expect(await pwned(page)).toBeUndefined();
    for (const id of ids) {
      // Back to the list first, then the run: a wait for any text in #app matched the page already
      // on screen (the list, then the last run), so a run's checks could read the page before it.
      await page.goto(`${viewer.server.url}#/`);
      await page.waitForSelector('#runs tr.run-row');
      await page.goto(`${viewer.server.url}#/run/${encodeURIComponent(id)}`);
      await page.waitForSelector('#run-header, #live-story, #app .empty');
      // Every details opened, every bar clicked: the request and response JSON shown too. The
      // summaries are counted again after each click: a click redraws part of the page, and a
      // locator of the first count's that no longer matches (two of them) waited out its 2 s.
      const summaries = page.locator('summary');
      for (let index = 0; index < (await summaries.count()); index++) {
        await summaries
          .nth(index)
          .click({ timeout: 2_000 })
          .catch(() => {});
      }
      for (const bar of (await page.locator('#timeline .bar').all()).slice(0, 20)) {
        await bar.click({ timeout: 2_000 }).catch(() => {});
      }
      expect(await pwned(page)).toBeUndefined();
      // The run was drawn, its fields as text.
      expect(await page.locator('body').textContent()).toContain('<script>window.__pwned=2');
      // Nothing of the payload became an element or a javascript: link.
      const planted = await page.evaluate(
        () =>
          document.querySelectorAll(
            'img, svg[onload], #app script, [onerror], [onload], a[href^="javascript:" i]',
          ).length,
      );
      expect(planted).toBe(0);
    }
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
