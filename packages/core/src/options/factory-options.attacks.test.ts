import { describe, expect, it } from 'vitest';
import { createBatchRuns } from '../batch/create-batch-runs.ts';
import { createBudgetPool } from '../budget/budget-pool.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { modelFallback } from '../fallback/model-fallback.ts';
import { createGemini } from '../http/create-gemini.ts';
import { loopGuard } from '../loop-guard/loop-guard.ts';
import { createInMemoryStore } from '../memory/create-in-memory-store.ts';
import { createMemory } from '../memory/create-memory.ts';
import { createLiveRecorder } from '../recorder/create-live-recorder.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { createMemoryToolResultStore } from '../tool-result-cache/create-memory-tool-result-store.ts';
import { createApprovalBroker } from '../web/approval-broker.ts';
import { createReplayBuffer } from '../web/replay-buffer.ts';

// Outside attacks on the options of factories that hold bounds (attack13). From JavaScript (or a
// config file), `null` for the options was a TypeError that named nothing, and a misspelt bound
// (`maxPendingPerRuns`, `pollInterval`) was ignored without a word: the default held, not the
// value the caller meant. Each must be an InvalidArgumentError naming the option.

const gemini = createGemini({ apiKey: 'k', baseUrl: 'https://gateway.test' });

const factories: [
  name: string,
  make: (options: unknown) => unknown,
  good: object,
  typo: object,
  meant: RegExp,
][] = [
  [
    'createReplayBuffer',
    (o) => createReplayBuffer(o as never),
    { maxRuns: 5 },
    { maxRun: 5 },
    /maxRuns/,
  ],
  [
    'createApprovalBroker',
    (o) => createApprovalBroker(o as never),
    { maxPendingPerRun: 5 },
    { maxPendingPerRuns: 5 },
    /maxPendingPerRun\b/,
  ],
  [
    'createMemoryToolResultStore',
    (o) => createMemoryToolResultStore(o as never),
    { maxEntries: 5 },
    { maxEntry: 5 },
    /maxEntries/,
  ],
  [
    'createInMemoryStore',
    (o) => createInMemoryStore(o as never),
    { maxMemoriesPerScope: 5 },
    { maxMemories: 5 },
    /maxMemoriesPerScope/,
  ],
  [
    'createMemory',
    (o) => createMemory(o as never),
    { store: createInMemoryStore() },
    { store: createInMemoryStore(), embedder: () => [1] },
    /embed\b/,
  ],
  [
    'createBatchRuns',
    (o) => createBatchRuns(o as never),
    { gemini, model: 'gemini-2.5-flash', pollIntervalMs: 5 },
    { gemini, model: 'gemini-2.5-flash', pollInterval: 5 },
    /pollIntervalMs/,
  ],
  [
    'createBudgetPool',
    (o) => createBudgetPool(o as never),
    { maxCostUsd: 5 },
    { maxCostUsd: 5, maxCostUSD: 1 },
    /maxCostUsd/,
  ],
  ['loopGuard', (o) => loopGuard(o as never), { maxRepeats: 3 }, { maxRepeat: 3 }, /maxRepeats/],
  [
    'modelFallback',
    (o) => modelFallback(o as never),
    { models: ['gemini-2.5-flash'] },
    { models: ['gemini-2.5-flash'], coolDown: 1000 },
    /coolDownMs/,
  ],
  [
    'createRunRecorder',
    (o) => createRunRecorder(o as never),
    { dir: '.gemloop/runs' },
    { directory: '.gemloop/elsewhere' },
    /dir\b/,
  ],
  [
    'createLiveRecorder',
    (o) => createLiveRecorder(o as never),
    { dir: '.gemloop/live' },
    { maxSessionByte: 10 },
    /maxSessionBytes/,
  ],
];

describe.each(factories)('%s: options from outside', (name, make, good, typo, meant) => {
  it('takes good options', () => {
    expect(() => make(good)).not.toThrow();
  });

  it.each([null, 5, 'maxRuns', []])(
    'refuses %j as its options with an InvalidArgumentError',
    (value) => {
      expect(() => make(value)).toThrow(InvalidArgumentError);
      expect(() => make(value)).toThrow(new RegExp(name));
    },
  );

  it('refuses a misspelt option and names the one meant', () => {
    expect(() => make(typo)).toThrow(InvalidArgumentError);
    expect(() => make(typo)).toThrow(meant);
  });
});
