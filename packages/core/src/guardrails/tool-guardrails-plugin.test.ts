// The tool guardrails as a plugin of the seam (tool-guardrails-plugin.ts): where their checks sit
// among other plugins' hooks, what they read, and that a trip cuts the turn's other calls short.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { validateHistory } from '../history/validate-history.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { ToolGuardrail } from './guardrail.ts';
import { guardrails } from './index.ts';
import { TOOL_GUARDRAILS_PLUGIN_NAME } from './tool-guardrails-plugin.ts';

const MODEL = 'gemini-2.5-flash';

const transferTool = (log: string[]) =>
  defineTool({
    name: 'transfer',
    // A default the schema adds: what the checks see is the parsed input, not the model's args.
    parameters: z.object({ amount: z.number(), currency: z.string().default('EUR') }),
    execute: ({ amount, currency }) => {
      log.push(`transfer ${amount} ${currency}`);
      return { ok: true, amount };
    },
  });

function responsesOf(gemini: ReturnType<typeof createScriptedGemini>): unknown[] | undefined {
  return gemini
    .contentsOf(1)
    .at(-1)
    ?.parts?.map((part) => part.functionResponse?.response);
}

describe('the tool guardrails on the seam', () => {
  it.each(['run', 'stream'] as const)(
    'check after every plugin’s checkToolCall and look at a result before any plugin’s afterToolCall (%s)',
    async (mode) => {
      const order: string[] = [];
      const log: string[] = [];
      const plugin = definePlugin({
        name: 'audit',
        checkToolCall: (call) => {
          order.push(`plugin check ${JSON.stringify(call.input)}`);
        },
        afterToolCall: ({ result, input }) => {
          order.push(`plugin after ${JSON.stringify(result)} ${JSON.stringify(input)}`);
          return { result: { ...(result as object), seenBy: 'audit' } };
        },
      });
      const policy: ToolGuardrail = {
        name: 'policy',
        before: ({ args }) => {
          order.push(`guardrail before ${JSON.stringify(args)}`);
          return { type: 'allow' };
        },
        after: ({ args, result }) => {
          order.push(`guardrail after ${JSON.stringify(result)} ${JSON.stringify(args)}`);
          return { type: 'replace', result: { masked: true } };
        },
      };
      const gemini = createScriptedGemini([callsTurn(['transfer', { amount: 3 }]), textTurn('ok')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [transferTool(log)],
        plugins: [plugin],
        guardrails: guardrails({ tools: [policy] }),
      });
      if (mode === 'run') await agent.run('pay');
      else {
        const stream = agent.stream('pay');
        for await (const _event of stream) {
          // drained
        }
        await stream.result;
      }
      expect(log).toEqual(['transfer 3 EUR']);
      expect(order).toEqual([
        'plugin check {"amount":3,"currency":"EUR"}',
        'guardrail before {"amount":3,"currency":"EUR"}',
        'guardrail after {"ok":true,"amount":3} {"amount":3,"currency":"EUR"}',
        'plugin after {"masked":true} {"amount":3,"currency":"EUR"}',
      ]);
      expect(responsesOf(gemini)).toEqual([{ masked: true, seenBy: 'audit' }]);
    },
  );

  it('judges a call a plugin asked about: its deny wins over the ask; an allow leaves the ask to the approval hook', async () => {
    const asking = definePlugin({ name: 'asker', checkToolCall: () => ({ type: 'ask' }) });
    const run = async (amount: number) => {
      const log: string[] = [];
      const askedBy: (string | undefined)[] = [];
      const gemini = createScriptedGemini([callsTurn(['transfer', { amount }]), textTurn('ok')]);
      await createAgent({
        gemini,
        model: MODEL,
        tools: [transferTool(log)],
        plugins: [asking],
        guardrails: guardrails({
          tools: [
            {
              name: 'positive',
              before: ({ args }) =>
                (args as { amount: number }).amount < 0
                  ? { type: 'deny', message: 'Amounts must be positive.' }
                  : { type: 'ask' },
            },
          ],
        }),
        beforeToolCall: (call) => {
          askedBy.push(call.askedBy);
          return { type: 'approve' };
        },
      }).run('pay');
      return { log, askedBy, responses: responsesOf(gemini) };
    };
    const denied = await run(-1);
    expect(denied.log).toEqual([]);
    expect(denied.askedBy).toEqual([]);
    expect(denied.responses).toEqual([{ error: 'Amounts must be positive.' }]);
    // Both asked: the first ask (the plugin's, which came first) names who asked.
    const approved = await run(4);
    expect(approved.log).toEqual(['transfer 4 EUR']);
    expect(approved.askedBy).toEqual(['asker']);
  });

  it('an ask by a guardrail with a name past the seam’s 100 characters still reaches the approval hook', async () => {
    const name = `policy-${'x'.repeat(150)}`;
    const log: string[] = [];
    const askedBy: (string | undefined)[] = [];
    await createAgent({
      gemini: createScriptedGemini([callsTurn(['transfer', { amount: 2 }]), textTurn('ok')]),
      model: MODEL,
      tools: [transferTool(log)],
      guardrails: guardrails({ tools: [{ name, before: () => ({ type: 'ask' }) }] }),
      beforeToolCall: (call) => {
        askedBy.push(call.askedBy);
        return { type: 'approve' };
      },
    }).run('pay');
    expect(log).toEqual(['transfer 2 EUR']);
    expect(askedBy).toEqual([name.slice(0, 100)]);
  });

  it('a later plugin’s deny wins over an earlier one’s ask (the seam’s checkToolCall chain)', async () => {
    const log: string[] = [];
    const gemini = createScriptedGemini([callsTurn(['transfer', { amount: 1 }]), textTurn('ok')]);
    let asked = 0;
    await createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool(log)],
      plugins: [
        definePlugin({ name: 'first', checkToolCall: () => ({ type: 'ask' }) }),
        definePlugin({ name: 'second', checkToolCall: () => ({ type: 'deny', message: 'No.' }) }),
      ],
      beforeToolCall: () => {
        asked++;
        return { type: 'approve' };
      },
    }).run('pay');
    expect(log).toEqual([]);
    expect(asked).toBe(0);
    expect(responsesOf(gemini)).toEqual([{ error: 'No.' }]);
  });

  it('a trip stops the turn’s other calls: a running tool’s signal is aborted, the history stays valid', async () => {
    let sawAbort = false;
    const slow = defineTool({
      name: 'slow',
      parameters: z.object({}),
      execute: (_input, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            resolve({ stopped: true });
          });
        }),
    });
    const gemini = createScriptedGemini([
      callsTurn(['slow', {}], ['transfer', { amount: 50_000 }]),
      textTurn('never'),
    ]);
    const error = await createAgent({
      gemini,
      model: MODEL,
      tools: [slow, transferTool([])],
      guardrails: guardrails({
        tools: [
          {
            name: 'limit',
            tools: ['transfer'],
            // Waits until the slow tool runs, so the trip meets it running.
            before: async () => {
              await new Promise((resolve) => setImmediate(resolve));
              return { type: 'throw', reason: 'over the limit' };
            },
          },
        ],
      }),
    })
      .run('pay')
      .catch((caught: unknown) => caught);
    expect(GuardrailTrippedError.isInstance(error)).toBe(true);
    expect((error as GuardrailTrippedError).phase).toBe('tool-input');
    expect(sawAbort).toBe(true);
    const contents = (error as GuardrailTrippedError).run.contents;
    expect(() => validateHistory(contents)).not.toThrow();
    expect(contents.at(-1)?.parts).toHaveLength(2);
  });

  it.each(['run', 'stream'] as const)(
    'a run aborted during a check ends aborted in the tool calls; the tool never runs (%s)',
    async (mode) => {
      const controller = new AbortController();
      const log: string[] = [];
      const agent = createAgent({
        gemini: createScriptedGemini([callsTurn(['transfer', { amount: 1 }]), textTurn('never')]),
        model: MODEL,
        tools: [transferTool(log)],
        guardrails: guardrails({
          tools: [
            {
              name: 'slow-policy',
              // Aborts the run (as a caller would), then waits on the check's signal.
              before: (_call, { signal }) => {
                queueMicrotask(() => controller.abort(new Error('caller stopped')));
                return new Promise((resolve) => {
                  signal.addEventListener('abort', () => resolve({ type: 'allow' }));
                });
              },
            },
          ],
        }),
      });
      let error: unknown;
      if (mode === 'run')
        error = await agent
          .run('pay', { signal: controller.signal })
          .catch((caught: unknown) => caught);
      else {
        const stream = agent.stream('pay', { signal: controller.signal });
        try {
          for await (const _event of stream) {
            // drained
          }
          await stream.result;
        } catch (caught) {
          error = caught;
        }
      }
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect((error as AgentAbortedError).phase).toBe('tool-calls');
      expect(log).toEqual([]);
    },
  );

  it('takes a name no user plugin may share: a clash is refused, naming it', async () => {
    const clashing = createAgent({
      gemini: createScriptedGemini([textTurn('ok')]),
      model: MODEL,
      tools: [transferTool([])],
      plugins: [definePlugin({ name: TOOL_GUARDRAILS_PLUGIN_NAME })],
      guardrails: guardrails({ tools: [{ name: 'policy', before: () => undefined }] }),
    });
    await expect(clashing.run('hi')).rejects.toThrow(TOOL_GUARDRAILS_PLUGIN_NAME);
  });
});
