import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import * as agentTurns from '../agent/agent-turns.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentRunError } from '../agent/errors/agent-run-error.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { compaction } from '../compaction/compaction.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { OutputGuardrail, ToolGuardrail } from '../guardrails/guardrail.ts';
import { guardrails } from '../guardrails/index.ts';
import { validateHistory } from '../history/validate-history.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { handoff } from './handoff.ts';

const MODEL = 'gemini-2.5-flash';

const lookup = defineTool({
  name: 'lookup_account',
  parameters: z.object({ email: z.string() }),
  execute: ({ email }) => ({ email, plan: 'pro' }),
});
const refund = defineTool({
  name: 'refund',
  parameters: z.object({ amount: z.number() }),
  execute: ({ amount }) => ({ refunded: amount }),
});

function desk(filter?: Parameters<typeof handoff>[1]) {
  const billingGemini = createScriptedGemini([textTurn('Refund issued.')]);
  const billing = createAgent({
    gemini: billingGemini,
    model: MODEL,
    name: 'billing',
    instructions: 'You handle billing.',
    tools: [refund],
  });
  const triageGemini = createScriptedGemini([
    callsTurn(['lookup_account', { email: 'a@b.c' }, 'l1']),
    callsTurn(['transfer_to_billing', {}, 't1']),
  ]);
  const triage = createAgent({
    gemini: triageGemini,
    model: MODEL,
    name: 'triage',
    instructions: 'You route questions.',
    tools: [lookup, handoff(billing, filter)],
  });
  return { triage, triageGemini, billingGemini };
}

