import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rejectionOf } from '../agent/__fixtures__/run-both-ways.ts';
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
import type { ChatSession } from '../chat/chat-session.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import type { RunObserver } from '../telemetry/run-observer.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// A plugin that joins a run while it runs (a stream's own steering, loaded on its first
// `stream.send`/`steer`) is ended with the run however the run ends: its `endRun` runs once,
// with the run's error when it failed. Before, a run with plugins of its own that failed while
// one waited to join, and a run without plugins that failed after one had joined, never ended
// it: what its inbox held went unreported.

const MODEL = 'gemini-2.5-flash';

const unreadOf = (events: readonly AgentEvent[]) =>
  events.filter((event) => event.type === 'plugin' && event.kind === 'unread');

/** A plugin of the agent's own that counts its ends (so the run goes through `aroundRun`). */
function counting(): { plugin: AgentPlugin; ends: unknown[] } {
  const ends: unknown[] = [];
  const plugin = definePlugin({
    name: 'counting',
    endRun: (_run, { error }) => {
      ends.push(error === undefined ? 'ok' : 'failed');
    },
  });
  return { plugin, ends };
}

/** Drains `stream`, giving its events and what it failed with. */
async function failedStream(stream: ReturnType<Agent['stream']>) {
  const events: AgentEvent[] = [];
  const error = await (async () => {
    for await (const event of stream) events.push(event as AgentEvent);
  })().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  await stream.result.catch(() => {});
  return { events, error };
}

describe('a stream whose run fails while a plugin waits to join', () => {
  /** A tool that sends a note to the stream it runs in, then fails the run. */
  function sendThenFail(stream: () => ReturnType<Agent['stream']>) {
    return defineTool({
      name: 'notify',
      description: 'Sends a note, then breaks.',
      parameters: z.object({}),
      execute: async () => {
        await stream().send('ops', { note: 'SECRET-NOTE' });
        throw new Error('the tool broke');
      },
    });
  }

  it('ends it with the run (agent with plugins): its unread messages are reported', async () => {
    const { plugin, ends } = counting();
    let stream: ReturnType<Agent['stream']> | undefined;
    const agent = createAgent({
      gemini: createScriptedGemini([callsTurn(['notify', {}]), textTurn('never')]),
      model: MODEL,
      plugins: [plugin],
      toolErrors: 'throw',
      tools: [sendThenFail(() => stream as ReturnType<Agent['stream']>)],
    });
    stream = agent.stream('Go.');
    const { events, error } = await failedStream(stream);
    expect(error).toBeInstanceOf(Error);
    expect(ends).toEqual(['failed']);
    expect(unreadOf(events)).toEqual([
      expect.objectContaining({
        plugin: 'steering',
        data: { reason: 'failed', topics: [{ topic: 'ops', count: 1 }] },
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain('SECRET-NOTE');
    // The run is over: a later message is refused, not queued for nobody.
    await expect(stream.send('ops', 'late')).rejects.toMatchObject({ reason: 'run-ended' });
  });

  it('ends it once when the run is aborted (agent with plugins)', async () => {
    const { plugin, ends } = counting();
    const controller = new AbortController();
    let stream: ReturnType<Agent['stream']> | undefined;
    const agent = createAgent({
      gemini: createScriptedGemini([callsTurn(['notify', {}]), textTurn('never')]),
      model: MODEL,
      plugins: [plugin],
      tools: [
        defineTool({
          name: 'notify',
          description: 'Sends a note, then the caller gives up.',
          parameters: z.object({}),
          execute: async () => {
            await (stream as ReturnType<Agent['stream']>).send('ops', 1);
            controller.abort(new Error('gave up'));
            return { sent: 1 };
          },
        }),
      ],
    });
    stream = agent.stream('Go.', { signal: controller.signal });
    const { events, error } = await failedStream(stream);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(ends).toEqual(['failed']);
    expect(unreadOf(events)).toEqual([
      expect.objectContaining({
        data: { reason: 'aborted', topics: [{ topic: 'ops', count: 1 }] },
      }),
    ]);
  });
});

describe('a stream handed off, then failing while a plugin waits to join', () => {
  it("ends it with the receiving agent's run: its unread messages are reported once", async () => {
    let stream: ReturnType<Agent['stream']> | undefined;
    const billing = createAgent({
      gemini: createScriptedGemini([{ error: new Error('billing is down') }]),
      model: MODEL,
      name: 'billing',
    });
    const { plugin, ends } = counting();
    const router = definePlugin({
      name: 'router',
      receivers: { billing },
      afterAnswer: async () => {
        // A message during the run: the stream's steering waits to join at the next boundary.
        await (stream as ReturnType<Agent['stream']>).send('ops', 1);
        return { type: 'hand-off', to: billing };
      },
    });
    const triage = createAgent({
      gemini: createScriptedGemini([textTurn('Passing you to billing.')]),
      model: MODEL,
      name: 'triage',
      plugins: [router, plugin],
    });
    stream = triage.stream('I want a refund.');
    const { events, error } = await failedStream(stream);
    expect(error).toBeInstanceOf(Error);
    // The agent's plugin left at the hand-off (ended there, once); the run failed after.
    expect(ends).toEqual(['ok']);
    expect(unreadOf(events)).toEqual([
      expect.objectContaining({ data: { reason: 'failed', topics: [{ topic: 'ops', count: 1 }] } }),
    ]);
  });
});

describe('a run without plugins that fails after a plugin joined it', () => {
  it('ends the plugin that joined (stream): its unread messages are reported once', async () => {
    let stream: ReturnType<Agent['stream']> | undefined;
    let calls = 0;
    const agent = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['notify', {}]),
        callsTurn(['notify', {}]),
        textTurn('never'),
      ]),
      model: MODEL,
      toolErrors: 'throw',
      tools: [
        defineTool({
          name: 'notify',
          description: 'Sends a note the first time, breaks the second.',
          parameters: z.object({}),
          execute: async () => {
            calls++;
            if (calls === 2) throw new Error('the tool broke');
            await (stream as ReturnType<Agent['stream']>).send('ops', 1);
            return { sent: 1 };
          },
        }),
      ],
    });
    stream = agent.stream('Go.');
    const { events, error } = await failedStream(stream);
    expect(error).toBeInstanceOf(Error);
    // The steering plugin joined at the second step's boundary; the run failed in that step.
    expect(unreadOf(events)).toEqual([
      expect.objectContaining({ data: { reason: 'failed', topics: [{ topic: 'ops', count: 1 }] } }),
    ]);
  });
});

