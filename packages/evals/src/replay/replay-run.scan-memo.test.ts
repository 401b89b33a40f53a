// An observed fork (replayRun with an agent that records) hands the observers' memo of the long
// texts found clean to each client's redactor: the one the run continues on scans the recorded
// history's long texts (a Google-sized thought signature) with the memo, not once a step afresh.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGemini, type Gemini } from '@gemloop/core';
import { modelCallEntryOf, registerModelCallEntry } from '@gemloop/core/internal';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recordSignedWeatherRun, SIGNATURE, weatherAgent } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { replayRun } from './replay-run.ts';

const cleanups: (() => Promise<void>)[] = [];
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** `gemini` as a client of its own whose redactor counts the long texts it gets with and without a memo. */
function counted(gemini: Gemini): { gemini: Gemini; bare: () => number; held: () => number } {
  const own = modelCallEntryOf(gemini);
  let bare = 0;
  let held = 0;
  const wrapped: Gemini = { ...gemini };
  registerModelCallEntry(wrapped, {
    ...own,
    redact: (value, at) => {
      if (typeof value === 'string' && value.length >= 256) {
        if (at === undefined) bare++;
        else held++;
      }
      return own.redact(value, at);
    },
  });
  return { gemini: wrapped, bare: () => bare, held: () => held };
}

describe('an observed replayRun fork', () => {
  it("passes the observers' memo to the client it continues on", async () => {
    const recorded = await recordSignedWeatherRun({
      recorder: { fidelity: 'full' },
      stream: false,
    });
    cleanups.push(recorded.cleanup);
    const made = caseFromRunFile(recorded.text, recorded.file);
    if (made === undefined) throw new Error('the recorded run made no case');
    const fake = createFakeGemini({
      script: [turn.text('Forked: 18 °C.')],
      signatureValidation: 'present',
    });
    fakes.push(fake);
    const then = counted(createGemini({ apiKey: 'then', fetch: fake.fetch, retry: false }));
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-replay-memo-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const recorder = createRunRecorder({ dir, fidelity: 'full' });
    const fork = await replayRun(made, {
      until: 1,
      continueOn: then.gemini,
      createAgent: (context) =>
        weatherAgent(context.gemini, { model: 'gemini-3-flash-preview', recorder }, context),
    });
    await recorder.flush();
    expect(fork.result.text).toBe('Forked: 18 °C.');
    expect(JSON.stringify(fake.modelRequests[0]?.body)).toContain(SIGNATURE);
    // The signature and the other long texts reached the redactor, each time with the memo.
    expect(then.held()).toBeGreaterThan(0);
    expect(then.bare()).toBe(0);
  });
});
