import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { guardrails } from '../guardrails/index.ts';
import { type AgentPlugin, definePlugin } from '../plugins/index.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { subagent } from './subagent.ts';

// Issue 53: the seam's guardrail capabilities (`run.trip`, `checkToolCall`, `checkAnswer`) inside a
// subagent. A plugin given to the child's agent, or inherited from the parent's (`inherit: true`),
// ends the CHILD's run as a tool guardrail's `throw` ends it; the parent goes on with the failure
// as the call's answer (or ends with a `SubagentError` under `onError: 'throw'`), the same way
// for a built-in tool guardrail and for a plugin.

const MODEL = 'gemini-2.5-flash';
type Mode = 'run' | 'stream';

/** A policy as a plugin: trips on a transfer over 100, rewrites answers that show a digit. */
function policy(options: { inherit?: boolean; log?: string[] } = {}): AgentPlugin {
  return definePlugin({
    name: 'policy',
    ...(options.inherit === true && { inherit: true }),
    checkToolCall(call, run) {
      options.log?.push(`check ${call.toolName}`);
      const { amount } = call.input as { amount: number };
      if (amount > 100)
        run.trip({ guardrailName: 'limit', phase: 'tool-input', reason: `${amount} is over 100` });
      return undefined;
    },
    checkAnswer(answer) {
      options.log?.push(`answer ${answer.text}`);
      return /\d/.test(answer.text) ? { text: answer.text.replace(/\d/g, '#') } : undefined;
    },
  });
}

/** The same policy's tool half as a built-in tool guardrail (`throw`). */
const builtInLimit = guardrails({
  tools: [
    {
      name: 'limit',
      tools: ['transfer'],
      before: ({ args }) => {
        const { amount } = args as { amount: number };
        return amount > 100
          ? { type: 'throw', reason: `${amount} is over 100` }
          : { type: 'allow' };
      },
    },
  ],
});

function transferTool(paid: number[]) {
  return defineTool({
    name: 'transfer',
    parameters: z.object({ amount: z.number() }),
    execute: ({ amount }) => {
      paid.push(amount);
      return { ok: true };
    },
  });
}

type Setup = {
  /** The child agent's own plugins and guardrails. */
  child?: { plugins?: AgentPlugin[]; guardrails?: typeof builtInLimit };
  /** The parent agent's. */
  parent?: { plugins?: AgentPlugin[]; guardrails?: typeof builtInLimit };
  childTurns?: Parameters<typeof createScriptedGemini>[0];
  onError?: 'tell-model' | 'throw';
};

/** A parent that delegates "pay" to a child that calls `transfer`, then answers. */
function tree(setup: Setup) {
  const paid: number[] = [];
  const childGemini = createScriptedGemini(
    setup.childTurns ?? [callsTurn(['transfer', { amount: 500 }, 't1']), textTurn('never')],
  );
  const child = createAgent({
    gemini: childGemini,
    model: MODEL,
    tools: [transferTool(paid)],
    ...setup.child,
  });
  const parentGemini = createScriptedGemini([
    callsTurn(['payer', { task: 'pay' }, 'p1']),
    textTurn('parent done'),
  ]);
  const parent = createAgent({
    gemini: parentGemini,
    model: MODEL,
    tools: [
      subagent(child, {
        name: 'payer',
        description: 'Pays.',
        ...(setup.onError !== undefined && { onError: setup.onError }),
      }),
    ],
    ...setup.parent,
  });
  return { paid, parent, childGemini, parentGemini };
}

async function go(agent: ReturnType<typeof createAgent>, mode: Mode) {
  if (mode === 'run') return { result: await agent.run('go'), events: [] as AgentEvent<unknown>[] };
  const stream = agent.stream('go');
  const events: AgentEvent<unknown>[] = [];
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events };
}

/** What the parent's model was told the child call returned. */
function toldParent(parentGemini: ReturnType<typeof createScriptedGemini>): unknown {
  return parentGemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response;
}

