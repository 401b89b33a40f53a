import { describe, expect, it } from 'vitest';
import { countArrayWork } from '../../../client/src/__fixtures__/count-array-work.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import type { AgentEventSource } from './browser-run.ts';
import { createReplayBuffer } from './replay-buffer.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// A page that stops reading while the run goes on (a background tab, a slow network, a hostile
// page), then reads again (attack45b). Its frames wait in the server, one per read: they were
// handed out with `Array.prototype.shift`, which moves every frame left on each call once the
// array is past V8's small sizes, so the server's one thread spent n² on n frames: 50,000 events
// ~4 s, 100,000 ~13 s (at load), every other page of the server waiting. No replay buffer bounds
// how far the first page falls behind. The frames a replay buffer keeps went the same way: past
// `maxEventsPerRun`, each new event shifted the oldest out, so with 50,000 kept a run of 100,000
// events cost ~9.8 s, with 100,000 kept a run of 200,000 ~31 s (~1.7 s and ~4.9 s now).

/** A run of `count` text deltas, and a promise of its end. */
function textRun(count: number): { source: AgentEventSource; produced: Promise<void> } {
  let done!: () => void;
  const produced = new Promise<void>((resolve) => {
    done = resolve;
  });
  const source: AgentEventSource = {
    async *[Symbol.asyncIterator]() {
      for (let index = 0; index < count; index++) {
        yield { type: 'text-delta', text: 'x', stepNumber: 1, path: [] } as AgentEvent<unknown>;
      }
      done();
    },
    abort() {},
  };
  return { source, produced };
}

/** The array work of reading `body` to its end, and the frames read. */
async function readAll(
  body: ReadableStream<Uint8Array>,
): Promise<{ work: number; frames: number }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const { work } = await countArrayWork(async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  });
  return { work, frames: text.split('\n\n').length - 1 };
}

/** The work of handing out `count` frames that all waited for the page. */
async function behind(count: number): Promise<{ work: number; frames: number }> {
  const { source, produced } = textRun(count);
  const response = toEventStreamResponse(source, { heartbeatMs: 0 });
  await produced;
  // The run's own end (finish) queued too.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return readAll(response.body as ReadableStream<Uint8Array>);
}

/** The same for a page that left at once and resumes after the whole run, from its start. */
async function resumed(count: number): Promise<{ work: number; frames: number }> {
  const { source, produced } = textRun(count);
  const replay = createReplayBuffer({ maxEventsPerRun: count * 2, maxBytesPerRun: 64 << 20 });
  const first = toEventStreamResponse(source, { heartbeatMs: 0, replay, runId: 'far-behind' });
  await first.body?.cancel();
  await produced;
  await new Promise((resolve) => setTimeout(resolve, 20));
  const again = replay.resume(
    new Request('http://x/chat', {
      method: 'POST',
      headers: { 'gemloop-run-id': 'far-behind', 'last-event-id': '0' },
    }),
  );
  expect(again?.status).toBe(200);
  const read = await readAll(again?.body as ReadableStream<Uint8Array>);
  // Event 0, the start, was read before.
  return { ...read, frames: read.frames + 1 };
}

describe('a page that fell behind, then reads again', () => {
  it.each([
    ['the first page (no replay buffer bounds how far)', behind],
    ['a page resuming from a replay buffer that holds the whole run', resumed],
  ])('%s: the frames handed out in work linear in them', async (_, read) => {
    const small = await read(4000);
    const large = await read(16_000);
    // start, the deltas, finish.
    expect(small.frames).toBe(4002);
    expect(large.frames).toBe(16_002);
    // 4 times the frames: about 4 times the work (n² made it 16 times).
    expect(large.work).toBeLessThan(small.work * 6);
  });
});

describe('a run longer than its replay buffer keeps', () => {
  /** The work of a run of `count` events read along by its page, 5,000 of them kept. */
  async function pastRetain(count: number): Promise<{ work: number; frames: number }> {
    const { source } = textRun(count);
    const replay = createReplayBuffer({ maxEventsPerRun: 5000, maxBytesPerRun: 64 << 20 });
    const response = toEventStreamResponse(source, { heartbeatMs: 0, replay });
    return readAll(response.body as ReadableStream<Uint8Array>);
  }

  it('drops the oldest frames in work linear in the events', async () => {
    const small = await pastRetain(10_000);
    const large = await pastRetain(40_000);
    expect(small.frames).toBe(10_002);
    expect(large.frames).toBe(40_002);
    expect(large.work).toBeLessThan(small.work * 6);
  });
});
