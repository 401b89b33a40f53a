import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import type { InteractionEvent } from '../wire/interaction.ts';
import type { ByteReader } from './byte-reader.ts';
import {
  type ParseInteractionEventsOptions,
  parseInteractionEvents,
} from './parse-interaction-events.ts';

// The Interactions SSE body read a network read at a time: each read's complete events come out
// as one batch, however the bytes are cut, and every way the body can go wrong ends in a typed
// error that says how many events came before it.

type Reader = ByteReader & { cancels: number };

function readerOf(pieces: readonly (string | Uint8Array | Error)[]): Reader {
  const queue = [...pieces];
  const reader: Reader = {
    cancels: 0,
    read: async () => {
      const next = queue.shift();
      if (next === undefined) return { done: true, value: undefined };
      if (next instanceof Error) throw next;
      return {
        done: false,
        value: typeof next === 'string' ? new TextEncoder().encode(next) : next,
      };
    },
    cancel: async () => {
      reader.cancels++;
    },
  };
  return reader;
}

const notAborted = { aborted: false, throwIfAborted: () => {} };

function options(
  body: ByteReader,
  extra: Partial<ParseInteractionEventsOptions> = {},
): ParseInteractionEventsOptions {
  return {
    body,
    url: 'https://example.test/v1beta/interactions/i1?alt=sse',
    method: 'interactions.get',
    watchAbort: () => {},
    signal: notAborted,
    errorContext: {},
    maxEventSize: 10_000,
    maxBytes: Number.POSITIVE_INFINITY,
    ...extra,
  };
}

async function read(body: ByteReader, extra: Partial<ParseInteractionEventsOptions> = {}) {
  const batches: InteractionEvent[][] = [];
  let error: unknown;
  try {
    for await (const batch of parseInteractionEvents(options(body, extra))) batches.push(batch);
  } catch (caught) {
    error = caught;
  }
  return { batches, events: batches.flat(), error };
}

const event = (fields: Record<string, unknown>) => `data: ${JSON.stringify(fields)}\n\n`;

