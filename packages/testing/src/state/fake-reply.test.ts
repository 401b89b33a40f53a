import { describe, expect, it } from 'vitest';
import { fakeErrors } from '../script/fake-errors.ts';
import { jsonReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';

// A JSON reply in the form of the endpoint it answers: a body, an array for the stream without
// alt=sse, the SSE content type for alt=sse; pretty when the fake is, delayed by its latency.

const state = (options: Record<string, unknown> = {}, prettyJson = false) =>
  ({ options, prettyJson }) as unknown as FakeState;

describe('jsonReply', () => {
  const error = fakeErrors.overloaded();

  it('writes the body once, with its status and the JSON content type', () => {
    expect(jsonReply(state(), error)).toEqual({
      status: 503,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      delayMs: 0,
      chunkDelayMs: 0,
      pieces: [JSON.stringify(error.body)],
      end: 'normal',
    });
  });

  it('wraps the body in an array for the stream without alt=sse', () => {
    expect(JSON.parse(jsonReply(state(), error, 'array').pieces[0] ?? '')).toEqual([error.body]);
  });

  it('answers alt=sse with the event-stream content type', () => {
    expect(jsonReply(state(), error, 'sse').headers['content-type']).toBe('text/event-stream');
  });

  it('indents when the fake is pretty, and waits its latency', () => {
    const reply = jsonReply(state({ latencyMs: 25 }, true), {
      status: 200,
      body: { a: [1], b: '😀' },
    });
    expect(reply.pieces[0]).toBe('{\n  "a": [\n    1\n  ],\n  "b": "😀"\n}');
    expect(reply.delayMs).toBe(25);
  });
});
