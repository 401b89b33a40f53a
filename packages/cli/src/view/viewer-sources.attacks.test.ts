import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';

// attack42c: a step's `groundingMetadata` is the model's or the gateway's bytes
// (gemini-wire.md §3.4: `groundingChunks[{web{uri,title}}|{retrievedContext…}]`,
// `searchEntryPoint{renderedContent(HTML)}`), and the viewer's Sources list turns its chunks into
// links. A recorded run whose grounding names every scheme a link must not have, a key in a query,
// a 2 MB address, bidi overrides, NUL and lone surrogates in titles, thousands of chunks, and a
// `renderedContent` of script: the page links http(s) only, shows a bounded list, runs no
// script of the model's and holds no key. Never skips (no Chromium fails loudly).

const GOOGLE_KEY = `AIza${'Sy0123456789abcdefghijklmnopqrstu'.padEnd(35, 'v')}`;
const HUGE = `https://huge.example/${'a'.repeat(2 * 1024 * 1024)}`;
/**
 * Chunks past the hostile ones: ten times the 200 the list shows and twice the 1,000 items the test
 * allows, so an unbounded list fails here as it did at attack42c's 100,000 (18.6 s to open); the
 * 100,000 cost ~5 s of CPU a run to record, read and send for no more proof (bench/RESULTS.md,
 * test-speed21).
 */
const MANY = 2_000;
const NOT_WEB = [
  'javascript:window.__pwned=1',
  ' \tJaVaScRiPt:window.__pwned=2',
  'data:text/html,<script>window.__pwned=3</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  '//evil.example/x',
  'https:/\\evil.example',
];
const RENDERED = [
  '<script>window.__pwned="script"</script>',
  '<img src=x onerror="window.__pwned=\'img\'">',
  '<iframe srcdoc="<script>parent.__pwned=\'iframe\'</script>"></iframe>',
].join('');

function hostileGrounding() {
  const chunks: unknown[] = [
    ...NOT_WEB.map((uri, index) => ({ web: { uri, title: `not-web-${index}` } })),
    { web: { uri: `https://keyed.example/?key=${GOOGLE_KEY}`, title: 'keyed' } },
    { web: { uri: HUGE, title: 'huge' } },
    { web: { uri: 'https://bidi.example/', title: 'gpj.\u202Eexe\u0000\uD800 bidi' } },
    { retrievedContext: { uri: 'javascript:window.__pwned=4', title: 'retrieved' } },
  ];
  for (let index = 0; index < MANY; index += 1) {
    chunks.push({ web: { uri: `https://many.example/${index}`, title: `many-${index}` } });
  }
  return {
    groundingChunks: chunks,
    groundingSupports: [
      { segment: { startIndex: -1, endIndex: 1e12 }, groundingChunkIndices: [-1, 1e9, Number.NaN] },
    ],
    searchEntryPoint: { renderedContent: RENDERED },
    webSearchQueries: ['<script>window.__pwned="query"</script>'],
  };
}

let viewer: OpenViewer | undefined;
let dir: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-sources-'));
  const fake = createFakeGemini({
    script: [
      turn.raw({
        candidates: [
          {
            content: { role: 'model', parts: [{ text: 'Grounded.' }] },
            finishReason: 'STOP',
            groundingMetadata: hostileGrounding(),
          },
        ],
      } as never),
    ],
  });
  const { url } = await fake.listen();
  try {
    const recorder = createRunRecorder({ dir });
    await createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'view-sources-key', retry: false }),
      model: 'gemini-2.5-flash',
      recorder,
      telemetry: false,
    }).run('Search.');
    await recorder.flush();
  } finally {
    await fake.close();
  }
  viewer = await openViewer(dir);
});

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("gemloop view, a run whose grounding is a hostile model's (attack42c)", () => {
  it('links http(s) only, bounds the list and each link, runs none of its HTML, holds no key', async () => {
    const page = await viewer!.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(viewer!.server.url);
    await page.locator('#runs tr.run-row a').first().click();
    await page.waitForSelector('#sources');

    const hrefs = await page
      .locator('#sources a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
    // Every link is one the page can hold: no 2 MB address, in a link or as text.
    expect(Math.max(...hrefs.map((href) => href.length))).toBeLessThan(4096);
    const text = (await page.locator('#sources').textContent()) ?? '';
    expect(text.length).toBeLessThan(100_000);
    // The list is bounded, and says how many it left out.
    const items = await page.locator('#sources li').count();
    expect(items).toBeLessThan(1000);
    expect(text).toMatch(/more/);
    // What is not a web link is shown as text, never as a link.
    expect(text).toContain('not-web-0');
    expect(text).toContain('retrieved');
    // A bidi override shows as a marker, reordering nothing.
    expect(text).toContain('⟨U+202E⟩');
    expect(text).not.toContain('\u202E');

    const html = await page.content();
    expect(html).not.toContain(GOOGLE_KEY);
    // The model's HTML ran nowhere and made no element.
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('iframe, img[onerror], script:not([src])').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
