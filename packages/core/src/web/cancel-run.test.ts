import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { createReplayBuffer, type ReplayBuffer } from './replay-buffer.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// Issue 52: Stop means stop. With a replay buffer a closed connection only detaches the page
// (the run waits reconnectWindowMs for it to resume), so a Stop is said with a cancel request,
// which stops the run at once; a connection that merely broke still resumes.

/** A run held in its tool until the tool's signal aborts or `release()`. */
function heldRun() {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let toolAborted: () => void = () => {};
  const aborted = new Promise<void>((resolve) => (toolAborted = resolve));
  const hold = defineTool({
    name: 'hold',
    description: 'Waits.',
    parameters: z.object({}),
    execute: async (_args, { signal }) => {
      signal.addEventListener('abort', () => toolAborted(), { once: true });
      await Promise.race([held, aborted]);
      return 'ok';
    },
  });
  const fake = createFakeGemini({ script: [turn.call('hold'), turn.text('All done now.')] });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [hold] });
  // A reconnect window far past any test's life: only a cancel can stop the run here.
  const replay = createReplayBuffer({ reconnectWindowMs: 3_600_000 });
  const response = toEventStreamResponse(agent.stream('Go'), {
    replay,
    owner: 'alice',
    runId: 'run-1',
  });
  return { replay, response, fake, aborted, release: () => release() };
}

const untilToolCall = (text: string) => text.includes('event: tool-call');

/** Alice's page, back after the event `lastEventId`. */
const resumeAfter = (replay: ReplayBuffer, lastEventId: string) =>
  replay.resume(
    { headers: new Headers({ 'gemloop-run-id': 'run-1', 'last-event-id': lastEventId }) },
    { owner: 'alice' },
  ) as Response;

describe('stopping a run that a replay buffer keeps', () => {
  it('says cancellable in its start event, and a cancel request aborts the run at once', async () => {
    const { replay, response, fake, aborted } = heldRun();
    const before = parseSse(
      await readBody(response.body as ReadableStream<Uint8Array>, untilToolCall),
    ).events;
    expect(before[0]?.data).toMatchObject({ type: 'start', runId: 'run-1', cancellable: true });
    // The page's Stop: its body is closed (above) and its cancel request comes.
    const cancelled = replay.resume(
      { headers: new Headers({ 'gemloop-run-id': 'run-1', 'gemloop-cancel': '1' }) },
      { owner: 'alice' },
    );
    expect(cancelled?.status).toBe(204);
    // The tool's signal aborts without waiting for the reconnect window (an hour here).
    await aborted;
    const resumed = resumeAfter(replay, before.at(-1)?.id as string);
    const after = parseSse(await readBody(resumed.body as ReadableStream<Uint8Array>)).events;
    expect(after.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'aborted' });
    // No model call after the Stop.
    expect(fake.requests).toHaveLength(1);
  });

  it('still lets a page whose connection merely broke resume, and the run goes on', async () => {
    const { replay, response, fake, release } = heldRun();
    const before = parseSse(
      await readBody(response.body as ReadableStream<Uint8Array>, untilToolCall),
    ).events;
    const resumed = resumeAfter(replay, before.at(-1)?.id as string);
    expect(resumed.status).toBe(200);
    release();
    const after = parseSse(await readBody(resumed.body as ReadableStream<Uint8Array>)).events;
    expect(after.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
    expect(fake.requests).toHaveLength(2);
  });

  it('answers a cancel of an unknown run 404, and leaves a start request to the route', () => {
    const replay = createReplayBuffer();
    const cancel = new Headers({ 'gemloop-run-id': 'nope', 'gemloop-cancel': '1' });
    expect(replay.resume({ headers: cancel })?.status).toBe(404);
    expect(replay.cancel('nope')).toBe(false);
    expect(replay.resume({ headers: new Headers({ 'gemloop-cancel': '1' }) })).toBeUndefined();
  });
});