describe('handoff', () => {
  it('continues the same run with the receiving agent, its own instructions and tools, and the history without the tool turns of the agent handing over', async () => {
    const streamed = desk();
    const stream = streamed.triage.stream('I want a refund.');
    const events: AgentEvent<unknown>[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;

    expect(result.text).toBe('Refund issued.');
    expect(result.handoffs).toEqual(['billing']);
    // Steps are counted on: the receiving agent's answer is step 3 of the run.
    expect(result.steps.map((step) => step.stepNumber)).toEqual([1, 2, 3]);
    expect(events.filter((event) => event.type === 'handoff')).toEqual([
      {
        type: 'handoff',
        path: [],
        stepNumber: 2,
        from: 'triage',
        to: 'billing',
        // The default filter drops triage's lookup_account exchange: of the five contents, the
        // question, the transfer call and its response stay.
        filter: 'default',
        contentsBefore: 5,
        contentsAfter: 3,
      },
    ]);

    const sent = streamed.billingGemini.calls[0]?.request;
    expect(sent?.systemInstruction).toEqual({ parts: [{ text: 'You handle billing.' }] });
    expect(sent?.tools?.[0]?.functionDeclarations?.map((declaration) => declaration.name)).toEqual([
      'refund',
    ]);
    expect(sent?.contents).toEqual([
      { role: 'user', parts: [{ text: 'I want a refund.' }] },
      {
        role: 'model',
        parts: [{ functionCall: { id: 't1', name: 'transfer_to_billing', args: {} } }],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 't1',
              name: 'transfer_to_billing',
              response: { output: 'Transferred to billing.' },
            },
          },
        ],
      },
    ]);
    expect(validateHistory(sent?.contents)).toEqual([]);

    const unary = desk();
    const unaryResult = await unary.triage.run('I want a refund.');
    expect(unaryResult.contents).toEqual(result.contents);
    expect(unaryResult.handoffs).toEqual(['billing']);
  });

  it("hands over again with the receiving agent's own handoff tools: the run takes that agent's plugins, the sender's end", async () => {
    const seen: string[] = [];
    // A plugin per agent that says when it starts, ends and which tool results it sees.
    const watch = (agent: string) =>
      definePlugin({
        name: `watch-${agent}`,
        startRun: () => {
          seen.push(`${agent}:start`);
        },
        endRun: () => {
          seen.push(`${agent}:end`);
        },
        afterToolCall: ({ toolName }) => {
          seen.push(`${agent}:${toolName}`);
        },
      });
    const team = () => {
      const support = createAgent({
        gemini: createScriptedGemini([textTurn('Support here, fixed.')]),
        model: MODEL,
        name: 'support',
        plugins: [watch('support')],
      });
      const billing = createAgent({
        gemini: createScriptedGemini([callsTurn(['transfer_to_support', {}, 's1'])]),
        model: MODEL,
        name: 'billing',
        tools: [handoff(support)],
        plugins: [watch('billing')],
      });
      const triage = createAgent({
        gemini: createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]),
        model: MODEL,
        name: 'triage',
        tools: [handoff(billing)],
        plugins: [watch('triage')],
      });
      return triage;
    };
    for (const streamed of [false, true]) {
      seen.length = 0;
      const triage = team();
      const result = streamed
        ? await triage.stream('My app crashes.').result
        : await triage.run('My app crashes.');
      expect(result.handoffs).toEqual(['billing', 'support']);
      expect(result.text).toBe('Support here, fixed.');
      expect(seen).toEqual([
        'triage:start',
        'triage:transfer_to_billing',
        'triage:end',
        'billing:start',
        'billing:transfer_to_support',
        'billing:end',
        'support:start',
        'support:end',
      ]);
    }
  });

  it('tells the model a second transfer of the same turn was not made, as the run goes to the first', async () => {
    // Gemini calls tools in parallel: a turn may transfer to two agents at once. The run goes to
    // the first; the other call's response must not say "Transferred to support." (the history
    // the receiving agent and the next runs read would say the conversation is with support).
    const billingGemini = createScriptedGemini([textTurn('Refund issued.')]);
    const billing = createAgent({ gemini: billingGemini, model: MODEL, name: 'billing' });
    const support = createAgent({
      gemini: createScriptedGemini([textTurn('Support here.')]),
      model: MODEL,
      name: 'support',
    });
    const triage = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['transfer_to_billing', {}, 't1'], ['transfer_to_support', {}, 't2']),
      ]),
      model: MODEL,
      name: 'triage',
      tools: [handoff(billing), handoff(support)],
    });
    const result = await triage.run('Refund, and my app crashes.');
    expect(result.handoffs).toEqual(['billing']);
    expect(result.text).toBe('Refund issued.');
    const responses = result.steps[0]?.toolCalls.map((call) => call.response.response);
    expect(responses?.[0]).toEqual({ output: 'Transferred to billing.' });
    expect(responses?.[1]).toEqual({
      output:
        'Not transferred to support: this turn transferred the conversation to billing already.',
    });
    expect(JSON.stringify(billingGemini.calls[0]?.request.contents)).not.toContain(
      'Transferred to support',
    );
  });

  it('sends the receiving agent the filtered history, not a compaction made before the handoff', async () => {
    const page = defineTool({
      name: 'read_page',
      parameters: z.object({ n: z.number() }),
      execute: ({ n }) => ({ n, text: 'lorem ipsum dolor '.repeat(400) }),
    });
    const billingGemini = createScriptedGemini([textTurn('Refund issued.')]);
    const billing = createAgent({ gemini: billingGemini, model: MODEL, name: 'billing' });
    const triage = createAgent({
      gemini: createScriptedGemini([
        ...[1, 2, 3, 4].map((n) => callsTurn(['read_page', { n }, `p${n}`])),
        callsTurn(['transfer_to_billing', {}, 't1']),
      ]),
      model: MODEL,
      name: 'triage',
      tools: [page, handoff(billing)],
      compaction: compaction({ maxTokens: 2_500, keepRecent: 2 }),
    });
    const result = await triage.run('I want a refund.');
    expect(result.compaction?.reports.length).toBeGreaterThan(0);
    const sent = billingGemini.calls[0]?.request.contents ?? [];
    // The transfer turn and its response, without triage's page reads (the default filter).
    expect(sent).toEqual(result.contents.slice(0, 3));
    expect(JSON.stringify(sent)).not.toContain('read_page');
  });

  it('takes a filter, and ends the run with an AgentRunError when the filtered history breaks the pairing', async () => {
    const kept = desk({ filter: (contents) => [...contents] });
    await kept.triage.run('I want a refund.');
    expect(kept.billingGemini.calls[0]?.request.contents).toHaveLength(5);

    // The transfer call dropped, its response kept: a response without its call.
    const broken = desk({
      filter: (contents) => contents.filter((_, index) => index !== contents.length - 2),
    });
    const error = await broken.triage.run('I want a refund.').catch((thrown: unknown) => thrown);
    expect(AgentRunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /handoff filter returned a history the Gemini API would reject/,
    );
    expect(broken.billingGemini.calls).toHaveLength(0);
  });
});

