import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { readBody } from './__fixtures__/read-sse.ts';
import { createReplayBuffer } from './replay-buffer.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// The replay buffer tried from outside by one user of a shared server (attack-doors5): runs
// started past `maxRuns` to push other users' runs out of it, so their pages can neither resume
// after a broken connection (410) nor stop their run (404).

/** A run of `owner` that holds in its tool until `release()`, served into `replay`. */
async function heldRun(
  replay: ReturnType<typeof createReplayBuffer>,
  owner: string,
  runId: string,
) {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const hold = defineTool({
    name: 'hold',
    description: 'Waits.',
    parameters: z.object({}),
    execute: async () => {
      await held;
      return 'ok';
    },
  });
  const fake = createFakeGemini({ script: [turn.call('hold'), turn.text('Done.')] });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [hold] });
  const stream = agent.stream('Go');
  const response = toEventStreamResponse(stream, { replay, runId, owner, heartbeatMs: 0 });
  // The page reads up to the tool call, then its connection breaks.
  await readBody(response.body as ReadableStream<Uint8Array>, (text) =>
    text.includes('event: tool-call'),
  );
  return { release, result: stream.result.catch(() => undefined) };
}

const resumeHeaders = (runId: string, lastEventId: string) =>
  new Headers({ 'gemloop-run-id': runId, 'last-event-id': lastEventId });

describe('the replay buffer under one user’s flood', () => {
  it("a user who starts runs past maxRuns pushes out their own oldest (they hold the most), not another user's running run", async () => {
    const replay = createReplayBuffer({ maxRuns: 3, reconnectWindowMs: 60_000 });
    const alice = await heldRun(replay, 'alice', 'alice-1');
    const flood = [];
    for (let index = 0; index < 5; index++) {
      flood.push(await heldRun(replay, 'mallory', `mallory-${index}`));
    }
    expect(replay.size).toBe(3);
    // Alice's page can still resume her run, and stop it.
    const resumed = replay.resume({ headers: resumeHeaders('alice-1', '0') }, { owner: 'alice' });
    expect(resumed?.status).toBe(200);
    await resumed?.body?.cancel();
    // Mallory lost her own oldest runs, and keeps her newest.
    const oldest = replay.resume(
      { headers: resumeHeaders('mallory-0', '0') },
      { owner: 'mallory' },
    );
    expect(oldest?.status).toBe(410);
    const newest = replay.resume(
      { headers: resumeHeaders('mallory-4', '0') },
      { owner: 'mallory' },
    );
    expect(newest?.status).toBe(200);
    await newest?.body?.cancel();
    expect(replay.cancel('alice-1', { owner: 'alice' })).toBe(true);
    for (const run of [alice, ...flood]) run.release();
    await Promise.all([alice, ...flood].map((run) => run.result));
  });
});
