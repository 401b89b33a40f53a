// Guide "Change safety: fork a recorded run, diff the futures" (typechecked; the example
// change-safety/fork.ts runs the same against the fake).
import { readFile } from 'node:fs/promises';
import { createGemini, defineTool } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import {
  caseFromRunFile,
  diffRuns,
  forkRun,
  formatRunDiff,
  trajectoryFromResults,
  trajectoryFromRunFile,
} from '@gemloop/evals';
import { z } from 'zod';

// The runs to fork later, recorded whole (createAgent({ ..., recorder })).
const recorder = createRunRecorder({ fidelity: 'full' }); // .gemloop/runs
await recorder.flush();

const file = '.gemloop/runs/2026-11-25T10-00-00-000Z-4f1c.jsonl';
const text = await readFile(file, 'utf8');
const recording = caseFromRunFile(text, file);
if (recording === undefined) throw new Error('not a finished run');

// The tool to run for real in the fork; every other tool replays its recorded results.
const cancelSubscription = defineTool({
  name: 'cancel_subscription',
  description: 'Cancels a subscription.',
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => ({ id, cancelled: true }),
});

const fork = await forkRun(recording, {
  until: 1, // model calls 1..1 answered from the recording, no model call
  change: {
    model: 'gemini-2.5-flash-lite',
    instructions: 'You handle subscriptions. Never say a thing is done before its tool says so.',
    toolDescriptions: { cancel_subscription: 'Cancels a subscription. Required to cancel.' },
  },
  continueOn: createGemini(), // live; a fake in tests
  liveTools: [cancelSubscription],
});

const diff = diffRuns(
  trajectoryFromRunFile(text, file),
  trajectoryFromResults(fork.replayed, fork.forked),
);
process.stdout.write(formatRunDiff(diff));
if (diff.toolCalls.dropped.some((call) => call.name === 'cancel_subscription'))
  process.exitCode = 1;