describe('handoff: the receiving agent’s guardrails and compaction', () => {
  const noCards: OutputGuardrail = {
    name: 'no-cards',
    check: ({ text }) =>
      /\d{4} \d{4} \d{4} \d{4}/.test(text)
        ? { type: 'block', reason: 'a card number' }
        : { type: 'pass' },
  };
  const refundLimit: ToolGuardrail = {
    name: 'refund-limit',
    tools: ['refund'],
    before: ({ args }) =>
      (args as { amount: number }).amount > 100
        ? { type: 'deny', message: 'Refunds over 100 need a manager.' }
        : { type: 'allow' },
  };

  function guardedDesk(triageGuardrails?: ReturnType<typeof guardrails>) {
    const billingGemini = createScriptedGemini([
      callsTurn(['refund', { amount: 500 }, 'r1']),
      textTurn('Refunded to card 4111 1111 1111 1111.'),
    ]);
    const billing = createAgent({
      gemini: billingGemini,
      model: MODEL,
      name: 'billing',
      tools: [refund],
      guardrails: guardrails({ output: [noCards], tools: [refundLimit] }),
    });
    const triage = createAgent({
      gemini: createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]),
      model: MODEL,
      name: 'triage',
      tools: [handoff(billing)],
      ...(triageGuardrails === undefined ? {} : { guardrails: triageGuardrails }),
    });
    return { triage, billingGemini };
  }

  it.each(['run', 'stream'] as const)(
    'checks what the receiving agent does with its own output and tool guardrails (%s)',
    async (mode) => {
      // Before, the run kept the guardrails of the agent that started it: billing's card check
      // never ran, and the card number reached the user.
      const { triage, billingGemini } = guardedDesk();
      const events: AgentEvent<unknown>[] = [];
      let error: unknown;
      if (mode === 'run')
        error = await triage.run('Refund 500.').catch((thrown: unknown) => thrown);
      else {
        const stream = triage.stream('Refund 500.');
        try {
          for await (const event of stream) events.push(event);
        } catch (thrown) {
          error = thrown;
        }
      }
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect((error as GuardrailTrippedError).guardrailName).toBe('no-cards');
      // The tool guardrail denied the refund: the model read the denial, the tool never ran.
      const response = (billingGemini.calls[1]?.request.contents as Content[] | undefined)?.at(-1)
        ?.parts?.[0]?.functionResponse;
      expect(JSON.stringify(response?.response)).toContain('Refunds over 100 need a manager.');
      if (mode === 'stream') {
        const checks = events.filter((event) => event.type === 'guardrail');
        expect(checks.map((event) => (event as { name?: string }).name)).toEqual(
          expect.arrayContaining(['refund-limit', 'no-cards']),
        );
      }
    },
  );

  it('drops the output guardrails of the agent that handed over, keeps the run’s own', async () => {
    const blockAll: OutputGuardrail = {
      name: 'triage-only',
      check: () => ({ type: 'block', reason: 'triage’s own rule' }),
    };
    const billing = createAgent({
      gemini: createScriptedGemini([textTurn('Refund issued.'), textTurn('Refund issued.')]),
      model: MODEL,
      name: 'billing',
    });
    const triage = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['transfer_to_billing', {}, 't1']),
        callsTurn(['transfer_to_billing', {}, 't2']),
      ]),
      model: MODEL,
      name: 'triage',
      tools: [handoff(billing)],
      guardrails: guardrails({ output: [blockAll] }),
    });
    // An agent's output guardrails check its own answers (the OpenAI Agents SDK: "only if the
    // agent is the last agent"): billing answered.
    expect((await triage.run('Refund.')).text).toBe('Refund issued.');
    // The run's own guardrails check the run's answer, whoever gives it.
    const runLevel = await triage
      .run('Refund.', { guardrails: guardrails({ output: [noCards, blockAll] }) })
      .catch((thrown: unknown) => thrown);
    expect((runLevel as GuardrailTrippedError).guardrailName).toBe('triage-only');
  });

  it('compacts with the receiving agent’s compaction, and a run’s own compaction for its model', async () => {
    const page = defineTool({
      name: 'read_page',
      parameters: z.object({ n: z.number() }),
      execute: ({ n }) => ({ n, text: 'lorem ipsum dolor '.repeat(400) }),
    });
    const make = () => {
      const billing = createAgent({
        gemini: createScriptedGemini([
          ...[1, 2, 3, 4].map((n) => callsTurn(['read_page', { n }, `p${n}`])),
          textTurn('Refund issued.'),
        ]),
        model: MODEL,
        name: 'billing',
        tools: [page],
        compaction: compaction({ maxTokens: 2_500, keepRecent: 2 }),
      });
      return createAgent({
        gemini: createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]),
        model: MODEL,
        name: 'triage',
        tools: [handoff(billing)],
      });
    };
    // Triage has no compaction: billing's own keeps its reads in the window.
    const result = await make().run('I want a refund.');
    expect(result.text).toBe('Refund issued.');
    expect(result.compaction?.reports.length).toBeGreaterThan(0);
  });
});

