import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../agent/agent-turns.ts';
import { type Agent, createAgent } from '../agent/create-agent.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import type { PluginHookRecorder } from '../agent/plugins/run-plugins.ts';
import { MAX_RUN_DEPTH } from '../agent/run-state/run-link.ts';
import { subagent } from '../composition/subagent.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { guardrails } from './index.ts';

const MODEL = 'gemini-2.5-flash';

// A durable runner's recorder of the plugin seam, stood in for by a map (as @gemloop/dbos's
// `createPluginHookRecorder` is a DBOS step: the first execution stores the result, a replay hands the
// stored one back without calling). The guardrails' checks are recorded through it: no guardrail
// code in the durable runner (issue 53).
function mapRecorder(): {
  record: PluginHookRecorder;
  names: string[];
  replay(): void;
} {
  const stored = new Map<string, unknown>();
  const names: string[] = [];
  let replaying = false;
  return {
    names,
    replay: () => {
      replaying = true;
      names.length = 0;
    },
    record: async (name, call) => {
      names.push(name);
      if (replaying && stored.has(name)) return stored.get(name);
      const value = await call();
      stored.set(name, value);
      return value;
    },
  };
}

function guardedTree(counts: Record<string, number>) {
  const count = (name: string): void => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  const transfer = defineTool({
    name: 'transfer',
    parameters: z.object({ amount: z.number() }),
    execute: ({ amount }) => ({ sent: amount }),
  });
  const child = createAgent({
    gemini: createScriptedGemini([callsTurn(['transfer', { amount: 3 }]), textTurn('paid 3')]),
    model: MODEL,
    tools: [transfer],
    guardrails: guardrails({
      tools: [
        {
          name: 'audit',
          before: () => {
            count('audit');
            return { type: 'allow' };
          },
        },
      ],
    }),
  });
  return createAgent({
    gemini: createScriptedGemini([callsTurn(['payer', { task: 'pay 3' }]), textTurn('It is 42.')]),
    model: MODEL,
    tools: [subagent(child, { name: 'payer', description: 'Pays.' })],
    guardrails: guardrails({
      input: [
        {
          name: 'classifier',
          check: ({ text }) => {
            count('classifier');
            return { type: 'rewrite', input: `${text} (checked)` };
          },
        },
      ],
      output: [
        {
          name: 'redact',
          check: ({ text }) => {
            count('redact');
            return { type: 'rewrite', text: text.replace('42', '[n]') };
          },
        },
      ],
      tools: [
        {
          name: 'policy',
          before: () => {
            count('policy');
            return { type: 'allow' };
          },
          after: () => {
            count('policy after');
            return undefined;
          },
        },
      ],
    }),
  });
}

async function runRecorded(record: PluginHookRecorder, counts: Record<string, number>) {
  const stream = agentTurnsOf(guardedTree(counts)).stream(
    'Pay it.',
    {},
    undefined,
    undefined,
    record,
  );
  for await (const _event of stream) {
    // drained: the result settles once the events are read
  }
  return stream.result;
}

describe('guardrail checks under a durable recorder (the plugin seam’s)', () => {
  it('records each check by guardrail, phase and call, in the subagent too; a replay does not check again', async () => {
    const recorder = mapRecorder();
    const counts: Record<string, number> = {};
    const first = await runRecorded(recorder.record, counts);
    expect(first.text).toBe('It is [n].');
    expect(counts).toEqual({ classifier: 1, policy: 2, 'policy after': 2, audit: 1, redact: 1 });
    // The parent's tool guardrail checks the child's call too (inherited), recorded in the child
    // run under the child's step and call.
    expect(recorder.names).toEqual([
      'guardrail:classifier@input',
      expect.stringMatching(/^guardrail:policy@tool-input\.1:/),
      expect.stringMatching(/^guardrail:policy@tool-input\.1:/),
      expect.stringMatching(/^guardrail:audit@tool-input\.1:/),
      expect.stringMatching(/^guardrail:policy@tool-output\.1:/),
      expect.stringMatching(/^guardrail:policy@tool-output\.1:/),
      'guardrail:redact@output',
    ]);

    recorder.replay();
    const replayed = await runRecorded(recorder.record, counts);
    expect(counts).toEqual({ classifier: 1, policy: 2, 'policy after': 2, audit: 1, redact: 1 });
    expect(replayed.text).toBe(first.text);
    expect(replayed.contents).toEqual(first.contents);
  });

  it('records nothing, and wraps no check, without a recorder', async () => {
    const counts: Record<string, number> = {};
    const result = await guardedTree(counts).run('Pay it.');
    expect(result.text).toBe('It is [n].');
    expect(counts).toEqual({ classifier: 1, policy: 2, 'policy after': 2, audit: 1, redact: 1 });
  });
});

// A durable recorder calls a check's body after an await (DBOS's step reads its record first), where
// the guarded run's depth set around the check's call was gone: an agent.run() the check made
// started at depth 0 instead of one deeper than the run (leftovers53 noticed, leftovers54). An
// agent whose input check runs the same agent must end the cycle at the same depth as in process.
describe('a recorded check that runs its own agent', () => {
  async function cycle(record: PluginHookRecorder | undefined) {
    let agent: Agent<undefined> | undefined;
    const errors: unknown[] = [];
    let starts = 0;
    // Bounded past the limit, so a lost depth fails instead of nesting for ever.
    const again = () =>
      ++starts > MAX_RUN_DEPTH + 4
        ? undefined
        : (agent as Agent<undefined>).run('Again.').then(
            () => undefined,
            (error: unknown) => void errors.push(error),
          );
    agent = createAgent({
      gemini: createScriptedGemini([]),
      model: MODEL,
      guardrails: guardrails({ input: [{ name: 'again', check: again }] }),
    });
    const stream = agentTurnsOf(agent).stream('Go.', {}, undefined, undefined, record);
    // The run fails at the deepest one's model call (the script has no turn): the cycle is counted.
    await (async () => {
      for await (const _event of stream) {
        // drained
      }
    })().catch(() => undefined);
    await stream.result.catch(() => undefined);
    return { starts, refused: errors.filter((error) => SubagentError.isInstance(error)) };
  }

  it('ends the cycle at the limit, as the run without a recorder does', async () => {
    const plain = await cycle(undefined);
    // DBOS-like: the body runs after the recorder's own await.
    const recorded = await cycle(async (_name, call) => {
      await Promise.resolve();
      return call();
    });
    expect(plain.refused).toHaveLength(1);
    expect((plain.refused[0] as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
    expect(recorded.refused).toHaveLength(1);
    expect((recorded.refused[0] as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
    expect(recorded.starts).toBe(plain.starts);
  });
});
