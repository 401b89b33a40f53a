// Evals: record runs, turn them into a dataset, replay it offline (a changed prompt shows as
// drift), and compare two eval runs.
//
//   node scripts/run-example.mjs evals
//   node scripts/run-example.mjs evals --write-cases   (refreshes cases.jsonl)
//
// With GEMINI_API_KEY set the runs are recorded against Gemini; without, gemloop's built-in fake
// plays the model. The evals themselves always replay offline, through the fake.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunRecorder } from '@gemloop/core/recorder';
import {
  caseFromRunFile,
  compareResults,
  type EvalCase,
  exactMatch,
  formatComparison,
  formatSummary,
  grounded,
  runEval,
  toolTrajectory,
} from '@gemloop/evals';
import { run } from '../lib/run.ts';
import { weatherAgent } from './weather-agent.ts';

const QUESTIONS = ['What is the weather in Paris?', 'How warm is it in Lisbon?'];

await run(
  async ({ gemini, model, flags }) => {
    // 1. Record a few runs, as `createRunRecorder()` does in an app (`.gemloop/runs`).
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-evals-example-'));
    try {
      const recorder = createRunRecorder({ dir });
      for (const question of QUESTIONS) {
        await weatherAgent(gemini, model, { recorder }).run(question);
      }
      await recorder.flush();

      // 2. Turn them into cases: `gemloop eval from-runs --dir <dir> --out cases.jsonl` does the same.
      const cases: EvalCase[] = [];
      for (const name of (await readdir(dir)).sort()) {
        const evalCase = caseFromRunFile(await readFile(join(dir, name), 'utf8'), name);
        if (evalCase !== undefined) cases.push(evalCase);
      }
      console.log(`Recorded ${cases.length} runs as cases.`);
      if (flags['write-cases'] === true) {
        const out = new URL('./cases.jsonl', import.meta.url);
        await writeFile(out, `${cases.map((item) => JSON.stringify(item)).join('\n')}\n`);
        console.log('Wrote examples/evals/cases.jsonl.');
      }

      // 3. Replay them offline against the agent as it is, then with a changed prompt.
      const scorers = [exactMatch(), toolTrajectory({ match: 'in-order' }), grounded()];
      const baseline = await runEval({
        name: 'baseline',
        cases,
        scorers,
        createAgent: (context) => weatherAgent(context.gemini, model, context),
      });
      console.log(`\n${formatSummary(baseline)}`);
      const changed = await runEval({
        name: 'new-prompt',
        cases,
        scorers,
        createAgent: (context) =>
          weatherAgent(context.gemini, model, { ...context, instructions: 'Answer in one word.' }),
      });
      console.log(formatSummary(changed));

      // 4. Compare the two eval runs (`gemloop eval compare a.json b.json`).
      console.log(formatComparison(compareResults(baseline, changed)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  {
    description: 'Record runs, replay them as evals offline (drift fails), compare two eval runs.',
    flags: {
      'write-cases': {
        type: 'boolean',
        description: 'Write the recorded cases to examples/evals/cases.jsonl.',
      },
    },
  },
);
