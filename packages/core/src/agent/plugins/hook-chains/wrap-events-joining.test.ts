import { describe, expect, it } from 'vitest';
import { guardrails } from '../../../guardrails/index.ts';
import { createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../../agent-event.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { type Agent, createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import type { LatePlugins } from '../run-plugins.ts';

// `wrapEvents` for plugins that come to a run after it started: those that join it while it runs
// (a stream's late plugins) and the receiving agent's at a hand-off. Their wrappers join the run's
// (inside the ones already there) once their `startRun` ran; a plugin that leaves at a hand-off
// wraps no more. Before, wrapEvents was applied once, when the run started: a receiving agent's
// held text (`holdBack`) streamed unheld, and a leaving plugin's wrapper kept filtering the
// receiving agent's events.

const MODEL = 'gemini-2.5-flash';

async function drain(stream: AsyncIterable<AgentEvent<unknown>>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  return events;
}

const deltas = (events: readonly AgentEvent[]): string[] =>
  events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));

/** Notes the type of every event its wrapper passes on. */
function tap(name: string, seen: string[]): AgentPlugin {
  return definePlugin({
    name,
    wrapEvents: (emit) => (event) => {
      seen.push(event.type);
      return emit(event);
    },
  });
}

/** Hands the run to `to()` after the first answer of the agent holding it. */
function router(to: () => Agent, extra: Partial<AgentPlugin> = {}): AgentPlugin {
  return definePlugin({
    name: 'router',
    receivers: () => ({ [agentTurnsOf(to()).name ?? 'agent']: to() }),
    afterAnswer: () => ({ type: 'hand-off', to: to() }),
    ...(extra as object),
  });
}

describe('wrapEvents of a plugin that arrives at a hand-off', () => {
  it("the receiving agent's held text is held: only its guardrail's rewrite is streamed", async () => {
    const billing = createAgent({
      gemini: createScriptedGemini([textTurn('Call 555-1234')]),
      model: MODEL,
      name: 'billing',
      guardrails: guardrails({
        holdBack: true,
        output: [
          {
            name: 'redact-phone',
            check: ({ text }) => ({
              type: 'rewrite',
              text: text.replace(/\d{3}-\d{4}/g, '[phone]'),
            }),
          },
        ],
      }),
    });
    const triage = createAgent({
      gemini: createScriptedGemini([textTurn('Passing you on.')]),
      model: MODEL,
      name: 'triage',
      plugins: [router(() => billing)],
    });
    const stream = triage.stream('Who do I call?');
    const events = await drain(stream);
    expect((await stream.result).text).toBe('Call [phone]');
    expect(deltas(events)).toEqual(['Passing you on.', 'Call [phone]']);
    // Held until checked: nothing of the model's words was shown, so nothing is retracted (the
    // history and step-end keep the model's words, as with the agent's own guardrails).
    expect(events.some((event) => event.type === 'guardrail-retraction')).toBe(false);
  });

  it("a third party's wrapper sees the receiving agent's events from its start on", async () => {
    const seen: string[] = [];
    const billing = createAgent({
      gemini: createScriptedGemini([textTurn('Refund issued.')]),
      model: MODEL,
      name: 'billing',
      plugins: [tap('billing-tap', seen)],
    });
    const triage = createAgent({
      gemini: createScriptedGemini([textTurn('Passing you on.')]),
      model: MODEL,
      name: 'triage',
      plugins: [router(() => billing)],
    });
    await drain(triage.stream('Refund, please.'));
    expect(seen).toEqual(['step-start', 'text-delta', 'step-end', 'run-end']);
  });

  it('a plugin that left wraps no more: its filter does not reach the receiving agent', async () => {
    const billing = createAgent({
      gemini: createScriptedGemini([textTurn('Refund issued.')]),
      model: MODEL,
      name: 'billing',
    });
    // Triage's own tap drops its text (say, a UI that shows triage's routing words nowhere).
    const quiet: AgentPlugin = definePlugin({
      name: 'quiet-triage',
      wrapEvents: (emit) => (event) => (event.type === 'text-delta' ? undefined : emit(event)),
    });
    const triage = createAgent({
      gemini: createScriptedGemini([textTurn('Passing you on.')]),
      model: MODEL,
      name: 'triage',
      plugins: [router(() => billing), quiet],
    });
    const events = await drain(triage.stream('Refund, please.'));
    expect(deltas(events)).toEqual(['Refund issued.']);
  });
});

describe.each([false, true])(
  'wrapEvents of a plugin that joins a running stream (agent plugins: %s)',
  (withPlugins) => {
    it('wraps the events from the boundary where it joined', async () => {
      const seen: string[] = [];
      const agent = createAgent({
        gemini: createScriptedGemini([textTurn('Done.')]),
        model: MODEL,
        ...(withPlugins && {
          plugins: [definePlugin({ name: 'other', afterModelCall: () => {} })],
        }),
      });
      const late: LatePlugins = {
        joining: Promise.resolve([tap('late-tap', seen)]),
        closed: false,
      };
      const stream = agentTurnsOf(agent).stream('Go.', {}, undefined, undefined, undefined, late);
      const events = await drain(stream);
      expect(deltas(events)).toEqual(['Done.']);
      expect(seen).toEqual(['step-start', 'text-delta', 'step-end', 'run-end']);
    });
  },
);
