import { InvalidArgumentError } from '@gemloop/core/errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventStreamResponse, sseFrame } from '../openai/event-stream.ts';
import { heartbeatOption, startHeartbeat } from './heartbeat.ts';

// The doors' heartbeat on fake time: a comment after each `everyMs` of silence, none while frames
// flow, no timer left once the stream is over or its client gone.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const decoder = new TextDecoder();

describe('startHeartbeat', () => {
  it('pings after each interval of silence, never while frames come faster, and stops clean', () => {
    let pings = 0;
    const heartbeat = startHeartbeat({ everyMs: 1000, ping: () => void pings++ });
    vi.advanceTimersByTime(999);
    expect(pings).toBe(0);
    vi.advanceTimersByTime(1);
    expect(pings).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(pings).toBe(2);
    // Busy: a frame every 600 ms for 6 s, no comment.
    for (let frame = 0; frame < 10; frame++) {
      vi.advanceTimersByTime(600);
      heartbeat.wrote();
    }
    expect(pings).toBe(2);
    // Quiet again: the first comment a whole interval after the last frame.
    vi.advanceTimersByTime(999);
    expect(pings).toBe(2);
    vi.advanceTimersByTime(1);
    expect(pings).toBe(3);
    heartbeat.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(pings).toBe(3);
  });

  it('arms nothing at 0, and a ping that stops the heartbeat (its client cut off) arms no more', () => {
    startHeartbeat({ everyMs: 0, ping: () => {} });
    expect(vi.getTimerCount()).toBe(0);
    const heartbeat = startHeartbeat({ everyMs: 50, ping: () => heartbeat.stop() });
    vi.advanceTimersByTime(50);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('heartbeatOption', () => {
  it('defaults to 15 s, takes false or 0 for none, and refuses what is not whole ms', () => {
    expect(heartbeatOption(undefined)).toBe(15_000);
    expect(heartbeatOption(false)).toBe(0);
    expect(heartbeatOption(0)).toBe(0);
    expect(heartbeatOption(250)).toBe(250);
    // 2 ** 31 is past setTimeout's limit: the timer would fire every millisecond.
    expect(heartbeatOption(2 ** 31 - 1)).toBe(2 ** 31 - 1);
    for (const bad of [-1, 1.5, Number.NaN, '15000', true, 2 ** 31, 3e9]) {
      const thrown = (() => {
        try {
          heartbeatOption(bad as never);
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
      expect((thrown as Error).message).toMatch(
        /^heartbeatMs must be a whole number of milliseconds/,
      );
    }
  });
});

describe("the OpenAI door's event stream", () => {
  it('gets comments only while the run is quiet, and leaves no timer after its end', async () => {
    // Each step of the "run" waits for the test: deltas 500 ms apart, then a tool of 2.5 s.
    const steps: (() => void)[] = [];
    const step = () => new Promise<void>((resolve) => steps.push(resolve));
    const next = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      steps.shift()?.();
      await vi.advanceTimersByTimeAsync(0);
    };
    const response = eventStreamResponse(
      { abort: new AbortController(), heartbeatMs: 1000 },
      async (write) => {
        for (let delta = 0; delta < 5; delta++) {
          write(sseFrame({ delta }));
          await step();
        }
        write(sseFrame('[DONE]'));
      },
    );
    const text = response.text();
    for (let delta = 1; delta < 5; delta++) await next(500);
    await next(2500);
    expect(await text).toBe(
      [0, 1, 2, 3, 4].map((delta) => `data: {"delta":${delta}}\n\n`).join('') +
        ': ping\n\n: ping\n\ndata: [DONE]\n\n',
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops its heartbeat when the client cancels, though the run has not ended', async () => {
    const abort = new AbortController();
    const response = eventStreamResponse({ abort, heartbeatMs: 1000 }, async (write) => {
      write(sseFrame({ n: 1 }));
      await new Promise(() => {});
    });
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('data: {"n":1}\n\n');
    await vi.advanceTimersByTimeAsync(1000);
    expect(decoder.decode((await reader.read()).value)).toBe(': ping\n\n');
    await reader.cancel();
    expect(abort.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
