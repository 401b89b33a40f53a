// The agents of week-changes-worker.ts (a test fixture, not library code; attack65b): this week's
// changes to core, each in one agent, so a test runs the same agent in process and in a durable
// run and compares them.
// - `filtering`: triage's handoff to billing has a filter that throws (attack64a: an AgentRunError);
// - `shaping`: a subagent whose `output` throws, under onError 'throw' (attack64a: a SubagentError);
// - `slicing`: a subagent whose `history` throws, under onError 'tell-model' (the model is told).
// - `hostile`: a subagent whose `history` hands over a content whose `parts` getter throws;
// - `remembering`: the memory tools over a store that fails (leftovers79b: the model is told a safe
//   message, the whole error goes to a `tool-failed` event).
// Every thrown message holds an internal address and a password, which no result may show.
import { type AgentOptions, createAgent, defineTool, type Gemini } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { turn } from '@gemloop/testing';
import {
  createMemory,
  MemoryError,
  type MemoryStore,
  memoryPlugin,
  memoryTools,
} from '@gemloop/core/memory';
import type { AgentPlugin } from '@gemloop/core/plugins';

export const model = 'gemini-3-flash-preview';
/** What every thrown message of these agents holds. */
export const INTERNAL = 'postgres://app:hunter2@10.0.7.7:5432/main';

/** The fake's answer for a request, by the agent that sent it (its instruction's first word). */
export function weekScript(
  request: { body: unknown },
  context: { functionResponses: { name: string }[] },
): ReturnType<typeof turn.text> {
  const instruction =
    (request.body as { systemInstruction?: { parts?: { text?: string }[] } }).systemInstruction
      ?.parts?.[0]?.text ?? '';
  const answered = context.functionResponses.map((response) => response.name);
  if (instruction.startsWith('BILLING')) return turn.text('Billing here.');
  if (instruction.startsWith('HELPER')) return turn.text('Helped.');
  if (instruction.startsWith('REMEMBER'))
    return answered.includes('remember')
      ? turn.text('Noted.')
      : // The three at once: their reports are held per call and go out in call order.
        turn.calls([
          { name: 'remember', args: { text: 'Ana likes tea.' } },
          { name: 'recall', args: { query: 'tea' } },
          { name: 'forget', args: { id: 'm1' } },
        ]);
  if (instruction.startsWith('TRIAGE'))
    return answered.includes('lookup')
      ? turn.call('transfer_to_billing', {})
      : turn.call('lookup', { order: '7' });
  return answered.includes('helper') ? turn.text('Done.') : turn.call('helper', { task: 'Help.' });
}

/** Where the failing memory store says its file is, and the host holding its lock. */
export const MEMORY_PATH = '/srv/app/data/users/ana/memory.json';
export const LOCK_HOLDER = 'db-host-7.internal';

/** A memory store whose every operation fails as a locked file store's does. */
function lockedStore(): MemoryStore {
  const fail = async (): Promise<never> => {
    throw new MemoryError({
      operation: 'add',
      path: MEMORY_PATH,
      message: `The memory file ${MEMORY_PATH} is locked by process 4242 on "${LOCK_HOLDER}" (10.0.3.7:5432).`,
    });
  };
  return { add: fail, search: fail, list: fail, get: fail, update: fail, delete: fail, deleteAll: fail };
}

/** The agents' options on `gemini`, each with `plugins`. */
export function weekAgents(gemini: Gemini, plugins: AgentPlugin[] = []): Record<string, AgentOptions> {
  const billing = createAgent({ gemini, model, name: 'billing', instructions: 'BILLING' });
  const helper = createAgent({ gemini, model, name: 'helper', instructions: 'HELPER' });
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks an order up.',
    parameters: { type: 'object', properties: { order: { type: 'string' } } },
    execute: async () => ({ status: 'paid' }),
  });
  const fail = (what: string) => (): never => {
    throw new Error(`${what} failed at ${INTERNAL}`);
  };
  return {
    filtering: {
      gemini,
      model,
      instructions: 'TRIAGE',
      tools: [lookup, handoff(billing, { filter: fail('redaction') })],
      plugins,
    },
    shaping: {
      gemini,
      model,
      instructions: 'SHAPE',
      tools: [
        subagent(helper, {
          name: 'helper',
          description: 'Helps.',
          onError: 'throw',
          output: fail('shaping'),
        }),
      ],
      plugins,
    },
    slicing: {
      gemini,
      model,
      instructions: 'SLICE',
      tools: [
        subagent(helper, { name: 'helper', description: 'Helps.', history: fail('slicing') }),
      ],
      plugins,
    },
    // Its `history` hands the child a content whose text is a getter that throws.
    hostile: {
      gemini,
      model,
      instructions: 'SLICE',
      tools: [
        subagent(helper, {
          name: 'helper',
          description: 'Helps.',
          history: () => [
            Object.defineProperty({ role: 'user' as const, parts: [] }, 'parts', {
              enumerable: true,
              get: fail('reading the history'),
            }),
          ],
        }),
      ],
      plugins,
    },
    remembering: {
      gemini,
      model,
      instructions: 'REMEMBER',
      tools: [...memoryTools()],
      plugins: [
        ...plugins,
        memoryPlugin({
          memory: createMemory({ store: lockedStore(), embed: async () => [1, 0] }),
          scope: 'ana',
          recall: false,
        }),
      ],
    },
  } as Record<string, AgentOptions>;
}
