import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOptionReads } from '@gemloop/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createBudgetPool } from '../budget/budget-pool.ts';
import { reserveBudget } from '../budget/reserve-budget.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { compaction } from '../compaction/compaction.ts';
import { toolOutput } from '../compaction/tool-output.ts';
import { handoff } from '../composition/handoff.ts';
import { subagent } from '../composition/subagent.ts';
import { modelFallback } from '../fallback/model-fallback.ts';
import { guardrails } from '../guardrails/guardrails.ts';
import { createGemini } from '../http/create-gemini.ts';
import { loopGuard } from '../loop-guard/loop-guard.ts';
import { createInMemoryStore } from '../memory/create-in-memory-store.ts';
import { createMemory } from '../memory/create-memory.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { createSteering } from '../steering/create-steering.ts';
import { createMemoryToolResultStore } from '../tool-result-cache/create-memory-tool-result-store.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createApprovalBroker } from '../web/approval-broker.ts';
import { createReplayBuffer } from '../web/replay-buffer.ts';

// attack20: a public factory that checks an option and then reads it again can be handed one
// value by the check and another by the code that uses it (a getter, a Proxy): attack17 found it
// in the artifact stores' `maxBytes` and the Postgres stores' `table`; this session found
// createAgent's `maxSteps` (2 to the check, 1e300 to the loop), toolOutput's `maxTokens`,
// loopGuard's `maxRepeats`, subagent's `prompt`, ... So every option of each factory here is a
// getter that counts its reads: making the value, and an agent that uses it, reads each once.

const recordings = mkdtempSync(join(tmpdir(), 'gemloop-read-once-'));
afterAll(() => rmSync(recordings, { recursive: true, force: true }));

const gemini = createGemini({
  apiKey: 'test-key',
  fetch: () => Promise.reject(new Error('no request expected')),
});
const model = 'gemini-2.5-flash';
const child = createAgent({ gemini, model, name: 'billing' });

/** Each factory, with a use that reads what it made as an agent would. */
const factories: [name: string, values: object, make: (options: never) => unknown][] = [
  ['createGemini', { apiKey: 'test-key', fetch: globalThis.fetch, retry: false }, createGemini],
  [
    'createAgent',
    { gemini, model, maxSteps: 3, instructions: 'Be brief.', toolTimeoutMs: 1000 },
    createAgent,
  ],
  [
    'toolOutput',
    { maxTokens: 100, maxBytes: 1000 },
    (options) => createAgent({ gemini, model, toolOutput: toolOutput(options) }),
  ],
  [
    'compaction',
    { maxTokens: 10_000, keepRecent: 2, pruneThoughts: true },
    (options) => createAgent({ gemini, model, compaction: compaction(options) }),
  ],
  [
    'loopGuard',
    { window: 6, maxRepeats: 3, maxSteers: 1, polls: ['status'] },
    (options) => createAgent({ gemini, model, plugins: [loopGuard(options)] }),
  ],
  [
    'subagent',
    {
      name: 'research',
      description: 'Researches.',
      prompt: ({ task }: { task: string }) => task,
      output: () => 'done',
      history: () => [],
      onError: 'throw',
      timeoutMs: 1000,
    },
    (options) => createAgent({ gemini, model, tools: [subagent(child, options)] }),
  ],
  [
    'handoff',
    { name: 'billing', description: 'Billing.', filter: () => [] },
    (options) => createAgent({ gemini, model, tools: [handoff(child, options)] }),
  ],
  ['createSteering', { maxPending: 3 }, createSteering],
  [
    'defineTool',
    {
      name: 'lookup',
      description: 'Looks up.',
      parameters: { type: 'object', properties: {} },
      timeoutMs: 1000,
      execute: () => ({}),
    },
    defineTool,
  ],
  [
    'createChatSession',
    { agent: child, id: 'session-1', limit: { maxTurns: 4 } },
    createChatSession,
  ],
  [
    'createBudgetPool',
    { name: 'team', maxCostUsd: 5 },
    (options) => reserveBudget({ pool: createBudgetPool(options), usd: 0.05 }),
  ],
  [
    'reserveBudget',
    { pool: createBudgetPool({ maxCostUsd: 5 }), usd: 0.05 },
    (options) => createAgent({ gemini, model, plugins: [reserveBudget(options)] }),
  ],
  [
    'modelFallback',
    { models: ['gemini-2.5-pro'], coolDownMs: 1000, now: Date.now },
    (options) => createAgent({ gemini, model, plugins: [modelFallback(options)] }),
  ],
  [
    'guardrails',
    {
      input: [],
      output: [],
      tools: [],
      timeoutMs: 1000,
      onTimeout: 'fail-closed',
      holdBack: false,
    },
    (options) => createAgent({ gemini, model, guardrails: guardrails(options) }),
  ],
  ['createMemory', { store: createInMemoryStore() }, createMemory],
  [
    'createMemoryToolResultStore',
    { maxEntries: 10, maxEntryBytes: 1000 },
    createMemoryToolResultStore,
  ],
  [
    'createApprovalBroker',
    { timeoutMs: 1000, maxPending: 10, maxPendingPerRun: 2, maxPendingPerOwner: 5 },
    createApprovalBroker,
  ],
  [
    'createReplayBuffer',
    { maxRuns: 10, maxEventsPerRun: 100, maxBytesPerRun: 10_000, ttlMs: 1000, now: Date.now },
    createReplayBuffer,
  ],
  [
    'createRunRecorder',
    { dir: recordings, maxBytes: 100_000, maxRunBytes: 10_000 },
    createRunRecorder,
  ],
];

describe('public factories read each option once', () => {
  for (const [name, values, make] of factories) {
    it(`${name} reads each of its options once`, () => {
      const { options, reads } = countOptionReads(values);
      make(options as never);
      const twice = Object.entries(reads).filter(([, count]) => count > 1);
      expect(twice).toEqual([]);
    });
  }
});
