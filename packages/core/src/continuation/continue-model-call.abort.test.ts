// continueStream folds a read's chunks in a function of its own (bench/RESULTS.md, "fold-shape42").
// These pin what the loop did: where an abort stops it, and the reader's room between chunks.
import { describe, expect, it } from 'vitest';
import type { ModelCallEntry } from '../http/model-call-entry.ts';
import { DEFAULT_MAX_CONTINUATION_RECONNECTS } from '../run/continuation-options.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { continueStream } from './continue-model-call.ts';

const settings = { enabled: true, maxHops: 4, maxReconnects: DEFAULT_MAX_CONTINUATION_RECONNECTS };
const input = { request: { model: 'gemini-2.5-flash', contents: 'Hi.' }, callOptions: {} };

function chunk(text: string, usage?: number): GenerateContentResponse {
  const response: GenerateContentResponse = {
    candidates: [{ content: { role: 'model', parts: [{ text }] } }],
  };
  if (usage !== undefined) {
    response.usageMetadata = { promptTokenCount: 1, candidatesTokenCount: usage };
  }
  return response;
}

/**
 * An entry whose stream hands out `reads`, each a network read: its first chunk from `next()`,
 * the rest from `takeBuffered()` (as the client's own stream does). Records what the reader did.
 */
function entryOf(reads: GenerateContentResponse[][]) {
  const log: string[] = [];
  let read = -1;
  let index = 0;
  const iterator = {
    next: async (): Promise<IteratorResult<GenerateContentResponse, undefined>> => {
      read++;
      index = 1;
      const batch = reads[read];
      if (batch === undefined) return { done: true, value: undefined };
      return { done: false, value: batch[0] as GenerateContentResponse };
    },
    takeBuffered: (): GenerateContentResponse | undefined => reads[read]?.[index++],
    return: async (): Promise<IteratorResult<GenerateContentResponse, undefined>> => {
      log.push('closed');
      return { done: true, value: undefined };
    },
  };
  const entry = {
    stream: () => ({ stream: { [Symbol.asyncIterator]: () => iterator }, record: {} }),
  } as unknown as ModelCallEntry;
  return { entry, log };
}

describe('continueStream and the run signal', () => {
  it('stops at the chunk whose usage made a callback abort: not folded, not shown, stream closed', async () => {
    const { entry, log } = entryOf([[chunk('a', 1), chunk('b', 2), chunk('c', 3)]]);
    const controller = new AbortController();
    const reason = new Error('budget spent');
    const call = continueStream(entry, input, settings, {
      signal: controller.signal,
      stepNumber: 1,
      onChunk: (shown) => {
        log.push(`shown ${shown.candidates?.[0]?.content?.parts?.[0]?.text}`);
      },
      onUsage: (usage) => {
        if (usage.candidatesTokenCount === 2) controller.abort(reason);
      },
    });
    await expect(call).rejects.toBe(reason);
    expect(log).toEqual(['shown a', 'closed']);
  });

  it('stops at the next chunk of the same read when the reader aborts while it waits', async () => {
    const { entry, log } = entryOf([[chunk('a'), chunk('b')], [chunk('c')]]);
    const controller = new AbortController();
    const call = continueStream(entry, input, settings, {
      signal: controller.signal,
      stepNumber: 1,
      onChunk: async (shown) => {
        log.push(`shown ${shown.candidates?.[0]?.content?.parts?.[0]?.text}`);
        await Promise.resolve();
        controller.abort('left');
      },
    });
    await expect(call).rejects.toBe('left');
    expect(log).toEqual(['shown a', 'closed']);
  });

  it('throws at the first chunk on a signal aborted before the call, with its reason', async () => {
    const { entry, log } = entryOf([[chunk('a')]]);
    const call = continueStream(entry, input, settings, {
      signal: AbortSignal.abort('before'),
      stepNumber: 1,
      onChunk: () => {
        log.push('shown');
      },
    });
    await expect(call).rejects.toBe('before');
    expect(log).toEqual(['closed']);
  });

  it('folds every read and waits for the reader between the chunks of one', async () => {
    const { entry, log } = entryOf([[chunk('a'), chunk('b')], [chunk('c', 3)]]);
    const signal = new AbortController().signal;
    const result = await continueStream(entry, input, settings, {
      signal,
      stepNumber: 1,
      onChunk: async (shown) => {
        const text = shown.candidates?.[0]?.content?.parts?.[0]?.text;
        log.push(`shown ${text}`);
        await Promise.resolve();
        log.push(`held ${text}`);
      },
    });
    expect(log).toEqual(['shown a', 'held a', 'shown b', 'held b', 'shown c', 'held c']);
    expect(result.response.candidates?.[0]?.content?.parts).toEqual([{ text: 'abc' }]);
    expect(result.interrupted).toBe(true);
  });
});
