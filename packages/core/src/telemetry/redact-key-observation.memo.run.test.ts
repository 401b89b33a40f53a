import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingObservation } from '../__fixtures__/recording-observation.ts';
import { createAgent } from '../agent/create-agent.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Gemini } from '../http/gemini.ts';
import { modelCallEntryOf, registerModelCallEntry } from '../http/model-call-entry.ts';
import type { Redactor } from '../shared/client-redactor.ts';
import type { ScanMemo } from '../shared/scrub-secrets.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// A real observed run (createAgent with an observer as its recorder): its observers' key walk
// scans each long text of the history a bounded number of times, whatever the run's length. The
// client's own redactor does the scanning; it is wrapped only to count what it scans.

const KEY = 'AIzaMemoRunKey-0123456789abcdefghij';
const OTHER = 'AIzaMemoRunOther-0123456789abcdefgh';
const PAGE = 2000;
const page = (index: number) => `page ${index}: `.padEnd(PAGE, 'p');

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const readPage = defineTool({
  name: 'read_page',
  description: 'Reads one page.',
  parameters: { type: 'object', properties: { page: { type: 'number' } }, required: ['page'] },
  execute: async ({ page: index }) => ({ text: page(index as number) }),
});

/**
 * Characters of long texts the observers' key walk scanned in a run of `steps` steps. `tree`: the
 * agent has a subagent on another client, whose key the observers' redaction removes too.
 */
async function scannedIn(steps: number, tree: boolean): Promise<{ scanned: number; seen: string }> {
  const fake = createFakeGemini({
    script: [
      ...Array.from({ length: steps - 1 }, (_, index) =>
        turn.calls([{ name: 'read_page', args: { page: index } }]),
      ),
      turn.text('Read them all.'),
    ],
  });
  fakes.push(fake);
  const inner = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
  const own = modelCallEntryOf(inner);
  let bare = 0;
  const memos = new Set<ScanMemo>();
  const counted: Redactor = (value, held) => {
    if (held !== undefined) memos.add(held.memo);
    else if (typeof value === 'string' && value.length >= 256) bare += value.length;
    return own.redact(value, held);
  };
  // The same client, its redaction counted: a public client object of its own, with its entry.
  const gemini: Gemini = { ...inner };
  registerModelCallEntry(gemini, { ...own, redact: counted });
  const recording = recordingObservation();
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: tree
      ? [
          readPage,
          subagent(
            createAgent({
              gemini: createGemini({ apiKey: OTHER, retry: false, fetch: fake.fetch }),
              model: 'gemini-2.5-flash',
              telemetry: false,
            }),
            { name: 'helper', description: 'Helps.' },
          ),
        ]
      : [readPage],
    telemetry: false,
    recorder: { startRun: () => recording.observation },
    maxSteps: steps + 1,
  });
  await agent.run(`Read every page. ${page(-1)}`);
  expect(fake.requests).toHaveLength(steps);
  const scanned = bare + [...memos].reduce((sum, memo) => sum + memo.scannedChars, 0);
  return { scanned, seen: JSON.stringify(recording.seen) };
}

describe('an observed run’s key walk over a real run (redact-memo)', () => {
  it.each([
    ['its client’s key', false],
    ['its client’s key and a subagent’s (the tree’s redaction)', true],
  ])(
    'without %s: each long text of a 16-step run scanned about once, not once a step',
    async (_, tree) => {
      const steps = 16;
      const { scanned, seen } = await scannedIn(steps, tree);
      // The pages reached the observers whole (no key in them).
      expect(seen).toContain(page(steps - 2));
      // The run's long texts: the question's page and one page a tool step (~32,000 characters).
      // Each is met in every later request, its step's records and the run's end; scanned once
      // where it is held (34,034 here; twice with the tree's second list). Scanned at each meeting,
      // as before the memo: 882,357.
      const texts = `Read every page. ${page(-1)}`.length + (steps - 1) * PAGE;
      expect(scanned).toBeGreaterThanOrEqual(texts);
      expect(scanned).toBeLessThan((tree ? 3 : 2) * texts);
    },
    60_000,
  );
});
