// Change safety: fork a recorded run at a step, let it continue on "another model", and diff the
// two futures. The story users report: a smaller model stops calling the cancellation tool while
// still telling the user "your subscription is cancelled".
//
//   node scripts/run-example.mjs change-safety
//
// The original run is recorded with fidelity: 'full' (against Gemini with GEMINI_API_KEY set,
// else against gemloop's fake). The fork always runs offline: steps 1..1 are served from the
// recording (no model call, the same requests byte for byte), then a scripted fake plays the
// other model. The CLI does the same from the run file alone:
//
//   npx gemloop replay .gemloop/runs/<run>.jsonl --until 1 --model gemini-2.5-flash-lite --diff

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import {
  caseFromRunFile,
  diffRuns,
  forkRun,
  formatRunDiff,
  trajectoryFromResults,
  trajectoryFromRunFile,
} from '@gemloop/evals';
import { createFakeGemini, turn } from '@gemloop/testing';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';
import { supportOptions } from './support-agent.ts';

await run(
  async ({ gemini, model }) => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-change-safety-'));
    try {
      // 1. The original run, recorded whole (thought signatures kept) so a replay is exact.
      const recorder = createRunRecorder({ dir, fidelity: 'full' });
      const original = await createAgent({ ...supportOptions(gemini, model), recorder }).run(
        'Cancel my subscription, I am ada@example.com.',
      );
      await recorder.flush();
      console.log(
        `original: ${original.steps.flatMap((s) => s.toolCalls.map((c) => c.toolName)).join(' → ')}`,
      );
      console.log(`original answer: ${shownAnswer(original.text)}`);
      const [name] = await readdir(dir);
      const text = await readFile(join(dir, name as string), 'utf8');
      const recording = caseFromRunFile(text, name as string);
      if (recording === undefined) throw new Error('the run was not recorded');

      // 2. Fork after the lookup (step 1). The "other model" is a scripted fake that skips the
      //    cancellation and claims it anyway.
      const other = createFakeGemini({
        script: [turn.text('Done: your subscription is cancelled.')],
      });
      const fork = await forkRun(recording, {
        until: 1,
        change: { model: 'gemini-2.5-flash-lite' },
        continueOn: createGemini({ apiKey: 'fake', fetch: other.fetch, retry: false }),
      });
      await other.close();
      console.log(
        `replayed ${fork.recordedCalls} model call(s) from the recording, ${fork.continuedCalls} on the other model; drift: ${fork.drift === undefined ? 'none' : fork.drift.reason}`,
      );

      // 3. Diff the futures: JSON for CI, text for people (gemloop diff prints the same).
      const diff = diffRuns(
        trajectoryFromRunFile(text, name as string),
        trajectoryFromResults(fork.replayed, fork.forked),
      );
      process.stdout.write(formatRunDiff(diff));
      const dropped = diff.toolCalls.dropped.map((call) => call.name);
      console.log(
        dropped.includes('cancel_subscription')
          ? 'REGRESSION: the fork never cancelled, and says it did.'
          : 'The fork still cancels.',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  {
    description: 'Fork a recorded run at a step onto another model, and diff the two futures.',
    // The original, offline: look up, cancel, answer.
    script: [
      turn.call('lookup_subscription', { email: 'ada@example.com' }),
      turn.call('cancel_subscription', { id: 'sub_42' }),
      turn.text('Your subscription sub_42 is cancelled.'),
    ],
  },
);
