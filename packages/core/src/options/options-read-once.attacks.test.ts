import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { compaction } from '../compaction/compaction.ts';
import { toolOutput } from '../compaction/tool-output.ts';
import { handoff } from '../composition/handoff.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { loopGuard } from '../loop-guard/loop-guard.ts';
import { createSteering } from '../steering/create-steering.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// attack20: a public factory that checks an option and then reads it again can be handed one
// value by the check and another by the code that uses it (a getter, a Proxy): attack17 found it
// in the artifact stores' `maxBytes` and the Postgres stores' `table`; this session found
// createAgent's `maxSteps` (2 to the check, 1e300 to the loop), toolOutput's `maxTokens`,
// loopGuard's `maxRepeats`, subagent's `prompt`, ... So every option of each factory here is a
// getter that counts its reads: making the value, and an agent that uses it, reads each once.

/** `values` as an object whose every key is a getter counting its reads into `reads`. */
function counted<Options extends object>(
  values: Options,
): { options: Options; reads: Record<string, number> } {
  const reads: Record<string, number> = {};
  const options = {} as Options;
  for (const [key, value] of Object.entries(values)) {
    reads[key] = 0;
    Object.defineProperty(options, key, {
      enumerable: true,
      get: () => {
        reads[key] = (reads[key] ?? 0) + 1;
        return value;
      },
    });
  }
  return { options, reads };
}

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
];

describe('public factories read each option once', () => {
  for (const [name, values, make] of factories) {
    it(`${name} reads each of its options once`, () => {
      const { options, reads } = counted(values);
      make(options as never);
      const twice = Object.entries(reads).filter(([, count]) => count > 1);
      expect(twice).toEqual([]);
    });
  }
});