describe('a chat send (unary) whose run fails while its steering waits to join', () => {
  it("ends the send's steering: a steer taken during the run is reported dropped", async () => {
    const { plugin, ends } = counting();
    const events: AgentEvent[] = [];
    // An observer of the run's events (a unary run has no stream to read them from).
    const recorder: RunObserver = {
      startRun: () => ({
        modelCall: () => ({ retry() {}, firstChunk() {}, end() {} }),
        toolCall: () => ({ end() {} }),
        stepEnd() {},
        event: (event) => {
          events.push(event as AgentEvent);
        },
        end() {},
      }),
    };
    let session: ChatSession | undefined;
    const agent = createAgent({
      gemini: createScriptedGemini([callsTurn(['notify', {}]), textTurn('never')]),
      model: MODEL,
      plugins: [plugin],
      toolErrors: 'throw',
      recorder,
      tools: [
        defineTool({
          name: 'notify',
          description: 'Steers the send it runs in, then breaks.',
          parameters: z.object({}),
          execute: async () => {
            session?.steer('Also mention the weather.');
            throw new Error('the tool broke');
          },
        }),
      ],
    });
    session = createChatSession({ agent });
    const error = await rejectionOf(session.send('Go.'));
    expect(error).toBeInstanceOf(Error);
    expect(ends).toEqual(['failed']);
    expect(events.filter((event) => event.type === 'steer')).toEqual([
      expect.objectContaining({ status: 'received' }),
      expect.objectContaining({ status: 'dropped', reason: 'failed' }),
    ]);
  });
});
