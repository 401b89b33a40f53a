import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import type { AgentEventSource } from './browser-run.ts';
import { createReplayBuffer } from './replay-buffer.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

/** An agent whose one tool holds the run until `release()`. */
function heldAgent() {
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
  const fake = createFakeGemini({ script: [turn.call('hold'), turn.text('All done now.')] });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [hold] });
  return { agent, release: () => release() };
}

const resumeHeaders = (runId: string, lastEventId: string) =>
  new Headers({ 'gemloop-run-id': runId, 'last-event-id': lastEventId });

describe('createReplayBuffer', () => {
  it('resumes a live run after the last event id: no event twice, none missing', async () => {
    const { agent, release } = heldAgent();
    const replay = createReplayBuffer();
    const response = toEventStreamResponse(agent.stream('Go'), { replay, runId: 'r1' });
    // The connection breaks after the tool call.
    const before = parseSse(
      await readBody(response.body as ReadableStream<Uint8Array>, (text) =>
        text.includes('event: tool-call'),
      ),
    ).events;
    const lastId = before.at(-1)?.id as string;
    const resumed = replay.resume({ headers: resumeHeaders('r1', lastId) }) as Response;
    expect(resumed.status).toBe(200);
    release();
    const after = parseSse(await readBody(resumed.body as ReadableStream<Uint8Array>)).events;
    const ids = [...before, ...after].map((event) => Number(event.id));
    expect(ids).toEqual(ids.map((_, index) => index));
    expect(after.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
  });

  it('never lets a page resume into another run: a runId held already is refused, an id never sent is 410', async () => {
    const first = heldAgent();
    const replay = createReplayBuffer();
    const response = toEventStreamResponse(first.agent.stream('Go'), { replay, runId: 'chat-1' });
    const before = parseSse(
      await readBody(response.body as ReadableStream<Uint8Array>, (text) =>
        text.includes('event: tool-call'),
      ),
    ).events;
    const second = heldAgent();
    const stream = second.agent.stream('Go');
    expect(() => toEventStreamResponse(stream, { replay, runId: 'chat-1' })).toThrow(
      expect.objectContaining({ code: 'invalid-argument', argument: 'runId' }),
    );
    await expect(stream.result).rejects.toThrow();
    // An id past every event the run sent belongs to no page of this run.
    expect(replay.resume({ headers: resumeHeaders('chat-1', '999') })?.status).toBe(410);
    const resumed = replay.resume({
      headers: resumeHeaders('chat-1', before.at(-1)?.id as string),
    }) as Response;
    first.release();
    const after = parseSse(await readBody(resumed.body as ReadableStream<Uint8Array>)).events;
    expect(after.map((event) => event.data)).toContainEqual(
      expect.objectContaining({ type: 'text-delta', text: 'All done now.' }),
    );
  });

  it('is not asked by a request that does not resume', () => {
    const replay = createReplayBuffer();
    expect(replay.resume({ headers: new Headers() })).toBeUndefined();
    expect(replay.resume({ headers: { 'last-event-id': '3' } })).toBeUndefined();
  });

  it('answers 410 for an unknown run, a bad id, or events no longer kept', async () => {
    const { agent, release } = heldAgent();
    const replay = createReplayBuffer({ maxEventsPerRun: 2 });
    const response = toEventStreamResponse(agent.stream('Go'), { replay, runId: 'r2' });
    release();
    const all = parseSse(await readBody(response.body as ReadableStream<Uint8Array>)).events;
    expect(all.length).toBeGreaterThan(4);
    expect(replay.resume({ headers: resumeHeaders('nope', '0') })?.status).toBe(410);
    expect(replay.resume({ headers: resumeHeaders('r2', 'x') })?.status).toBe(410);
    // Only the last two events are kept: resuming after the first would skip some.
    expect(replay.resume({ headers: resumeHeaders('r2', '0') })?.status).toBe(410);
    const tail = replay.resume({
      headers: resumeHeaders('r2', String(all.length - 3)),
    }) as Response;
    expect(tail.status).toBe(200);
    const rest = parseSse(await readBody(tail.body as ReadableStream<Uint8Array>)).events;
    expect(rest.map((event) => event.id)).toEqual(all.slice(-2).map((event) => event.id));
  });

  it('forgets an ended run after its TTL (an injected clock) and the oldest run past maxRuns', async () => {
    let now = 1000;
    const replay = createReplayBuffer({ ttlMs: 500, maxRuns: 2, now: () => now });
    const run = async (runId: string) => {
      const { agent, release } = heldAgent();
      release();
      const response = toEventStreamResponse(agent.stream('Go'), { replay, runId });
      return parseSse(await readBody(response.body as ReadableStream<Uint8Array>)).events;
    };
    await run('a');
    expect(replay.resume({ headers: resumeHeaders('a', '0') })?.status).toBe(200);
    now += 499;
    expect(replay.size).toBe(1);
    now += 1;
    expect(replay.resume({ headers: resumeHeaders('a', '0') })?.status).toBe(410);
    await run('b');
    await run('c');
    await run('d');
    expect(replay.size).toBe(2);
    expect(replay.resume({ headers: resumeHeaders('b', '0') })?.status).toBe(410);
    expect(replay.resume({ headers: resumeHeaders('d', '0') })?.status).toBe(200);
  });

  it('keeps a run whose page went away going for the reconnect window, then aborts it', async () => {
    const { agent } = heldAgent();
    const replay = createReplayBuffer({ reconnectWindowMs: 1 });
    const stream = agent.stream('Go');
    const response = toEventStreamResponse(stream, { replay, runId: 'r3' });
    await readBody(response.body as ReadableStream<Uint8Array>, (text) =>
      text.includes('event: tool-call'),
    );
    const error = await stream.result.catch((reason: unknown) => reason);
    expect((error as Error).name).toBe('AgentAbortedError');
    // The abort is in the kept events: a page that resumes late learns how the run ended.
    const late = replay.resume({ headers: resumeHeaders('r3', '0') }) as Response;
    const events = parseSse(await readBody(late.body as ReadableStream<Uint8Array>)).events;
    expect(events.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'aborted' });
  });

  it('refuses bad limits, naming them', () => {
    expect(() => createReplayBuffer({ maxRuns: 0 })).toThrow(/maxRuns must be a positive number/);
    expect(() => createReplayBuffer({ ttlMs: Number.NaN })).toThrow(/ttlMs/);
  });

  it('drops a page that stops reading once it is half the buffer behind: it resumes from the buffer', async () => {
    // 400 text deltas of about 100 bytes a frame (Greek letters: 2 UTF-8 bytes a character).
    const words = Array.from({ length: 400 }, (_, index) => `λόγος${index} `);
    let emitted: () => void = () => {};
    const allEmitted = new Promise<void>((resolve) => (emitted = resolve));
    const source = {
      async *[Symbol.asyncIterator]() {
        for (const text of words) yield { type: 'text-delta', path: [], stepNumber: 1, text };
        emitted();
      },
      abort() {},
    } as unknown as AgentEventSource;
    const replay = createReplayBuffer({ maxBytesPerRun: 64 * 1024 });
    const response = toEventStreamResponse(source, { replay, runId: 'slow', heartbeatMs: 0 });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The page reads `start`, then nothing while the whole run goes out.
    let text = decoder.decode((await reader.read()).value, { stream: true });
    await allEmitted;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const before = parseSse(text).events;
    // Dropped: its body ended before `finish`, so it resumes (its unread frames were let go).
    expect(before.map((event) => event.data.type)).not.toContain('finish');
    const resumed = replay.resume({
      headers: resumeHeaders('slow', before.at(-1)?.id as string),
    }) as Response;
    expect(resumed.status).toBe(200);
    const after = parseSse(await readBody(resumed.body as ReadableStream<Uint8Array>)).events;
    const all = [...before, ...after];
    expect(all.map((event) => Number(event.id))).toEqual(all.map((_, index) => index));
    expect(
      all.flatMap((event) => (event.data.type === 'text-delta' ? [event.data.text] : [])),
    ).toEqual(words);
  });

  it('counts the bytes it keeps in UTF-8, as maxBytesPerRun says', async () => {
    const deltas = Array.from({ length: 10 }, (_, index) => `${index}${'語'.repeat(100)}`);
    const source = {
      async *[Symbol.asyncIterator]() {
        for (const text of deltas) yield { type: 'text-delta', path: [], stepNumber: 1, text };
      },
      abort() {},
    } as unknown as AgentEventSource;
    const replay = createReplayBuffer({ maxBytesPerRun: 3000 });
    const response = toEventStreamResponse(source, { replay, runId: 'cjk', heartbeatMs: 0 });
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    // Under 3000 UTF-16 code units, over 3000 bytes: the first deltas are no longer kept.
    expect(text.length).toBeLessThan(3000);
    expect(new TextEncoder().encode(text).byteLength).toBeGreaterThan(3000);
    expect(replay.resume({ headers: resumeHeaders('cjk', '0') })?.status).toBe(410);
  });
});

