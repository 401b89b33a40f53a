// The vitest gate of docs/testing-your-agents-behaviour.md and the @gemloop/evals README: the
// guide's suite (weather.eval.ts) as one test per case and a pass-rate test, in the examples run.

import { defineEvalTests } from '@gemloop/evals/vitest';
import suite from './weather.eval.ts';

// dir: the folder the suite's `cases` path is read from, as gemloop eval reads it.
await defineEvalTests(suite, { dir: import.meta.dirname });
