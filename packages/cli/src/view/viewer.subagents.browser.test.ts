import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeScriptFunction, routeByAgent, turn } from '@gemloop/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenViewer, openViewer } from './__fixtures__/open-viewer.ts';
import { type ViewerPage, viewerPage } from './__fixtures__/viewer-page.ts';

// A tree of agents recorded by the real recorder (only the top agents have one: the children
// record into it) against the fake, shown in Debian's headless Chromium: a research lead whose
// two parallel searchers each call a digger (depth 2), streamed; and a triage desk that hands the
// conversation to billing, unary. Never skips.

const RESEARCH = 'You are a research lead.';
const SEARCHER = 'You are a searcher.';
const DIGGER = 'You are a digger.';
const TRIAGE = 'You are the triage desk.';
const BILLING = 'You are billing.';

// A searcher asks its digger first, then answers with what it was asked: whichever of the two
// parallel searchers reaches the fake first, each gets its own answer.
const searcherTurn: FakeScriptFunction = (_request, { lastUserText = '', functionResponses }) =>
  functionResponses.length === 0
    ? turn.call('dig', { task: `dig ${lastUserText}` })
    : turn.text(`answer to ${lastUserText}`);

let dir: string;
let viewer: OpenViewer | undefined;
/** The file's one page of the viewer: loaded once, each test's visit a hash change. */
let shown: ViewerPage;
let researchStepTokens = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemloop-view-tree-'));
  const fake = createFakeGemini({
    script: routeByAgent([
      {
        match: RESEARCH,
        script: [
          turn.calls([
            { name: 'search', args: { task: 'Lyon' } },
            { name: 'search', args: { task: 'Lille' } },
          ]),
          turn.text('Lyon is larger.'),
        ],
      },
      { match: SEARCHER, script: [searcherTurn, searcherTurn, searcherTurn, searcherTurn] },
      { match: DIGGER, script: [turn.text('dug'), turn.text('dug')] },
      { match: TRIAGE, script: [turn.call('transfer_to_billing')] },
      { match: BILLING, script: [turn.text('Refunded.')] },
    ]),
  });
  const { url } = await fake.listen();
  try {
    const recorder = createRunRecorder({ dir });
    const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
    const model = 'gemini-3-flash-preview';
    const digger = createAgent({ gemini, model, name: 'digger', instructions: DIGGER });
    const searcher = createAgent({
      gemini,
      model,
      name: 'searcher',
      instructions: SEARCHER,
      tools: [subagent(digger, { name: 'dig', description: 'Digs.' })],
      telemetry: false,
    });
    const lead = createAgent({
      gemini,
      model,
      name: 'research',
      instructions: RESEARCH,
      tools: [subagent(searcher, { name: 'search', description: 'Searches.' })],
      recorder,
      telemetry: false,
    });
    const stream = lead.stream('Which is larger, Lyon or Lille?');
    for await (const _event of stream) {
      // Drained: the run is streamed, its children's events come through it.
    }
    const research = await stream.result;
    researchStepTokens = research.steps[0]?.usageWithChildren?.totalTokenCount ?? 0;
    // Its own call and those of the two searchers and their two diggers.
    expect(researchStepTokens).toBeGreaterThan(research.steps[0]?.usage.totalTokenCount ?? 0);
    const billing = createAgent({ gemini, model, name: 'billing', instructions: BILLING });
    const triage = createAgent({
      gemini,
      model,
      name: 'triage',
      instructions: TRIAGE,
      tools: [handoff(billing)],
      recorder,
      telemetry: false,
    });
    await triage.run('I was charged twice.');
    await recorder.flush();
  } finally {
    await fake.close();
  }
  viewer = await openViewer(dir);
  shown = viewerPage(viewer.context, viewer.server.url);
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** The run whose question holds `question`, opened from the list. */
async function openRun(question: string): Promise<Page> {
  const page = await shown.list();
  await page.locator('#runs tr.run-row', { hasText: question }).locator('a').first().click();
  await page.waitForSelector('#steps .step');
  return page;
}

