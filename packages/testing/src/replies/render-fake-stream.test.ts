import type { GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { fakeErrors } from '../script/fake-errors.ts';
import type { FakeState } from '../state/fake-state.ts';
import { renderFakeStream } from './render-fake-stream.ts';

// How the fake writes a model answer on each endpoint shape, and how each stream fault breaks it.

const state = (options: Record<string, unknown> = {}, prettyJson = false) =>
  ({ options, prettyJson }) as unknown as FakeState;
const chunk = (text: string): GenerateContentResponse => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] } }],
});
const chunks = [chunk('one'), chunk('two 😀'), chunk('three "quoted"\n')];
const sseData = (pieces: string[]) =>
  pieces
    .join('')
    .split('\r\n\r\n')
    .filter((event) => event !== '')
    .map((event) => JSON.parse(event.slice('data: '.length)));

describe('renderFakeStream without a fault', () => {
  it('writes one SSE event per chunk, CRLF-framed', () => {
    const reply = renderFakeStream(state({ chunkDelayMs: 7 }), chunks, true, undefined);
    expect(reply).toMatchObject({ status: 200, end: 'normal', chunkDelayMs: 7 });
    expect(reply.headers['content-type']).toBe('text/event-stream');
    expect(reply.pieces).toHaveLength(3);
    for (const piece of reply.pieces) expect(piece).toMatch(/^data: \{.*\}\r\n\r\n$/s);
    expect(sseData(reply.pieces)).toEqual(chunks);
  });

  it('writes the JSON array of streamGenerateContent without alt=sse, parseable whole', () => {
    const reply = renderFakeStream(state(), chunks, false, undefined);
    expect(reply.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(reply.pieces.at(-1)).toBe('\n]');
    expect(reply.pieces[1]?.startsWith('\n,\r\n')).toBe(true);
    expect(JSON.parse(reply.pieces.join(''))).toEqual(chunks);
  });

  it('writes an empty array and an empty SSE stream for no chunks', () => {
    expect(renderFakeStream(state(), [], true, undefined).pieces).toEqual([]);
    expect(renderFakeStream(state(), [], false, undefined).pieces).toEqual(['\n]']);
  });

  it('writes a unary answer as one body, pretty when asked, {} for no chunk', () => {
    const compact = renderFakeStream(state(), chunks, false, undefined, true);
    expect(compact.pieces).toEqual([JSON.stringify(chunks[0])]);
    const pretty = renderFakeStream(state({}, true), chunks, false, undefined, true);
    expect(pretty.pieces[0]).toContain('\n  "candidates"');
    expect(JSON.parse(pretty.pieces[0] ?? '')).toEqual(chunks[0]);
    expect(renderFakeStream(state(), [], false, undefined, true).pieces).toEqual(['{}']);
  });

  it('ignores a fault that is no stream fault', () => {
    const reply = renderFakeStream(state(), chunks, true, {
      type: 'http-error',
      error: fakeErrors.overloaded(),
    } as never);
    expect(sseData(reply.pieces)).toEqual(chunks);
  });
});

describe('renderFakeStream with a stream fault', () => {
  it('resets the connection after the chunks asked for', () => {
    const reply = renderFakeStream(state(), chunks, true, {
      type: 'connection-reset',
      afterChunks: 2,
    });
    expect(reply.end).toBe('reset');
    expect(sseData(reply.pieces)).toEqual(chunks.slice(0, 2));
    expect(
      renderFakeStream(state(), chunks, true, { type: 'connection-reset' }).pieces,
    ).toHaveLength(1);
  });

  it('clamps afterChunks to the stream: negative is 0, beyond the end is all', () => {
    expect(
      renderFakeStream(state(), chunks, true, { type: 'connection-reset', afterChunks: -5 }).pieces,
    ).toEqual([]);
    expect(
      renderFakeStream(state(), chunks, true, { type: 'connection-reset', afterChunks: 99 }).pieces,
    ).toHaveLength(3);
  });

  it('truncates the next event in half, or writes a cut event past the last', () => {
    const reply = renderFakeStream(state(), chunks, true, {
      type: 'truncated-stream',
      afterChunks: 1,
    });
    expect(reply.end).toBe('normal');
    expect(reply.pieces).toHaveLength(2);
    expect(() => JSON.parse((reply.pieces[1] ?? '').slice(6))).toThrow();
    const past = renderFakeStream(state(), chunks, true, {
      type: 'truncated-stream',
      afterChunks: 3,
    });
    expect(past.pieces.at(-1)).toMatch(/^data: \{"candidates".*cut he$/);
    const array = renderFakeStream(state(), chunks, false, {
      type: 'truncated-stream',
      afterChunks: 3,
    });
    expect(array.pieces.at(-1)).toBe('\n,\r\n{"candid');
    expect(() => JSON.parse(array.pieces.join(''))).toThrow();
  });

  it('ends the stream with an error event, the default 503 or the one given', () => {
    const reply = renderFakeStream(state(), chunks, true, { type: 'stream-error' });
    expect(sseData(reply.pieces)).toEqual([
      chunks[0],
      {
        error: expect.objectContaining({
          code: 503,
          message: 'The model is overloaded. Please try again later.',
        }),
      },
    ]);
    const error = fakeErrors.invalidArgument('bad 😀');
    const array = renderFakeStream(state(), chunks, false, {
      type: 'stream-error',
      afterChunks: 0,
      error,
    });
    expect(JSON.parse(array.pieces.join(''))).toEqual([error.body]);
    const afterTwo = renderFakeStream(state(), chunks, false, {
      type: 'stream-error',
      afterChunks: 2,
      error,
    });
    expect(JSON.parse(afterTwo.pieces.join(''))).toEqual([chunks[0], chunks[1], error.body]);
  });

  it('writes an event that is not JSON, still framed', () => {
    const reply = renderFakeStream(state(), chunks, true, {
      type: 'malformed-chunk',
      afterChunks: 0,
    });
    expect(reply.pieces).toHaveLength(1);
    expect(reply.pieces[0]).toMatch(/^data: .*\r\n\r\n$/);
    expect(() => sseData(reply.pieces)).toThrow(SyntaxError);
    const array = renderFakeStream(state(), chunks, false, {
      type: 'malformed-chunk',
      afterChunks: 1,
    });
    expect(array.pieces.at(-1)).toBe('\n]');
    expect(() => JSON.parse(array.pieces.join(''))).toThrow(SyntaxError);
  });

  it('breaks a unary body the same ways', () => {
    const body = JSON.stringify(chunks[0]);
    expect(
      renderFakeStream(state(), chunks, false, { type: 'connection-reset' }, true),
    ).toMatchObject({
      end: 'reset',
      pieces: [],
    });
    expect(
      renderFakeStream(state(), chunks, false, { type: 'truncated-stream' }, true).pieces,
    ).toEqual([body.slice(0, Math.ceil(body.length / 2))]);
    const malformed = renderFakeStream(state(), chunks, false, { type: 'malformed-chunk' }, true);
    expect(() => JSON.parse(malformed.pieces[0] ?? '')).toThrow(SyntaxError);
    const error = renderFakeStream(state(), chunks, false, { type: 'stream-error' }, true);
    expect(error.status).toBe(503);
    expect(JSON.parse(error.pieces[0] ?? '')).toMatchObject({ error: { code: 503 } });
  });
});
