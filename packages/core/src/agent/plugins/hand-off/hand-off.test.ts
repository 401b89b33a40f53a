import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../tools/define/define-tool.ts';
import type { Content } from '../../../wire/content.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { DEFAULT_MAX_HAND_OFFS } from '../../config/options/steps.ts';
import { type Agent, createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';

// A plugin hands the run to another agent by returning `{ type: 'hand-off', to }`: the receiving
// agent goes on with the same run (its own instructions, tools and plugins; steps numbered on,
// usage summed), the history filtered for it, and a run changes hands a bounded number of times.

const MODEL = 'gemini-2.5-flash';
const userTurn = (text: string): Content => ({ role: 'user', parts: [{ text }] });

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an order up.',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, status: 'shipped' }),
});

/** A plugin that hands the run to `to()` after the first answer of the agent holding it. */
function handOffAfterAnswer(to: () => Agent, extra: Record<string, unknown> = {}): AgentPlugin {
  return definePlugin({
    name: 'router',
    // Declared by the name it goes by (read when needed: `to` may be made after the plugin).
    receivers: () => ({ [agentTurnsOf(to()).name ?? 'agent']: to() }),
    afterAnswer: () => ({ type: 'hand-off', to: to(), ...extra }) as never,
  });
}

describe.each(RUN_MODES)('a hand-off after an answer (%s)', (mode) => {
  it('gives the run to the receiving agent: its instructions, its answer, steps numbered on, usage summed', async () => {
    const billingGemini = createScriptedGemini([textTurn('Refund issued.')]);
    const billing = createAgent({
      gemini: billingGemini,
      model: MODEL,
      name: 'billing',
      instructions: 'You handle refunds.',
    });
    const triageGemini = createScriptedGemini([textTurn('Passing you to billing.')]);
    const triage = createAgent({
      gemini: triageGemini,
      model: MODEL,
      name: 'triage',
      instructions: 'You route requests.',
      plugins: [
        handOffAfterAnswer(() => billing, { contents: [userTurn('Please refund order 7.')] }),
      ],
    });
    const { result, events } = await runBothWays(mode, triage, 'I want a refund.');
    expect(result.text).toBe('Refund issued.');
    expect(result.handoffs).toEqual(['billing']);
    expect(result.steps.map((step) => step.stepNumber)).toEqual([1, 2]);
    expect(result.usage.totalTokenCount).toBe(30);
    // The receiving agent's model, with its own instructions, sees the answer and the new turn.
    expect(billingGemini.calls).toHaveLength(1);
    expect(JSON.stringify(billingGemini.calls[0]?.request.systemInstruction)).toContain('refunds');
    expect(billingGemini.contentsOf(0)).toEqual([
      userTurn('I want a refund.'),
      { role: 'model', parts: [{ text: 'Passing you to billing.' }] },
      userTurn('Please refund order 7.'),
    ]);
    if (mode === 'stream') {
      const handoff = events.find((event) => event.type === 'handoff');
      expect(handoff).toMatchObject({
        from: 'triage',
        to: 'billing',
        filter: 'default',
        stepNumber: 1,
      });
    }
  });

  it('drops the tool exchanges of the agent handing over by default, keeping its words', async () => {
    const receiverGemini = createScriptedGemini([textTurn('Hello from support.')]);
    const receiver = createAgent({ gemini: receiverGemini, model: MODEL, name: 'support' });
    const sender = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['lookup', { order: '7' }, 'c1']),
        textTurn('It shipped; passing you on.'),
      ]),
      model: MODEL,
      name: 'front',
      tools: [lookup],
      plugins: [handOffAfterAnswer(() => receiver, { contents: [userTurn('Take over.')] })],
    });
    const { result } = await runBothWays(mode, sender, 'Where is order 7?');
    const sent = receiverGemini.contentsOf(0);
    expect(JSON.stringify(sent)).not.toContain('functionCall');
    expect(JSON.stringify(sent)).not.toContain('functionResponse');
    expect(sent.map((content) => content.role)).toEqual(['user', 'model', 'user']);
    expect(result.text).toBe('Hello from support.');
  });

  it('uses a filter the plugin gives, with where the agent handing over took the run', async () => {
    const receiverGemini = createScriptedGemini([textTurn('Fresh start.')]);
    const receiver = createAgent({ gemini: receiverGemini, model: MODEL, name: 'fresh' });
    const froms: number[] = [];
    const sender = createAgent({
      gemini: createScriptedGemini([textTurn('Bye.')]),
      model: MODEL,
      name: 'old',
      plugins: [
        handOffAfterAnswer(() => receiver, {
          filter: (contents: readonly Content[], from: number) => {
            froms.push(from);
            return contents.slice(0, 1);
          },
        }),
      ],
    });
    const { events } = await runBothWays(mode, sender, 'Start over.');
    expect(froms).toEqual([0]);
    expect(receiverGemini.contentsOf(0)).toEqual([userTurn('Start over.')]);
    if (mode === 'stream')
      expect(events.find((event) => event.type === 'handoff')).toMatchObject({
        filter: 'custom',
        contentsBefore: 2,
        contentsAfter: 1,
      });
  });

  it('ends the sender’s plugins and starts the receiver’s; a run’s own plugin keeps its state', async () => {
    const log: string[] = [];
    const lifecycle = (name: string) =>
      definePlugin({
        name,
        startRun: () => {
          log.push(`${name} start`);
          return { answers: 0 };
        },
        afterAnswer: (_answer, run) => {
          run.state.answers++;
        },
        endRun: (run) => {
          log.push(`${name} end after ${run.state.answers}`);
        },
      });
    const receiver = createAgent({
      gemini: createScriptedGemini([textTurn('Second.')]),
      model: MODEL,
      name: 'receiver',
      plugins: [lifecycle('receiver-plugin')],
    });
    const sender = createAgent({
      gemini: createScriptedGemini([textTurn('First.')]),
      model: MODEL,
      name: 'sender',
      plugins: [
        lifecycle('sender-plugin'),
        handOffAfterAnswer(() => receiver, { contents: [userTurn('Go on.')] }),
      ],
    });
    await runBothWays(mode, sender, 'Hi', { plugins: [lifecycle('run-plugin')] });
    expect(log).toEqual([
      'sender-plugin start',
      'run-plugin start',
      // afterAnswer runs last plugin first, and the router's hand-off ends the chain: the
      // sender's own afterAnswer is not asked about an answer that was handed on.
      'sender-plugin end after 0',
      'receiver-plugin start',
      // The receiver's plugins take the sender's place, before the run's own: ends in reverse.
      'run-plugin end after 2',
      'receiver-plugin end after 1',
    ]);
  });
});

