import { describe, expect, it } from 'vitest';
import { capResponseBody } from './cap-response-body.ts';

const encoder = new TextEncoder();

/** A response whose body is `chunks`, counting how many the reader pulled. */
function bodyOf(chunks: string[], contentType = 'application/json') {
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled];
      pulled += 1;
      if (next === undefined) controller.close();
      else controller.enqueue(encoder.encode(next));
    },
    cancel() {
      cancelled = true;
    },
  });
  const response = new Response(body, { status: 201, headers: { 'content-type': contentType } });
  return { response, pulled: () => pulled, cancelled: () => cancelled };
}

describe('capResponseBody', () => {
  it('passes a body within the cap through whole, status and headers kept', async () => {
    const { response } = bodyOf(['{"a":', '1}']);
    const capped = capResponseBody(response, { maxBytes: 7, tooLarge: () => new Error('over') });
    expect(capped.status).toBe(201);
    expect(capped.headers.get('content-type')).toBe('application/json');
    expect(await capped.json()).toEqual({ a: 1 });
  });

  it('fails the body with the given error past the cap, and cancels the rest unread', async () => {
    const source = bodyOf(['x'.repeat(4), 'x'.repeat(4), 'x'.repeat(4), 'x'.repeat(4)]);
    const seen: number[] = [];
    const capped = capResponseBody(source.response, {
      maxBytes: 6,
      tooLarge: (received) => {
        seen.push(received);
        return new Error('too large');
      },
    });
    await expect(capped.text()).rejects.toThrow('too large');
    expect(seen).toEqual([8]);
    await expect.poll(() => source.cancelled()).toBe(true);
    expect(source.pulled()).toBeLessThan(4);
  });

  it('ends the body cleanly with endWith past the cap', async () => {
    const { response } = bodyOf(['abc', 'defgh']);
    const capped = capResponseBody(response, {
      maxBytes: 4,
      tooLarge: () => ({ endWith: '|end' }),
    });
    expect(await capped.text()).toBe('abc|end');
  });

  it('counts each event of an event stream, not the stream: many small events pass', async () => {
    const events = Array.from({ length: 50 }, (_, index) => `data: ${'e'.repeat(20)}${index}\n\n`);
    const { response } = bodyOf(events, 'text/event-stream; charset=utf-8');
    const capped = capResponseBody(response, {
      maxBytes: 64,
      perEvent: true,
      tooLarge: () => new Error('over'),
    });
    expect((await capped.text()).split('\n\n')).toHaveLength(51);
  });

  it('an event, or a line, that grows past the cap fails the stream', async () => {
    for (const chunks of [
      ['data: a\n', ...Array.from({ length: 10 }, () => 'data: bbbbbbbbbbbbbbbbbbbb\n')],
      ['data: ', ...Array.from({ length: 10 }, () => 'cccccccccccccccccccc')],
    ]) {
      const { response } = bodyOf(chunks, 'text/event-stream');
      const capped = capResponseBody(response, {
        maxBytes: 64,
        perEvent: true,
        tooLarge: () => new Error('event too large'),
      });
      await expect(capped.text()).rejects.toThrow('event too large');
    }
  });

  it('perEvent counts a body that is not an event stream whole', async () => {
    const { response } = bodyOf(['data: x\n\n'.repeat(10)]);
    const capped = capResponseBody(response, {
      maxBytes: 64,
      perEvent: true,
      tooLarge: () => new Error('over'),
    });
    await expect(capped.text()).rejects.toThrow('over');
  });

  it('returns a response without a body as it is', () => {
    const response = new Response(null, { status: 204 });
    expect(capResponseBody(response, { maxBytes: 1, tooLarge: () => new Error('x') })).toBe(
      response,
    );
  });
});
