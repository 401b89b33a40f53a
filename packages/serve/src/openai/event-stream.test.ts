import { describe, expect, it } from 'vitest';
import { countTokens, openAIId, toFinishReason } from './door-request.ts';
import { eventStreamResponse, sseFrame } from './event-stream.ts';

// The OpenAI door's event stream and the small mappings its answers use: frames as the `openai`
// client reads them, a stream the client cancels stopping the run, finish reasons and token
// counts as OpenAI counts them.

const decoder = new TextDecoder();

describe('sseFrame', () => {
  it('writes JSON data, a string as it is, and an event name when given', () => {
    expect(decoder.decode(sseFrame({ a: 'line\nbreak' }))).toBe('data: {"a":"line\\nbreak"}\n\n');
    expect(decoder.decode(sseFrame('[DONE]'))).toBe('data: [DONE]\n\n');
    expect(decoder.decode(sseFrame({ type: 'x' }, 'response.created'))).toBe(
      'event: response.created\ndata: {"type":"x"}\n\n',
    );
  });
});

describe('eventStreamResponse', () => {
  it('streams what the producer writes, then ends, with the headers a proxy must not buffer', async () => {
    const response = eventStreamResponse(
      { abort: new AbortController(), heartbeatMs: 0 },
      async (write) => {
        write(sseFrame({ n: 1 }));
        write(sseFrame('[DONE]'));
      },
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(await response.text()).toBe('data: {"n":1}\n\ndata: [DONE]\n\n');
  });

  it('a client that cancels the body aborts the run, and what the run writes after is dropped', async () => {
    const abort = new AbortController();
    let release: (() => void) | undefined;
    const later = new Promise<void>((resolve) => {
      release = resolve;
    });
    let wroteAfter = false;
    const response = eventStreamResponse({ abort, heartbeatMs: 0 }, async (write) => {
      write(sseFrame({ n: 1 }));
      await later;
      write(sseFrame({ n: 2 }));
      wroteAfter = true;
    });
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('data: {"n":1}\n\n');
    await reader.cancel();
    expect(abort.signal.aborted).toBe(true);
    release?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(wroteAfter).toBe(true);
  });
});

describe('toFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['max-tokens', 'length'],
    ['content-filter', 'content_filter'],
    ['max-steps', 'stop'],
    ['tool-calls', 'stop'],
  ])('%s is %s', (reason, expected) => {
    expect(toFinishReason(reason)).toBe(expected);
  });
});

describe('countTokens', () => {
  it('counts tool-use prompt tokens as input and thoughts as output, as OpenAI counts reasoning', () => {
    expect(
      countTokens({
        promptTokenCount: 100,
        toolUsePromptTokenCount: 20,
        candidatesTokenCount: 7,
        thoughtsTokenCount: 30,
      }),
    ).toEqual({
      input: 120,
      output: 37,
    });
  });
});

describe('openAIId', () => {
  it('is the prefix and 32 hex digits, fresh each time', () => {
    const id = openAIId('chatcmpl-');
    expect(id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(openAIId('chatcmpl-')).not.toBe(id);
  });
});