describe('a plugin trip inside a subagent', () => {
  it.each(['run', 'stream'] as const)(
    "a child's own plugin trip ends the child, not the parent, as a built-in tool guardrail's throw does (%s)",
    async (mode) => {
      const viaPlugin = tree({ child: { plugins: [policy()] } });
      const viaGuardrail = tree({ child: { guardrails: builtInLimit } });
      const [plugin, builtIn] = [
        await go(viaPlugin.parent, mode),
        await go(viaGuardrail.parent, mode),
      ];

      for (const [setup, { result }] of [
        [viaPlugin, plugin],
        [viaGuardrail, builtIn],
      ] as const) {
        expect(result.text).toBe('parent done');
        expect(setup.paid).toEqual([]);
        // The child's run stopped at the trip: one model call, the second turn never asked for.
        expect(setup.childGemini.calls).toHaveLength(1);
        expect(result.steps[0]?.toolCalls[0]?.toolName).toBe('payer');
      }
      // The parent's model hears the same failure, naming the guardrail and its reason.
      // It is a failed call, as a throwing tool's (leftovers51), answered in a tool's error shape.
      const told = toldParent(viaPlugin.parentGemini) as { error: string };
      expect(told).toEqual(toldParent(viaGuardrail.parentGemini));
      expect(told.error).toContain('The subagent payer failed');
      expect(told.error).toContain(
        'The tool-input guardrail "limit" stopped the run: 500 is over 100',
      );
    },
  );

  it.each(['run', 'stream'] as const)(
    "a parent's plugin with inherit: true trips in the child's call as an inherited tool guardrail does (%s)",
    async (mode) => {
      const log: string[] = [];
      const viaPlugin = tree({ parent: { plugins: [policy({ inherit: true, log })] } });
      const viaGuardrail = tree({ parent: { guardrails: builtInLimit } });
      const { result } = await go(viaPlugin.parent, mode);
      await go(viaGuardrail.parent, mode);
      expect(result.text).toBe('parent done');
      expect(viaPlugin.paid).toEqual([]);
      // The inherited check ran on the child's call; the parent's own call of `payer` has no
      // `amount`, so its check there saw the task (and passed: undefined > 100 is false).
      expect(log).toContain('check transfer');
      expect(toldParent(viaPlugin.parentGemini)).toEqual(toldParent(viaGuardrail.parentGemini));
      expect(JSON.stringify(toldParent(viaPlugin.parentGemini))).toContain('500 is over 100');
    },
  );

  it('a plugin without inherit stays on the parent: the child calls the tool unchecked', async () => {
    const log: string[] = [];
    const { paid, parent, parentGemini } = tree({
      parent: { plugins: [policy({ log })] },
      childTurns: [callsTurn(['transfer', { amount: 500 }]), textTurn('child paid 500')],
    });
    const result = await parent.run('go');
    expect(paid).toEqual([500]);
    // The child's answer reaches the parent model as the child said it (no parent checkAnswer on it).
    expect(JSON.stringify(toldParent(parentGemini))).toContain('child paid 500');
    expect(log).toEqual(['check payer', 'answer parent done']);
    expect(result.text).toBe('parent done');
  });

  it.each(['run', 'stream'] as const)(
    "under onError: 'throw' the child's trip ends the parent with a SubagentError carrying the typed trip (%s)",
    async (mode) => {
      const { parent, parentGemini } = tree({ child: { plugins: [policy()] }, onError: 'throw' });
      const error = await go(parent, mode).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(SubagentError.isInstance(error)).toBe(true);
      const subagentError = error as SubagentError;
      expect(subagentError.toolName).toBe('payer');
      expect(GuardrailTrippedError.isInstance(subagentError.cause)).toBe(true);
      const trip = subagentError.cause as GuardrailTrippedError;
      expect([trip.guardrailName, trip.phase, trip.reason]).toEqual([
        'limit',
        'tool-input',
        '500 is over 100',
      ]);
      // The child's history is valid: its tripped call is answered.
      const last = trip.run.contents.at(-1);
      expect(last?.role).toBe('user');
      expect(last?.parts?.[0]?.functionResponse?.name).toBe('transfer');
      expect(parentGemini.calls).toHaveLength(1);
    },
  );

  it.each(['run', 'stream'] as const)(
    "a child's checkAnswer rewrite is what the parent gets; inherited, it checks both answers (%s)",
    async (mode) => {
      const log: string[] = [];
      const { parent, parentGemini, childGemini } = tree({
        parent: { plugins: [policy({ inherit: true, log })] },
        childTurns: [textTurn('the code is 1234')],
      });
      const { result, events } = await go(parent, mode);
      expect(toldParent(parentGemini)).toEqual({ answer: 'the code is ####' });
      expect(log).toEqual(['check payer', 'answer the code is 1234', 'answer parent done']);
      // The child's history keeps the model's words; only what its caller got was rewritten.
      expect(childGemini.calls).toHaveLength(1);
      expect(result.text).toBe('parent done');
      if (mode === 'stream') {
        const retractions = events.filter((event) => event.type === 'guardrail-retraction');
        expect(retractions.map((event) => [event.path.join('/'), event.name])).toEqual([
          ['payer#1', 'policy'],
        ]);
      }
    },
  );

  it.each(['run', 'stream'] as const)(
    "a child's output trip is the call's failure, and the child's answer never reaches the parent (%s)",
    async (mode) => {
      const noSecrets = definePlugin({
        name: 'no-secrets',
        checkAnswer(answer, run) {
          if (answer.text.includes('secret'))
            run.trip({ guardrailName: 'no-secrets', phase: 'output', reason: 'shows a secret' });
          return undefined;
        },
      });
      const { parent, parentGemini } = tree({
        child: { plugins: [noSecrets] },
        childTurns: [textTurn('the secret is swordfish')],
      });
      const { result } = await go(parent, mode);
      expect(result.text).toBe('parent done');
      const told = JSON.stringify(toldParent(parentGemini));
      expect(told).toContain(
        'The output guardrail \\"no-secrets\\" stopped the run: shows a secret',
      );
      expect(told).not.toContain('swordfish');
    },
  );
});
