import { DBOS } from '@dbos-inc/dbos-sdk';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import {
  type Guardrails,
  GuardrailTrippedError,
  guardrails,
  guardrails as makeGuardrails,
} from '@gemloop/core/guardrails';
import { agentTurnsOf } from '@gemloop/core/internal';
import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createPluginHookRecorder } from './durable-plugin-hooks.ts';

// A durable run's guardrail checks are recorded by the plugin seam's one recorder
// (durable-plugin-hooks.ts), which the run workflow passes to every run of its tree
// (register-run-workflow.ts): no guardrail code of its own in @gemloop/dbos (issue 53).
// DBOS's step record stood in for by a map from step name to outcome: the first execution
// records each step, a replay (a worker taking the run over) hands the record back without
// running the body, as DBOS.runStep does for a step already recorded (@dbos-inc/dbos-sdk 5.3,
// dbos-executor.js runStepTempl: a recorded output is returned, the function is not called).

const record = new Map<string, unknown>();
let replaying = false;
const stepNames: string[] = [];

beforeEach(() => {
  record.clear();
  stepNames.length = 0;
  replaying = false;
  vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('run-1');
  vi.spyOn(DBOS, 'isInWorkflow').mockReturnValue(true);
  vi.spyOn(DBOS, 'runStep').mockImplementation(async (body, config) => {
    const name = config?.name ?? '';
    stepNames.push(name);
    if (replaying && record.has(name)) return record.get(name);
    const value = await body();
    record.set(name, value);
    return value;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function counting(): {
  guardrails: Guardrails;
  calls: { input: number; output: number; before: number; after: number };
} {
  const calls = { input: 0, output: 0, before: 0, after: 0 };
  return {
    calls,
    guardrails: guardrails({
      input: [
        {
          name: 'classifier',
          check: ({ text }) => {
            calls.input++;
            return { type: 'rewrite', input: `${text} (checked)` };
          },
        },
      ],
      output: [
        {
          name: 'redact',
          check: ({ text }) => {
            calls.output++;
            return { type: 'rewrite', text: text.replace('42', '[n]') };
          },
        },
      ],
      tools: [
        {
          name: 'policy',
          before: () => {
            calls.before++;
            return { type: 'allow' };
          },
          after: () => {
            calls.after++;
            return { type: 'replace', result: { ok: 'masked' } };
          },
        },
      ],
    }),
  };
}

async function run(guardrails: Guardrails | undefined) {
  const fake = createFakeGemini({ script: [turn.call('lookup', {}), turn.text('It is 42.')] });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'k', fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    tools: [defineTool({ name: 'lookup', parameters: z.object({}), execute: () => ({ ok: 1 }) })],
    guardrails,
  });
  // As the run workflow starts a run: with the seam's recorder.
  const stream = agentTurnsOf(agent).stream(
    'What is it?',
    {},
    undefined,
    undefined,
    createPluginHookRecorder(),
  );
  for await (const _event of stream) {
    // drained: the result settles once the events are read
  }
  return stream.result;
}

describe('guardrails in a durable run', () => {
  it('each check is a named step; a replay hands the verdicts back without checking again', async () => {
    const { guardrails, calls } = counting();
    const first = await run(guardrails);
    expect(first.text).toBe('It is [n].');
    expect(calls).toEqual({ input: 1, output: 1, before: 1, after: 1 });
    expect(stepNames).toEqual([
      'gemloop.guardrail:classifier@input',
      expect.stringMatching(/^gemloop\.guardrail:policy@tool-input\.1:/),
      expect.stringMatching(/^gemloop\.guardrail:policy@tool-output\.1:/),
      'gemloop.guardrail:redact@output',
    ]);

    replaying = true;
    const replayed = await run(guardrails);
    expect(calls).toEqual({ input: 1, output: 1, before: 1, after: 1 });
    expect(replayed.contents).toEqual(first.contents);
    expect(replayed.text).toBe(first.text);
  });

  it('a check that threw is recorded and fails closed again on replay, without running', async () => {
    let ran = 0;
    const guardrails = makeGuardrails({
      input: [
        {
          name: 'flaky',
          check: () => {
            ran++;
            throw new Error('classifier down');
          },
        },
      ],
    });
    const first = await run(guardrails).catch((caught: unknown) => caught);
    expect(GuardrailTrippedError.isInstance(first)).toBe(true);
    replaying = true;
    const again = (await run(guardrails).catch(
      (caught: unknown) => caught,
    )) as GuardrailTrippedError;
    expect(ran).toBe(1);
    expect(again.reason).toBe((first as GuardrailTrippedError).reason);
  });
});

// A third party's guardrail on the seam (`run.trip`, `{ type: 'ask' }` in a `recorded` hook): the
// recorder stores a throw as name and message only, so the seam records a trip as the hook's
// verdict (data) and throws it again, typed, outside the step, on the first run and on a replay.
describe('a plugin’s trips and asks in a durable run', () => {
  async function runWith(plugin: AgentPlugin, beforeToolCall?: () => { type: 'approve' }) {
    const fake = createFakeGemini({
      script: [turn.call('pay', { amount: 500 }), turn.text('Paid.')],
    });
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', fetch: fake.fetch }),
      model: 'gemini-2.5-flash',
      tools: [
        defineTool({
          name: 'pay',
          parameters: z.object({ amount: z.number() }),
          execute: ({ amount }) => ({ paid: amount }),
        }),
      ],
      plugins: [plugin],
      ...(beforeToolCall !== undefined && { beforeToolCall }),
    });
    const stream = agentTurnsOf(agent).stream(
      'Pay 500.',
      {},
      undefined,
      undefined,
      createPluginHookRecorder(),
    );
    for await (const _event of stream) {
      // drained
    }
    return stream.result;
  }

  it('a recorded trip replays as GuardrailTrippedError with its fields, without calling the hook', async () => {
    let checks = 0;
    const policy = definePlugin({
      name: 'spend',
      recorded: ['beforeToolCall'],
      beforeToolCall: (call, run) => {
        checks++;
        run.trip({
          guardrailName: 'limit',
          phase: 'tool-input',
          reason: `${call.toolName} over 100`,
        });
      },
    });
    const first = await runWith(policy).catch((caught: unknown) => caught);
    expect(GuardrailTrippedError.isInstance(first)).toBe(true);
    expect(stepNames).toEqual([expect.stringMatching(/^gemloop\.plugin:spend:beforeToolCall:1:/)]);
    // What the step stored is the verdict as data, not an error.
    expect(record.get(stepNames[0] as string)).toMatchObject({
      ok: true,
      value: { trip: { guardrailName: 'limit', phase: 'tool-input', reason: 'pay over 100' } },
    });

    replaying = true;
    const again = await runWith(policy).catch((caught: unknown) => caught);
    expect(checks).toBe(1);
    expect(GuardrailTrippedError.isInstance(again)).toBe(true);
    expect(again).toMatchObject({
      guardrailName: 'limit',
      phase: 'tool-input',
      reason: 'pay over 100',
    });
    expect((again as GuardrailTrippedError).run.contents).toEqual(
      (first as GuardrailTrippedError).run.contents,
    );
  });

  it('a recorded ask replays as an ask: the approval hook is asked again, the policy is not', async () => {
    let checks = 0;
    const asked: unknown[] = [];
    const policy = definePlugin({
      name: 'spend',
      recorded: ['beforeToolCall'],
      beforeToolCall: () => {
        checks++;
        return { type: 'ask' };
      },
    });
    const approve = () => {
      asked.push('asked');
      return { type: 'approve' } as const;
    };
    const first = await runWith(policy, approve);
    replaying = true;
    const again = await runWith(policy, approve);
    expect(checks).toBe(1);
    expect(asked).toEqual(['asked', 'asked']);
    expect(again.text).toBe('Paid.');
    expect(again.contents).toEqual(first.contents);
  });

  it('a recorded checkAnswer rewrite replays without calling the hook', async () => {
    let checks = 0;
    const masking = definePlugin({
      name: 'mask',
      recorded: ['checkAnswer'],
      checkAnswer: ({ text }) => {
        checks++;
        return { text: text.replace('Paid', '[done]') };
      },
    });
    const first = await runWith(masking);
    expect(first.text).toBe('[done].');
    replaying = true;
    const again = await runWith(masking);
    expect(checks).toBe(1);
    expect(again.text).toBe('[done].');
    expect(again.contents).toEqual(first.contents);
  });
});