describe.each(RUN_MODES)('a hand-off from afterToolCall (%s)', (mode) => {
  it('lets the turn’s responses end the history the receiving agent sees', async () => {
    const receiverGemini = createScriptedGemini([textTurn('Order 7 shipped yesterday.')]);
    const receiver = createAgent({ gemini: receiverGemini, model: MODEL, name: 'shipping' });
    const transfer = definePlugin({
      name: 'transfer',
      receivers: { shipping: receiver },
      afterToolCall: () => ({
        type: 'hand-off',
        to: receiver,
        filter: (contents) => [...contents],
      }),
    });
    const sender = createAgent({
      gemini: createScriptedGemini([callsTurn(['lookup', { order: '7' }, 'c1'])]),
      model: MODEL,
      name: 'front',
      tools: [lookup],
      plugins: [transfer],
    });
    const { result } = await runBothWays(mode, sender, 'Order 7?');
    expect(result.text).toBe('Order 7 shipped yesterday.');
    expect(result.handoffs).toEqual(['shipping']);
    const last = receiverGemini.contentsOf(0).at(-1);
    expect(last?.parts[0]?.functionResponse).toMatchObject({
      id: 'c1',
      response: { order: '7', status: 'shipped' },
    });
  });
});

/** Two agents whose plugins hand every answer's run to the other; `limits`: their maxHandOffs. */
function pingPong(turns: number, limits: { ping?: number; pong?: number } = {}) {
  const gemini = createScriptedGemini(
    Array.from({ length: turns }, (_, index) => textTurn(`answer ${index}`)),
  );
  let pong: Agent | undefined;
  const ping = createAgent({
    gemini,
    model: MODEL,
    name: 'ping',
    maxHandOffs: limits.ping,
    plugins: [handOffAfterAnswer(() => pong as Agent, { contents: [userTurn('Your turn.')] })],
  });
  pong = createAgent({
    gemini,
    model: MODEL,
    name: 'pong',
    maxHandOffs: limits.pong,
    plugins: [
      definePlugin({
        name: 'back',
        receivers: { ping },
        afterAnswer: () => ({ type: 'hand-off', to: ping, contents: [userTurn('Yours.')] }),
      }),
    ],
  });
  return { gemini, ping };
}

