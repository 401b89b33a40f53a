import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createReplayBuffer } from './replay-buffer.ts';
import { toDurableEventStreamResponse } from './to-durable-event-stream-response.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';
import { writeEventStream } from './write-event-stream.ts';

// Outside attacks on serving a run's events (attack13): `owner` is what keeps another user from
// resuming, cancelling or answering the approvals of a run. Misspelt (`ownr`, `Owner`), it was
// ignored without a word and the run served with no owner: anyone who learned its id reached it.
// Every misspelt option is refused, naming the one meant, and the run is stopped (no page will
// read it).

function source() {
  const aborted: unknown[] = [];
  return {
    aborted,
    stream: {
      async *[Symbol.asyncIterator]() {},
      abort(reason?: unknown) {
        aborted.push(reason);
      },
    },
  };
}

describe('toEventStreamResponse and writeEventStream: a misspelt option', () => {
  it.each([
    [{ ownr: 'alice' }, /owner/],
    [{ Owner: 'alice' }, /owner/],
    [{ approval: {} }, /approvals/],
    [{ exposeErrors: () => undefined }, /exposeError/],
  ])('%j is an InvalidArgumentError naming the option meant', async (options, meant) => {
    const given = { replay: createReplayBuffer(), ...options } as never;
    const first = source();
    expect(() => toEventStreamResponse(first.stream, given)).toThrow(InvalidArgumentError);
    expect(() => toEventStreamResponse(source().stream, given)).toThrow(meant);
    expect(first.aborted).toHaveLength(1);
    const written: unknown[] = [];
    const response = {
      writeHead: (...args: unknown[]) => written.push(args),
      write: () => true,
      end: () => {},
      on: () => {},
    };
    await expect(writeEventStream(response, source().stream, given)).rejects.toThrow(meant);
    expect(written).toEqual([]);
  });

  it('serves a run with good options', () => {
    const response = toEventStreamResponse(source().stream, {
      replay: createReplayBuffer(),
      owner: 'alice',
    });
    expect(response.status).toBe(200);
  });
});

describe('toDurableEventStreamResponse: a misspelt option', () => {
  it('is an InvalidArgumentError naming the option meant', () => {
    const make = () =>
      toDurableEventStreamResponse({ headers: {} }, {
        runId: 'r1',
        events: async function* () {},
        tool: [],
      } as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(/tools/);
  });
});
