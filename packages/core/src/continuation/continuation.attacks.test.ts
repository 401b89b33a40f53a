// attack42b: automatic continuation against a hostile model or gateway, from outside: every answer
// goes through the real client (createGemini) over an injected fetch that plays the gateway.
import { describe, expect, it } from 'vitest';
import { ContinuationError } from '../errors/continuation-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { modelCallEntryOf } from '../http/model-call-entry.ts';
import {
  DEFAULT_MAX_CONTINUATION_HOPS,
  DEFAULT_MAX_CONTINUATION_RECONNECTS,
} from '../run/continuation-options.ts';
import { continueGenerate, continueStream } from './continue-model-call.ts';

type Candidate = Record<string, unknown>;

const settings = {
  enabled: true,
  maxHops: DEFAULT_MAX_CONTINUATION_HOPS,
  maxReconnects: DEFAULT_MAX_CONTINUATION_RECONNECTS,
};
const input = {
  request: { model: 'gemini-2.5-flash', contents: 'Write a long story.' },
  callOptions: {},
};
const USAGE = { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 };

/**
 * A gateway answering request number n (1-based) with `answer(n)`'s candidate; `cut` ends the
 * stream with a connection error after its chunk instead of a clean close.
 */
function gateway(answer: (request: number) => Candidate, cut = false) {
  let requests = 0;
  const fetch = async (url: unknown): Promise<Response> => {
    requests++;
    const response = { candidates: [answer(requests)], usageMetadata: USAGE };
    if (!String(url).includes(':streamGenerateContent')) return Response.json(response);
    const event = new TextEncoder().encode(`data: ${JSON.stringify(response)}\r\n\r\n`);
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // The chunk is read first; the connection fails on the next read.
        if (sent) return controller.error(new TypeError('terminated'));
        sent = true;
        controller.enqueue(event);
        if (!cut) controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  const entry = modelCallEntryOf(
    createGemini({ apiKey: 'test-key', fetch: fetch as typeof globalThis.fetch, retry: false }),
  );
  return { entry, requests: () => requests };
}

function text(value: string, extra: Candidate = {}): Candidate {
  return { content: { role: 'model', parts: [{ text: value }] }, ...extra };
}

const stream = (entry: ReturnType<typeof gateway>['entry'], maxHops = settings.maxHops) =>
  continueStream(
    entry,
    input,
    { ...settings, maxHops },
    { signal: new AbortController().signal, stepNumber: 1, onChunk: () => undefined },
  );

describe('continuation against a hostile gateway', () => {
  it('stops a stream that drops after a fresh checkpoint every time at maxHops requests', async () => {
    // Each drop came after a new checkpoint, so each counted as progress: 3,000 requests before.
    for (const cut of [false, true]) {
      const hostile = gateway(
        (request) =>
          request > 1_000
            ? text('end', { finishReason: 'STOP' })
            : text('x', { continuationToken: `c${request}` }),
        cut,
      );
      const error = await stream(hostile.entry).catch((thrown: unknown) => thrown);
      expect(ContinuationError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'max-hops', partialUsage: { partial: true } });
      expect((error as Error).message).toContain('continuation.maxHops');
      expect(hostile.requests()).toBe(DEFAULT_MAX_CONTINUATION_HOPS);
    }
  });

  it('stops an answer that asks to be continued forever at maxHops requests, keeping every part', async () => {
    for (const tokenOf of [(n: number) => `t${n}`, (n: number) => (n % 2 === 0 ? 'a' : 'b')]) {
      const hostile = gateway((n) =>
        text(`part ${n}`, { finishReason: 'CONTINUATION', continuationToken: tokenOf(n) }),
      );
      const result = await continueGenerate(hostile.entry, input, { ...settings, maxHops: 12 });
      expect(hostile.requests()).toBe(12);
      const candidate = result.response.candidates?.[0];
      expect(candidate?.finishReason).toBe('CONTINUATION');
      expect(candidate?.content?.parts).toHaveLength(12);
      expect(result.continuation?.hops).toHaveLength(12);
      const streamed = gateway((n) =>
        text(`part ${n}`, { finishReason: 'CONTINUATION', continuationToken: tokenOf(n) }),
      );
      const fromStream = await stream(streamed.entry, 12);
      expect(streamed.requests()).toBe(12);
      expect(fromStream.response.candidates?.[0]?.content?.parts?.length).toBeGreaterThan(0);
    }
  });

  // 8 MiB a hop, a fresh token each time: 256 hops would have held 2 GiB.
  const big = 'x'.repeat(8 * 1024 * 1024);
  for (const call of ['generate', 'stream'] as const) {
    it(`(${call}) stops asking for more once the answer holds 64 MiB, however many hops are left`, async () => {
      const hostile = gateway((n) =>
        text(big, { finishReason: 'CONTINUATION', continuationToken: `t${n}` }),
      );
      const result =
        call === 'generate'
          ? await continueGenerate(hostile.entry, input, settings)
          : await stream(hostile.entry);
      // Unary: stops at the hop that reached 64 MiB; streamed, the first hop (read before the
      // hops took over) is not counted, so one more.
      expect(hostile.requests()).toBe(call === 'generate' ? 8 : 9);
      expect(result.response.candidates?.[0]?.finishReason).toBe('CONTINUATION');
    });
  }

  it('stops resuming a stream cut after every fresh checkpoint once it kept 64 MiB, ending on it', async () => {
    const cut = gateway((n) => text(big, { continuationToken: `c${n}` }), true);
    const result = await stream(cut.entry);
    expect(cut.requests()).toBe(9);
    expect(result.interrupted).toBe(true);
    expect(result.response.candidates?.[0]?.content?.parts?.length).toBeGreaterThan(0);
  });

  it('resumes a stream cut in the middle of an event from its checkpoint, dropping the half event', async () => {
    let requests = 0;
    const bodies: string[] = [];
    const fetch = async (_url: unknown, init?: RequestInit): Promise<Response> => {
      requests++;
      bodies.push(String(init?.body));
      const encoder = new TextEncoder();
      const events =
        requests === 1
          ? [
              `data: ${JSON.stringify({ candidates: [text('kept ', { continuationToken: 'c1' })] })}\r\n\r\n`,
              `data: ${JSON.stringify({ candidates: [text('after the checkpoint ')] })}\r\n\r\n`,
              'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"half',
            ]
          : [
              `data: ${JSON.stringify({ candidates: [text('the end', { finishReason: 'STOP' })], usageMetadata: USAGE })}\r\n\r\n`,
            ];
      let index = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const event = events[index++];
          if (event !== undefined) return controller.enqueue(encoder.encode(event));
          if (requests === 1) controller.error(new TypeError('terminated'));
          else controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    };
    const entry = modelCallEntryOf(
      createGemini({ apiKey: 'test-key', fetch: fetch as typeof globalThis.fetch, retry: false }),
    );
    const shown: string[] = [];
    const result = await continueStream(entry, input, settings, {
      signal: new AbortController().signal,
      stepNumber: 1,
      onChunk: (chunk) => {
        for (const part of chunk.candidates?.[0]?.content?.parts ?? []) shown.push(part.text ?? '');
        return undefined;
      },
    });
    expect(requests).toBe(2);
    expect(JSON.parse(bodies[1] as string)).toMatchObject({ continuationToken: 'c1' });
    // What came after the checkpoint is regenerated by the resumed request: neither shown nor kept.
    expect(shown).toEqual(['kept ', 'the end']);
    const parts = result.response.candidates?.[0]?.content?.parts ?? [];
    expect(parts.map((part) => part.text).join('')).toBe('kept the end');
    expect(result.interrupted).toBeUndefined();
    expect(result.continuation).toMatchObject({ reconnects: 1 });
  });

  it('continues nothing on an odd finish spelling or a token that is not a non-empty string', async () => {
    for (const extra of [
      { finishReason: 'continuation', continuationToken: 't1' },
      { finishReason: 'CONTINUATION', continuationToken: '' },
      { finishReason: 'CONTINUATION', continuationToken: 42 },
      { finishReason: 'CONTINUATION', continuationToken: { token: 't1' } },
      { finishReason: 'STOP', continuationToken: 't1' },
    ]) {
      const unary = gateway(() => text('only', extra));
      const result = await continueGenerate(unary.entry, input, settings);
      expect(unary.requests(), JSON.stringify(extra)).toBe(1);
      expect(result.response.candidates?.[0]?.content?.parts).toEqual([{ text: 'only' }]);
      const streamed = gateway(() => text('only', extra));
      await stream(streamed.entry);
      expect(streamed.requests(), JSON.stringify(extra)).toBe(1);
    }
  });

  it('merges hops with no content, empty parts or only a thought without failing', async () => {
    const hops: Candidate[] = [
      { finishReason: 'CONTINUATION', continuationToken: 't1' },
      {
        content: { role: 'model', parts: [] },
        finishReason: 'CONTINUATION',
        continuationToken: 't2',
      },
      {
        content: { role: 'model', parts: [{ text: 'thinking', thought: true }] },
        finishReason: 'CONTINUATION',
        continuationToken: 't3',
      },
      {
        content: { role: 'model', parts: null },
        finishReason: 'CONTINUATION',
        continuationToken: 't4',
      },
      text('done', { finishReason: 'STOP' }),
    ];
    for (const call of ['generate', 'stream'] as const) {
      const hostile = gateway((n) => hops[n - 1] as Candidate);
      const result =
        call === 'generate'
          ? await continueGenerate(hostile.entry, input, settings)
          : await stream(hostile.entry);
      expect(hostile.requests(), call).toBe(5);
      const parts = result.response.candidates?.[0]?.content?.parts;
      expect(
        parts?.map((part) => part.text),
        call,
      ).toEqual(['thinking', 'done']);
      expect(result.response.usageMetadata?.promptTokenCount, call).toBe(50);
    }
  });
});