describe.each(RUN_MODES)('agents that hand a run back and forth (%s)', (mode) => {
  it(`stop after ${DEFAULT_MAX_HAND_OFFS} hand-offs with a PluginError, instead of calling models without end`, async () => {
    const { gemini, ping } = pingPong(DEFAULT_MAX_HAND_OFFS + 10);
    const error = await rejectionOf(runBothWays(mode, ping, 'Play.'));
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).hook).toBe('afterAnswer');
    expect((error as PluginError).message).toContain(`after ${DEFAULT_MAX_HAND_OFFS} hand-offs`);
    expect((error as PluginError).message).toContain('maxHandOffs');
    expect(gemini.calls).toHaveLength(DEFAULT_MAX_HAND_OFFS + 1);
    // The history stays one a chat can go on from: it ends with the last answer.
    expect((error as PluginError).run.contents.at(-1)?.role).toBe('model');
  });

  it("stop where the handing agent's maxHandOffs says, the error naming the option", async () => {
    // pong allows 3: its hand-off back after the third ends the run (ping's own 25 never reached).
    const { gemini, ping } = pingPong(10, { pong: 3 });
    const error = await rejectionOf(runBothWays(mode, ping, 'Play.'));
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).plugin).toBe('back');
    expect((error as PluginError).message).toContain(
      "after 3 hand-offs, more than the agent's maxHandOffs (3) allows",
    );
    expect(gemini.calls).toHaveLength(4);
    // maxHandOffs: 0 on the agent run first: its first hand-off is refused, one model call made.
    const none = pingPong(10, { ping: 0 });
    const refused = await rejectionOf(runBothWays(mode, none.ping, 'Play.'));
    expect((refused as PluginError).message).toContain('maxHandOffs (0)');
    expect(none.gemini.calls).toHaveLength(1);
  });

  it('takes a few hand-offs back and forth as any conversation does', async () => {
    const gemini = createScriptedGemini(
      Array.from({ length: 4 }, (_, index) => textTurn(`answer ${index}`)),
    );
    let handOffs = 0;
    let second: Agent | undefined;
    const first = createAgent({
      gemini,
      model: MODEL,
      name: 'first',
      plugins: [
        definePlugin({
          name: 'to-second',
          receivers: () => ({ second: second as Agent }),
          afterAnswer: () =>
            handOffs++ < 3
              ? { type: 'hand-off', to: second as Agent, contents: [userTurn('Next.')] }
              : undefined,
        }),
      ],
    });
    second = createAgent({
      gemini,
      model: MODEL,
      name: 'second',
      plugins: [
        definePlugin({
          name: 'to-first',
          receivers: { first },
          afterAnswer: () =>
            handOffs++ < 3
              ? { type: 'hand-off', to: first, contents: [userTurn('Back.')] }
              : undefined,
        }),
      ],
    });
    const { result } = await runBothWays(mode, first, 'Start.');
    expect(result.handoffs).toEqual(['second', 'first', 'second']);
    expect(result.text).toBe('answer 3');
  });
});