// Two copies of one version of @gemloop/core in a process (pnpm installs one per peer set; a
// linked or bundled library brings its own): an agent one made is a hand-off target or subagent
// in the other's agent (the packed packages, two real copies: test/packed-install.test.ts).
describe('handoff: an agent of another copy of @gemloop/core', () => {
  it('is found by a second instance of the agents registry, as a second copy of this version loads it', async () => {
    // A second module instance of agent-turns.ts, as a second copy of the package has (its own
    // module-level state): it must see the agents the first one's createAgent registered.
    const second = (await import(
      /* @vite-ignore */ `${new URL('../agent/agent-turns.ts', import.meta.url).href}?second-copy`
    )) as typeof agentTurns;
    expect(second.registerAgentTurns).not.toBe(agentTurns.registerAgentTurns);
    const billing = createAgent({
      gemini: createScriptedGemini([]),
      model: MODEL,
      name: 'billing',
    });
    const turns = second.agentTurnsOf(billing);
    expect(turns).toBe(agentTurns.registeredTurnsOf(billing));
    expect(turns.name).toBe('billing');
    expect(turns.handoffTarget).toBeTypeOf('function');
  });

  it('refuses an agent it cannot continue a run with as that, not as one without a name', () => {
    // An agent of another installed version (or one gemloop did not make) has public methods
    // only: it was told to pass a name it had, and with one it got the right message.
    const foreign = {
      name: 'billing',
      run: () => Promise.reject(new Error('not called')),
      stream: () => {
        throw new Error('not called');
      },
    } as unknown as Parameters<typeof handoff>[0];
    for (const options of [undefined, { name: 'billing' }]) {
      let thrown: unknown;
      try {
        handoff(foreign, options);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
      expect((thrown as InvalidArgumentError).argument).toBe('agent');
      expect((thrown as Error).message).toMatch(
        /^handoff\(\) takes an agent made by createAgent of this version of @gemloop\/core \(\d+\.\d+\.\d+.*\): .* runs as a subagent\(\) only\.$/,
      );
    }
  });
});