describe('gemloop view, a tree of agents', () => {
  it('marks a subagent run in the list with its path', async () => {
    const page = await shown.list();
    // Two top runs, two searchers, two diggers.
    expect(await page.locator('#runs tr.run-row').count()).toBe(6);
    expect(await page.locator('#runs tr.run-row.child-run').count()).toBe(4);
    const paths = await page.locator('#runs tr.child-run .subagent-of').allTextContents();
    expect(paths.sort()).toEqual([
      'subagent search#1',
      'subagent search#1 › dig#1',
      'subagent search#2',
      'subagent search#2 › dig#1',
    ]);
  });

  it('nests each child run under the call that started it: open at depth 1, closed below, opened by a click or the keyboard', async () => {
    const page = await openRun('Which is larger');
    await page.waitForSelector('details.subagent');
    // The top run's own steps: two (the calls, the answer), each searcher under its call.
    expect(await page.locator('#steps > .step').count()).toBe(2);
    const calls = page.locator('#steps > .step').nth(0).locator(':scope > .entry.tool-call');
    expect(await calls.count()).toBe(2);
    const firstChild = calls.nth(0).locator(':scope > details.subagent');
    const secondChild = calls.nth(1).locator(':scope > details.subagent');
    // The step's tokens with its subagents' (usageWithChildren, as recorded).
    expect(
      await page
        .locator('#steps > .step')
        .nth(0)
        .locator(':scope > .step-head > .step-with-children')
        .textContent(),
    ).toBe(`${researchStepTokens.toLocaleString('en-US')} with subagents`);
    // In call order, each labelled with its agent and its path.
    expect(await firstChild.getAttribute('data-path')).toBe('search#1');
    expect(await secondChild.getAttribute('data-path')).toBe('search#2');
    expect(await firstChild.locator(':scope > summary .subagent-name').textContent()).toBe(
      'searcher',
    );
    // Each searcher's own question: the child under the call whose arguments asked it.
    for (const [index, city] of [
      [0, 'Lyon'],
      [1, 'Lille'],
    ] as const) {
      const call = calls.nth(index);
      expect(await call.locator(':scope > .tool-io .tool-args').textContent()).toContain(city);
      const child = call.locator(':scope > details.subagent');
      expect(await child.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(true);
      expect(await child.locator(':scope > .subagent-steps > .step').count()).toBe(2);
      expect(
        await child.locator(':scope > .subagent-steps > .step').nth(1).textContent(),
      ).toContain(`answer to ${city}`);
    }
    // Depth 2: the digger under the searcher's call, closed until opened.
    const grandchild = firstChild.locator('.entry.tool-call > details.subagent');
    expect(await grandchild.count()).toBe(1);
    expect(await grandchild.getAttribute('data-path')).toBe('search#1 › dig#1');
    expect(await grandchild.getAttribute('data-depth')).toBe('2');
    expect(await grandchild.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(false);
    expect(await grandchild.locator('.step').first().isVisible()).toBe(false);
    await grandchild.locator(':scope > summary').click();
    expect(await grandchild.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(true);
    expect(await grandchild.locator('.step').first().textContent()).toContain('dug');
    // The keyboard: the label takes focus, Enter closes and opens it.
    await grandchild.locator(':scope > summary').focus();
    await page.keyboard.press('Enter');
    expect(await grandchild.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(false);
    await page.keyboard.press('Enter');
    expect(await grandchild.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(true);
    // A depth-1 child closes on a click.
    await secondChild.locator(':scope > summary').click();
    expect(await secondChild.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(false);
  });

  it('marks the handoff in its step and on the timeline, with its filter, and labels the later steps with the new agent', async () => {
    const page = await openRun('charged twice');
    const steps = page.locator('#steps > .step');
    expect(await steps.count()).toBe(2);
    const marker = steps.nth(0).locator('.entry.handoff');
    expect(await marker.locator('b').textContent()).toBe('Handed to billing');
    expect(await marker.locator('.handoff-filter').textContent()).toBe(
      'filter: default (drops the tool exchanges of triage) · history 3 → 3 contents',
    );
    expect(await page.locator('#timeline .handoff-mark').textContent()).toBe('→ billing');
    expect(await steps.nth(0).locator('.step-agent').textContent()).toBe('triage');
    expect(await steps.nth(1).locator('.step-agent').textContent()).toBe('billing');
    expect(await steps.nth(1).textContent()).toContain('Refunded.');
  });
});
