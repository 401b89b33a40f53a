import { describe, expect, it } from 'vitest';
import type { CallOptions, ResponseInfo } from './call-options.ts';
import type { Gemini } from './gemini.ts';
import { ModelCallRecord, modelCallEntryOf, registerModelCallEntry } from './model-call-entry.ts';

// The entry a run's model calls go through (public in @gemloop/core/plugins): for a Gemini that
// gemloop did not make (a test double, a wrapper), one built from its public methods, which still
// records what the response said (attempts, service tier) and still calls the caller's own hook.

const RESPONSE = { candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] } }] };

/** A Gemini of someone else's making that answers with `info` (or none) through onResponse. */
function foreignGemini(info: ResponseInfo | undefined) {
  const seen: CallOptions[] = [];
  const gemini = {
    async generateContent(_request: unknown, options?: CallOptions) {
      seen.push(options ?? {});
      if (info !== undefined) options?.onResponse?.(info);
      return RESPONSE;
    },
    streamGenerateContent(_request: unknown, options?: CallOptions) {
      seen.push(options ?? {});
      return {
        async *[Symbol.asyncIterator]() {
          if (info !== undefined) options?.onResponse?.(info);
          yield RESPONSE;
        },
      };
    },
  } as unknown as Gemini;
  return { gemini, seen };
}

const info = (headers: Record<string, string>, attempt = 2): ResponseInfo => ({
  status: 200,
  headers: new Headers(headers),
  attempt,
});

describe('modelCallEntryOf a Gemini gemloop did not make', () => {
  it('records the response info of a unary call, and calls the caller’s own onResponse too', async () => {
    const { gemini, seen } = foreignGemini(info({ 'x-gemini-service-tier': 'priority' }, 3));
    const own: ResponseInfo[] = [];
    const signal = new AbortController().signal;
    const { response, record } = await modelCallEntryOf(gemini).generate({
      request: { model: 'm', contents: 'hi' },
      callOptions: { signal, onResponse: (value) => own.push(value) },
    });
    expect(response).toBe(RESPONSE);
    expect(record.attempts).toBe(3);
    expect(record.serviceTier).toBe('priority');
    expect(own.map((value) => value.attempt)).toEqual([3]);
    // The caller's other options go through as they were.
    expect(seen[0]?.signal).toBe(signal);
  });

  it('records a streamed call’s info once the stream is read', async () => {
    const { gemini } = foreignGemini(info({}, 1));
    const { stream, record } = modelCallEntryOf(gemini).stream({
      request: { model: 'm', contents: 'hi' },
      callOptions: {},
    });
    expect(record.attempts).toBe(0);
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual([RESPONSE]);
    expect(record.attempts).toBe(1);
    expect(record.serviceTier).toBeUndefined();
  });

  it('gives each call a record of its own', async () => {
    const { gemini } = foreignGemini(info({}, 1));
    const entry = modelCallEntryOf(gemini);
    const input = { request: { model: 'm', contents: 'x' }, callOptions: {} };
    const [first, second] = await Promise.all([entry.generate(input), entry.generate(input)]);
    expect(first.record).not.toBe(second.record);
  });

  it('keeps a record empty when the Gemini never reports a response, and redacts nothing itself', async () => {
    const { gemini } = foreignGemini(undefined);
    const entry = modelCallEntryOf(gemini);
    const { record } = await entry.generate({
      request: { model: 'm', contents: 'x' },
      callOptions: {},
    });
    expect([record.attempts, record.serviceTier, record.interactionId]).toEqual([
      0,
      undefined,
      undefined,
    ]);
    expect(entry.redact('key abc')).toBe('key abc');
  });

  it('builds the entry once per Gemini, and a registered entry wins', () => {
    const { gemini } = foreignGemini(undefined);
    expect(modelCallEntryOf(gemini)).toBe(modelCallEntryOf(gemini));
    const { gemini: other } = foreignGemini(undefined);
    const own = {
      generate: async () => ({}),
      stream: () => ({}),
      redact: (value: string) => value,
    };
    registerModelCallEntry(other, own as never);
    expect(modelCallEntryOf(other)).toBe(own);
  });
});

describe('ModelCallRecord.serviceTier', () => {
  it('reads the tier header through header() when the info has one (the node transport)', () => {
    const record = new ModelCallRecord();
    record.info = {
      status: 200,
      attempt: 1,
      header: (name: string) => (name === 'x-gemini-service-tier' ? 'flex' : null),
      get headers(): Headers {
        throw new Error('not built: header() is cheaper');
      },
    } as unknown as ResponseInfo;
    expect(record.serviceTier).toBe('flex');
  });

  it('reads an empty or missing header as no tier', () => {
    const record = new ModelCallRecord();
    expect(record.serviceTier).toBeUndefined();
    record.info = info({ 'x-gemini-service-tier': '' });
    expect(record.serviceTier).toBeUndefined();
    record.info = info({ other: 'x' });
    expect(record.serviceTier).toBeUndefined();
  });
});
