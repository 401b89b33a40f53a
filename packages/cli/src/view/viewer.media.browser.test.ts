import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';

// A user's photo (3 MB: 4 MB of base64), an SVG that runs script when drawn as a document, and an
// HTML page, all sent as inlineData and recorded whole (fidelity 'full').
const PHOTO = randomBytes(3 * 1024 * 1024)
  .toString('base64')
  // Random base64 holds a Google key's shape (`AIza` + 35 word characters) in about one 7 MB
  // image of seven, which the run's secret redaction replaces (a known limit, bench/RESULTS.md
  // media55b): this test is about copies, so its image holds none.
  .replaceAll('AIza', 'AJza');
const base64 = (text: string) => Buffer.from(text).toString('base64');
const pad = `<!--${'x'.repeat(400)}-->`;
const SVG = base64(
  `<svg xmlns="http://www.w3.org/2000/svg" onload="window.__mediaRan = 'svg'">${pad}</svg>`,
);
const HTML = base64(`<html><body><script>window.__mediaRan = 'html'</script>${pad}</body></html>`);
/** The longest text a block shows before "show more" (bounded-text.js), with room for its label. */
const SHOWN = 3_500;

let dir: string;
let viewer: OpenViewer;
let runId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-media-'));
  const fake = createFakeGemini({ script: [turn.text('A cat, a drawing and a page.')] });
  const { url } = await fake.listen();
  try {
    const recorder = createRunRecorder({
      dir,
      fidelity: 'full',
      maxOpaqueBytes: 8 * 1024 * 1024,
      maxRunBytes: 64 * 1024 * 1024,
    });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'view-media-key', retry: false }),
      model: 'gemini-2.5-flash',
      recorder,
      telemetry: false,
    });
    await agent.run([
      { text: 'What are these?' },
      { inlineData: { mimeType: 'image/png', data: PHOTO } },
      { inlineData: { mimeType: 'image/svg+xml', data: SVG } },
      { inlineData: { mimeType: 'text/html', data: HTML } },
    ]);
    await recorder.flush();
  } finally {
    await fake.close();
  }
  const [name] = (await readdir(dir)).filter((file) => file.endsWith('.jsonl'));
  runId = (name as string).slice(0, -'.jsonl'.length);
  viewer = await openViewer(dir);
}, 120_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('gemloop view, a run whose request holds images and files', () => {
  it('sends the page each media part as its type and size, not its bytes', async () => {
    const response = await fetch(`${viewer.server.url}api/runs/${encodeURIComponent(runId)}`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).not.toContain(PHOTO.slice(0, 1000));
    expect(body).not.toContain(SVG);
    expect(body).toContain('[image/png, 4,194,304 characters of base64 (~3.0 MB), not shown]');
    expect(body.length).toBeLessThan(32 * 1024);
  });

  it('shows the placeholders in the request block, draws no media as a document, runs nothing', async () => {
    const page = await viewer.context.newPage();
    try {
      await page.goto(`${viewer.server.url}#/run/${encodeURIComponent(runId)}`);
      await page.waitForSelector('details.raw');
      await page.evaluate(() => {
        for (const details of document.querySelectorAll<HTMLDetailsElement>('details.raw'))
          details.open = true;
      });
      const seen = await page.evaluate(() => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        let longest = 0;
        for (let node = walker.nextNode(); node !== null; node = walker.nextNode())
          longest = Math.max(longest, node.textContent?.length ?? 0);
        const embedded = [...document.querySelectorAll('img, iframe, object, embed, svg image')]
          .map((element) => element.getAttribute('src') ?? element.getAttribute('data') ?? '')
          .filter((source) => source.startsWith('data:'));
        return {
          longest,
          embedded,
          ran: (window as { __mediaRan?: unknown }).__mediaRan,
          text: document.body.textContent ?? '',
        };
      });
      expect(seen.text).toContain(
        '[image/png, 4,194,304 characters of base64 (~3.0 MB), not shown]',
      );
      expect(seen.text).toContain('"mimeType": "image/svg+xml"');
      expect(seen.text).toMatch(/\[text\/html, [\d,]+ characters of base64/);
      expect(seen.longest).toBeLessThan(SHOWN);
      expect(seen.embedded).toEqual([]);
      expect(seen.ran).toBeUndefined();
    } finally {
      await page.close();
    }
  });
});