// Outside attack (attack-doors5): one user of a shared server starts runs past `maxRuns` to push
// other users' runs out, so their pages can neither resume (410) nor stop their run (404).
describe('createReplayBuffer under one user’s flood', () => {
  /** A run of `owner` held in its tool, whose page read up to the tool call and then broke. */
  async function heldRun(
    replay: ReturnType<typeof createReplayBuffer>,
    owner: string,
    runId: string,
  ) {
    const { agent, release } = heldAgent();
    const stream = agent.stream('Go');
    const response = toEventStreamResponse(stream, { replay, runId, owner, heartbeatMs: 0 });
    await readBody(response.body as ReadableStream<Uint8Array>, (text) =>
      text.includes('event: tool-call'),
    );
    return { release, result: stream.result.catch(() => undefined) };
  }

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
    const mallory = { owner: 'mallory' };
    expect(replay.resume({ headers: resumeHeaders('mallory-0', '0') }, mallory)?.status).toBe(410);
    const newest = replay.resume({ headers: resumeHeaders('mallory-4', '0') }, mallory);
    expect(newest?.status).toBe(200);
    await newest?.body?.cancel();
    expect(replay.cancel('alice-1', { owner: 'alice' })).toBe(true);
    for (const run of [alice, ...flood]) run.release();
    await Promise.all([alice, ...flood].map((run) => run.result));
  });
});
