import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';

// A live session of 100,000 lines (attack-doors7): an hours-long voice session stays under the
// live recorder's 20 MB, and a file is hostile content anyway. The run page draws a runaway run's
// first and last steps around a button (EDGE_STEPS); the live page drew every line, and drew them
// all again each second while the session grew: 100,000 items a second.

let viewer: OpenViewer | undefined;
let dir: string | undefined;

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const ID = '2026-11-27T05-00-00-000Z-live-0f4e0b7a-8f3b-4c52-9a53-1c2d3e4f5a6b';
const LINES = 100_000;
const at = 1_790_000_000_000;

const START = {
  type: 'live-start',
  format: 1,
  sessionId: '0f4e0b7a-8f3b-4c52-9a53-1c2d3e4f5a6b',
  agentName: 'voice',
  model: 'gemini-3.1-flash-live-preview',
  modality: 'audio',
  resumed: false,
  gemloopVersion: '0.0.0',
  at,
};

function lines(from: number, count: number): string {
  let text = '';
  for (let index = from; index < from + count; index += 1) {
    text += `${JSON.stringify({ type: 'user-text', text: `line ${index}`, at: at + index })}\n`;
  }
  return text;
}

describe('gemloop view, a live session of 100,000 lines', () => {
  it('draws its first and last items around a button, and keeps doing so while it grows', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemloop-view-live-flood-'));
    const file = join(dir, `${ID}.jsonl`);
    // No live-end: the page follows the session, polling every second.
    await writeFile(file, `${JSON.stringify(START)}\n${lines(0, LINES)}`);
    viewer = await openViewer(dir);
    const page = await viewer.context.newPage();
    await page.goto(`${viewer.server.url}#/run/${ID}`);
    const story = page.locator('#live-story');
    await story.waitFor();
    const items = () => page.locator('#live-story > li.live-line').count();
    const drawn = await items();
    expect(drawn).toBeLessThanOrEqual(200);
    expect(await story.textContent()).toContain('line 0');
    expect(await story.textContent()).toContain(`line ${LINES - 1}`);
    await expect
      .poll(async () => await page.locator('#live-story .hidden-steps').textContent())
      .toContain(`${(LINES - drawn).toLocaleString('en-US')} items in between`);

    // The session grows: the next poll draws the new last line, still bounded.
    await appendFile(file, lines(LINES, 1));
    await expect
      .poll(async () => await story.textContent(), { timeout: 30_000 })
      .toContain(`line ${LINES}`);
    expect(await items()).toBeLessThanOrEqual(200);

    await page.close();
  });

  it('draws every item once asked, and keeps drawing them all while the session grows', async () => {
    const small = await mkdtemp(join(tmpdir(), 'gemloop-view-live-all-'));
    const id = ID.replace('0f4e0b7a', '1f4e0b7a');
    const file = join(small, `${id}.jsonl`);
    await writeFile(
      file,
      `${JSON.stringify({ ...START, sessionId: id.slice(-36) })}\n${lines(0, 250)}`,
    );
    const other = await openViewer(small);
    try {
      const page = await other.context.newPage();
      await page.goto(`${other.server.url}#/run/${id}`);
      await page.locator('#live-story .hidden-steps').waitFor();
      const items = () => page.locator('#live-story > li.live-line').count();
      expect(await items()).toBe(200);
      // A script's click: the button is the page's, and what it does is the question here.
      await page
        .locator('#live-story .hidden-steps button')
        .evaluate((button: HTMLElement) => button.click());
      await expect.poll(items).toBe(250);
      await appendFile(file, lines(250, 1));
      await expect
        .poll(async () => await page.locator('#live-story').textContent())
        .toContain('line 250');
      expect(await items()).toBe(251);
      expect(await page.locator('#live-story .hidden-steps').count()).toBe(0);
      await page.close();
    } finally {
      await other.close();
      await rm(small, { recursive: true, force: true });
    }
  });
});