describe('parseInteractionEvents', () => {
  it('yields one batch per read, holding the events that read completed', async () => {
    const { batches, error } = await read(
      readerOf([
        event({ event_type: 'interaction.start', event_id: '1' }) +
          event({ event_type: 'step.start', event_id: '2' }),
        'data: {"event_type":"step.del',
        'ta","event_id":"3"}\n\n',
      ]),
    );
    expect(error).toBeUndefined();
    expect(batches.map((batch) => batch.map((each) => each['event_id']))).toEqual([
      ['1', '2'],
      ['3'],
    ]);
  });

  it('reads the same events wherever the bytes are cut, multi-byte characters included', async () => {
    const body = new TextEncoder().encode(
      event({ event_type: 'content.delta', delta: { text: 'héllo 😀 日本' } }) +
        `event: interaction.complete\r\ndata: {"id":"i1"}\r\n\r\n`,
    );
    for (let cut = 0; cut <= body.length; cut++) {
      const { events, error } = await read(readerOf([body.slice(0, cut), body.slice(cut)]));
      expect(error, `cut ${cut}`).toBeUndefined();
      expect(events, `cut ${cut}`).toEqual([
        { event_type: 'content.delta', delta: { text: 'héllo 😀 日本' } },
        { event_type: 'interaction.complete', id: 'i1' },
      ]);
    }
  });

  it('ignores [DONE], empty data, comments and lines that are no SSE field', async () => {
    const { events, error } = await read(
      readerOf([
        ': keep-alive\n\n',
        'data: [DONE]\n\n',
        'data:\n\n',
        'garbage line\n\n',
        event({ event_type: 'a' }),
      ]),
    );
    expect(error).toBeUndefined();
    expect(events).toEqual([{ event_type: 'a' }]);
  });

  it("prefers the data's own event_type over the SSE event name", async () => {
    const { events } = await read(readerOf([`event: outer\ndata: {"event_type":"inner"}\n\n`]));
    expect(events).toEqual([{ event_type: 'inner' }]);
  });

  it('takes a last event whose blank line never came, when its JSON is whole', async () => {
    const { events, error } = await read(
      readerOf([event({ event_type: 'a' }), 'data: {"event_type":"b"}']),
    );
    expect(error).toBeUndefined();
    expect(events.map((each) => each.event_type)).toEqual(['a', 'b']);
  });

  it('fails with malformed-json at a broken event, after the events before it', async () => {
    const { events, error } = await read(
      readerOf([
        event({ event_type: 'a' }),
        'data: {"event_type": nope}\n\n',
        event({ event_type: 'c' }),
      ]),
    );
    expect(events.map((each) => each.event_type)).toEqual(['a']);
    expect(StreamError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      reason: 'malformed-json',
      chunksDelivered: 1,
      event: '{"event_type": nope}',
    });
    expect((error as Error).message).toContain('event 2 is not valid JSON');
  });

  it('fails with invalid-chunk for JSON that is no object, or an object with no event_type', async () => {
    for (const data of ['[1,2]', '"text"', '42', 'null', '{"id":"i1"}', '{"event_type":7}']) {
      const { error } = await read(readerOf([`data: ${data}\n\n`]));
      expect(StreamError.isInstance(error), data).toBe(true);
      expect(error, data).toMatchObject({
        reason: 'invalid-chunk',
        chunksDelivered: 0,
        event: data,
      });
    }
  });

  it('fails with an ApiCallError for a bare { error } body, with its code as the status', async () => {
    const { error } = await read(
      readerOf([
        `data: {"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED"}}\n\n`,
      ]),
    );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(429);
  });

  it('fails with an ApiCallError for an error event named only by the SSE event field', async () => {
    const { error } = await read(readerOf([`event: error\ndata: {"error":{"message":"bad"}}\n\n`]));
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBeUndefined();
  });

  it('fails with a connection StreamError when a read fails, counting the events delivered', async () => {
    const { events, error } = await read(
      readerOf([
        event({ event_type: 'a' }) + event({ event_type: 'b' }),
        new Error('socket hang up'),
      ]),
    );
    expect(events).toHaveLength(2);
    expect(error).toMatchObject({ reason: 'connection', chunksDelivered: 2 });
    expect((error as Error).message).toContain('socket hang up');
  });

  it('fails with too-large for an event past maxEventSize, and reads no further', async () => {
    const reader = readerOf([
      `data: {"event_type":"a","x":"${'y'.repeat(200)}"}`,
      event({ event_type: 'b' }),
    ]);
    const { events, error } = await read(reader, { maxEventSize: 100 });
    expect(events).toEqual([]);
    expect(error).toMatchObject({ reason: 'too-large' });
    expect(reader.cancels).toBeGreaterThan(0);
  });

  it('stops at maxBytes exactly: a body of maxBytes passes, one byte more fails', async () => {
    const body = event({ event_type: 'a' });
    const size = new TextEncoder().encode(body).length;
    expect((await read(readerOf([body]), { maxBytes: size })).error).toBeUndefined();
    const { error } = await read(readerOf([body]), { maxBytes: size - 1 });
    expect(error).toMatchObject({ maxBytes: size - 1, receivedBytes: size, status: 200 });
  });

  it('throws the abort reason when the signal is aborted before or during the read', async () => {
    const reason = new Error('user left');
    const aborted = {
      aborted: true,
      throwIfAborted: () => {
        throw reason;
      },
    };
    expect((await read(readerOf([event({ event_type: 'a' })]), { signal: aborted })).error).toBe(
      reason,
    );
    let calls = 0;
    const abortsAfterFirstRead = {
      aborted: false,
      throwIfAborted: () => {
        calls++;
        if (calls > 1) throw reason;
      },
    };
    const reader = readerOf([event({ event_type: 'a' }), event({ event_type: 'b' })]);
    const { events, error } = await read(reader, { signal: abortsAfterFirstRead });
    expect(events).toEqual([]);
    expect(error).toBe(reason);
    expect(reader.cancels).toBeGreaterThan(0);
  });

  it('cancels the body through the abort hook it registers', async () => {
    let onAbort: (() => void) | undefined;
    const reader = readerOf([event({ event_type: 'a' })]);
    const iterator = parseInteractionEvents(
      options(reader, { watchAbort: (hook) => (onAbort = hook) }),
    );
    await iterator.next();
    expect(onAbort).toBeDefined();
    const before = reader.cancels;
    onAbort?.();
    expect(reader.cancels).toBe(before + 1);
    await iterator.return(undefined);
  });

  it('cancels the body when the caller stops iterating early', async () => {
    const reader = readerOf([event({ event_type: 'a' }), event({ event_type: 'b' })]);
    for await (const batch of parseInteractionEvents(options(reader))) {
      expect(batch).toHaveLength(1);
      break;
    }
    expect(reader.cancels).toBe(1);
  });

  it('keeps __proto__ keys as data and pollutes nothing', async () => {
    const { events } = await read(
      readerOf(['data: {"event_type":"a","__proto__":{"polluted":true}}\n\n']),
    );
    expect(Object.keys(events[0] as object)).toEqual(['event_type', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
