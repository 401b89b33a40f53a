import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RUN_MODES, runBothWays } from '../agent/__fixtures__/run-both-ways.ts';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { type Agent, createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createSteering } from './create-steering.ts';

// The ends of a run's inbox (`run.receive(topic)`, `stream.send`, `steering.send`): what no plugin
// received when a one-run inbox closes is reported, counted per topic; and a plugin that leaves at
// a hand-off may receive in its `endRun`, as at the run's own end.

const MODEL = 'gemini-2.5-flash';

async function drain(stream: ReturnType<Agent['stream']>) {
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  return { events, result: await stream.result };
}

const unreadOf = (events: readonly AgentEvent[]) =>
  events.filter((event) => event.type === 'plugin' && event.kind === 'unread');

describe('messages left in a one-run inbox when the run ends', () => {
  /** A tool that sends `messages` to the stream it runs in (while the run is under way). */
  function sender(stream: () => ReturnType<Agent['stream']>, messages: [string, unknown][]) {
    return defineTool({
      name: 'notify',
      description: 'Sends notes.',
      parameters: z.object({}),
      execute: async () => {
        for (const [topic, value] of messages) await stream().send(topic, value);
        return { sent: messages.length };
      },
    });
  }
  const script = () => createScriptedGemini([callsTurn(['notify', {}]), textTurn('Done.')]);

  it('are reported once per run, counted per topic, without their values, before run-end', async () => {
    let stream: ReturnType<Agent['stream']> | undefined;
    const agent = createAgent({
      gemini: script(),
      model: MODEL,
      tools: [
        sender(
          () => stream as ReturnType<Agent['stream']>,
          [
            ['ops', { note: 'SECRET-VALUE 1' }],
            ['ops', { note: 'SECRET-VALUE 2' }],
            ['audit', 'SECRET-VALUE 3'],
          ],
        ),
      ],
    });
    stream = agent.stream('Go.');
    const { events, result } = await drain(stream);
    expect(result.text).toBe('Done.');
    expect(unreadOf(events)).toEqual([
      expect.objectContaining({
        plugin: 'steering',
        kind: 'unread',
        data: {
          reason: 'run-ended',
          topics: [
            { topic: 'ops', count: 2 },
            { topic: 'audit', count: 1 },
          ],
        },
      }),
    ]);
    const types = events.map((event) => event.type);
    expect(types.lastIndexOf('plugin')).toBeLessThan(types.indexOf('run-end'));
    expect(JSON.stringify(events)).not.toContain('SECRET-VALUE');
  });

  it('counts only what no plugin took', async () => {
    const taken: unknown[] = [];
    const reader: AgentPlugin = definePlugin({
      name: 'reader',
      afterAnswer: async (_answer, run) => {
        taken.push(...(await run.receive('ops', { max: 1 })));
      },
    });
    let stream: ReturnType<Agent['stream']> | undefined;
    const agent = createAgent({
      gemini: script(),
      model: MODEL,
      plugins: [reader],
      tools: [
        sender(
          () => stream as ReturnType<Agent['stream']>,
          [
            ['ops', 1],
            ['ops', 2],
          ],
        ),
      ],
    });
    stream = agent.stream('Go.');
    const { events } = await drain(stream);
    expect(taken).toEqual([1]);
    expect(unreadOf(events)).toEqual([
      expect.objectContaining({
        data: { reason: 'run-ended', topics: [{ topic: 'ops', count: 1 }] },
      }),
    ]);
  });

  it('says the run was aborted when it was', async () => {
    const controller = new AbortController();
    let stream: ReturnType<Agent['stream']> | undefined;
    const notify = sender(() => stream as ReturnType<Agent['stream']>, [['ops', 1]]);
    const agent = createAgent({
      gemini: script(),
      model: MODEL,
      tools: [
        defineTool({
          name: 'notify',
          description: 'Sends a note, then the caller gives up.',
          parameters: z.object({}),
          execute: async (args, context) => {
            const sent = await notify.execute(args, context);
            controller.abort(new Error('gave up'));
            return sent;
          },
        }),
      ],
    });
    stream = agent.stream('Go.', { signal: controller.signal });
    const events: AgentEvent[] = [];
    const error = await (async () => {
      for await (const event of stream) events.push(event as AgentEvent);
    })().catch((caught: unknown) => caught);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(unreadOf(events)).toEqual([
      expect.objectContaining({
        data: { reason: 'aborted', topics: [{ topic: 'ops', count: 1 }] },
      }),
    ]);
  });

  it("are not reported for a controller's inbox, which keeps them for its next run", async () => {
    const steering = createSteering();
    await steering.send('ops', 'for later');
    const taken: unknown[] = [];
    const reader: AgentPlugin = definePlugin({
      name: 'reader',
      afterAnswer: async (_answer, run) => {
        taken.push(...(await run.receive('ops')));
      },
    });
    const quiet = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
    });
    const { events } = await drain(quiet.stream('Go.', { steering }));
    expect(unreadOf(events)).toEqual([]);
    const reading = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [reader],
    });
    await reading.run('Go.', { steering });
    expect(taken).toEqual(['for later']);
  });
});

describe.each(RUN_MODES)('run.receive in endRun at a hand-off (%s)', (mode) => {
  it('returns what waits, as at any boundary; the run goes on with the receiving agent', async () => {
    const billing = createAgent({
      gemini: createScriptedGemini([textTurn('Refund issued.')]),
      model: MODEL,
      name: 'billing',
    });
    const received: unknown[][] = [];
    const router: AgentPlugin = definePlugin({
      name: 'router',
      receivers: { billing },
      afterAnswer: () => ({ type: 'hand-off', to: billing }),
      endRun: async (run) => {
        received.push([...(await run.receive('ops'))]);
      },
    });
    const triage = createAgent({
      gemini: createScriptedGemini([textTurn('Passing you to billing.')]),
      model: MODEL,
      name: 'triage',
      plugins: [router],
    });
    const steering = createSteering();
    await steering.send('ops', { note: 'hand-off' });
    const { result } = await runBothWays(mode, triage, 'I want a refund.', { steering });
    expect(result.text).toBe('Refund issued.');
    expect(result.handoffs).toEqual(['billing']);
    // Once, at the hand-off (the router left with triage): the message, then nothing more.
    expect(received).toEqual([[{ note: 'hand-off' }]]);
  });
});
