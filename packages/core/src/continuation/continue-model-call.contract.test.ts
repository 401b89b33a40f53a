// Hand-written contract cases, NOT recordings: the hop sequences of google/adk-go's
// model/gemini/continuation_test.go (TestContinuation_Generate, _GenerateStream,
// _GenerateStreamGivesUp, _BlockedAfterResume, _KeepsMetadata, _StopsAtMaxResumes; its fake
// answers each request by its token, usage 10 prompt + 2 candidates per request), replayed
// against gemloop's continuation with the same-request resend form (@google/genai 3.1.0,
// @ai-sdk/google 4.0.121). Where gemloop differs from adk-go it says so: gemloop keeps each hop's
// parts as received (adk-go joins adjacent text), and its cap counts requests (adk-go's 256 counts
// resumes).
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { modelCallEntryOf } from '../http/model-call-entry.ts';
import {
  DEFAULT_MAX_CONTINUATION_HOPS,
  DEFAULT_MAX_CONTINUATION_RECONNECTS,
} from '../run/continuation-options.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { continueGenerate, continueStream } from './continue-model-call.ts';

type Candidate = Record<string, unknown>;

function candidate(text: string, finishReason: string, token: string): Candidate {
  const value: Candidate = { content: { role: 'model', parts: [{ text }] } };
  if (finishReason !== '') value['finishReason'] = finishReason;
  if (token !== '') value['continuationToken'] = token;
  return value;
}

const USAGE = { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 };

/** adk-go's fakeContinuationAPI: answers by the request's token ('' for none). */
function fakeApi(byToken: Record<string, Candidate[]>, always = false) {
  const tokens: string[] = [];
  const fetch = async (_input: unknown, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as { continuationToken?: string };
    const token = body.continuationToken ?? '';
    tokens.push(token);
    const url = String(_input);
    let chunks = byToken[token] ?? [];
    if (always) chunks = [candidate('x', 'CONTINUATION', `t${tokens.length}`)];
    if (url.includes(':streamGenerateContent')) {
      const events = chunks.map((chunk, index) => {
        const response: Record<string, unknown> = { candidates: [chunk] };
        if (index === chunks.length - 1) response['usageMetadata'] = USAGE;
        return `data: ${JSON.stringify(response)}\r\n\r\n`;
      });
      return new Response(events.join(''), { headers: { 'content-type': 'text/event-stream' } });
    }
    return Response.json({ candidates: [chunks[0]], usageMetadata: USAGE });
  };
  return { fetch: fetch as typeof globalThis.fetch, tokens };
}

const settings = {
  enabled: true,
  maxHops: DEFAULT_MAX_CONTINUATION_HOPS,
  maxReconnects: DEFAULT_MAX_CONTINUATION_RECONNECTS,
};
const input = {
  request: { model: 'gemini-2.5-flash', contents: 'Count to three.' },
  callOptions: {},
};

function entryOn(api: ReturnType<typeof fakeApi>) {
  return modelCallEntryOf(createGemini({ apiKey: 'test-key', fetch: api.fetch, retry: false }));
}

function texts(response: GenerateContentResponse): string[] {
  return (response.candidates?.[0]?.content?.parts ?? []).map((part) => part.text ?? '');
}

async function streamed(api: ReturnType<typeof fakeApi>, onChunk = (_: unknown) => {}) {
  return continueStream(entryOn(api), input, settings, {
    signal: new AbortController().signal,
    stepNumber: 1,
    onChunk,
  });
}

describe('adk-go continuation_test.go sequences (hand-written, not recorded)', () => {
  const cases: {
    name: string;
    byToken: Record<string, Candidate[]>;
    texts: string[];
    finishReason: string;
    usage: { promptTokenCount: number; candidatesTokenCount: number; totalTokenCount: number };
    tokens: string[];
  }[] = [
    {
      name: 'resumed until finished',
      byToken: {
        '': [candidate('one ', 'CONTINUATION', 't1')],
        t1: [candidate('two ', 'CONTINUATION', 't2')],
        t2: [candidate('three', 'STOP', '')],
      },
      texts: ['one ', 'two ', 'three'],
      finishReason: 'STOP',
      usage: { promptTokenCount: 30, candidatesTokenCount: 6, totalTokenCount: 36 },
      tokens: ['', 't1', 't2'],
    },
    {
      name: 'same token twice',
      byToken: {
        '': [candidate('one ', 'CONTINUATION', 't1')],
        t1: [candidate('two', 'CONTINUATION', 't1')],
      },
      texts: ['one ', 'two'],
      finishReason: 'CONTINUATION',
      usage: { promptTokenCount: 20, candidatesTokenCount: 4, totalTokenCount: 24 },
      tokens: ['', 't1'],
    },
    {
      name: 'maxOutputTokens reached (MAX_TOKENS with a token is not continued)',
      byToken: { '': [candidate('one ', 'MAX_TOKENS', 't1')] },
      texts: ['one '],
      finishReason: 'MAX_TOKENS',
      usage: { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 },
      tokens: [''],
    },
    {
      name: 'paused without a token',
      byToken: { '': [candidate('one ', 'CONTINUATION', '')] },
      texts: ['one '],
      finishReason: 'CONTINUATION',
      usage: { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 },
      tokens: [''],
    },
  ];
  for (const testCase of cases) {
    it(`unary: ${testCase.name}`, async () => {
      const api = fakeApi(testCase.byToken);
      const { response } = await continueGenerate(entryOn(api), input, settings);
      expect(texts(response)).toEqual(testCase.texts);
      expect(response.candidates?.[0]?.finishReason).toBe(testCase.finishReason);
      expect(response.usageMetadata).toMatchObject(testCase.usage);
      expect(api.tokens).toEqual(testCase.tokens);
    });
  }

  it('unary: gave up on an empty pause (same token, no parts)', async () => {
    const api = fakeApi({
      '': [candidate('one ', 'CONTINUATION', 't1')],
      t1: [
        {
          content: { role: 'model', parts: [] },
          finishReason: 'CONTINUATION',
          continuationToken: 't1',
        },
      ],
    });
    const { response } = await continueGenerate(entryOn(api), input, settings);
    expect(texts(response)).toEqual(['one ']);
    expect(response.candidates?.[0]?.finishReason).toBe('CONTINUATION');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 20, totalTokenCount: 24 });
    expect(api.tokens).toEqual(['', 't1']);
  });

  it('stream: resumed, the paused chunk does not end the answer', async () => {
    const api = fakeApi({
      '': [candidate('one ', '', ''), candidate('two ', 'CONTINUATION', 't1')],
      t1: [candidate('three', 'STOP', '')],
    });
    const shown: string[] = [];
    const { response } = await streamed(api, (chunk) => {
      const text = (chunk as GenerateContentResponse).candidates?.[0]?.content?.parts?.[0]?.text;
      if (text !== undefined) shown.push(text);
    });
    expect(shown).toEqual(['one ', 'two ', 'three']);
    // The stream accumulator folds a hop's text deltas into one part; hops stay apart.
    expect(texts(response)).toEqual(['one two ', 'three']);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 20,
      candidatesTokenCount: 4,
      totalTokenCount: 24,
    });
    expect(api.tokens).toEqual(['', 't1']);
  });

  it('stream: continues from a token that came on an earlier chunk than the CONTINUATION one', async () => {
    const api = fakeApi({
      '': [
        candidate('one ', '', 't0'),
        candidate('two ', '', 't1'),
        candidate('three ', 'CONTINUATION', ''),
      ],
      t1: [candidate('four', 'STOP', '')],
    });
    const { response, continuation } = await streamed(api);
    // The latest token seen, t1, not the first one, and not none.
    expect(api.tokens).toEqual(['', 't1']);
    expect(texts(response)).toEqual(['one two three ', 'four']);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(continuation?.hops).toHaveLength(2);
  });

  it('stream: a CONTINUATION with no token at all in its hop ends there, as a pause without one', async () => {
    const api = fakeApi({
      '': [candidate('one ', '', 't1'), candidate('two ', 'CONTINUATION', 't2')],
      t2: [candidate('three ', 'CONTINUATION', '')],
    });
    const { response } = await streamed(api);
    // t2's hop saw no token of its own: the latest is the one it was sent with, so no progress.
    expect(api.tokens).toEqual(['', 't2']);
    expect(response.candidates?.[0]?.finishReason).toBe('CONTINUATION');
  });

  it('stream: gives up on the same token twice, ending with CONTINUATION', async () => {
    const api = fakeApi({
      '': [candidate('one ', 'CONTINUATION', 't1')],
      t1: [candidate('two', 'CONTINUATION', 't1')],
    });
    const { response } = await streamed(api);
    expect(response.candidates?.[0]?.finishReason).toBe('CONTINUATION');
    expect(api.tokens).toEqual(['', 't1']);
  });

  for (const mode of ['unary', 'stream'] as const) {
    it(`${mode}: blocked after resume keeps the output before the block`, async () => {
      const api = fakeApi({
        '': [candidate('one ', 'CONTINUATION', 't1')],
        t1: [{ finishReason: 'SAFETY' }],
      });
      const { response } =
        mode === 'unary'
          ? await continueGenerate(entryOn(api), input, settings)
          : await streamed(api);
      expect(texts(response)).toEqual(['one ']);
      expect(response.candidates?.[0]?.finishReason).toBe('SAFETY');
      expect(response.usageMetadata).toMatchObject({ promptTokenCount: 20, totalTokenCount: 24 });
    });

    it(`${mode}: keeps the last grounding a hop reported`, async () => {
      const grounded = (value: Candidate, query: string) => ({
        ...value,
        groundingMetadata: { webSearchQueries: [query] },
      });
      const api = fakeApi({
        '': [grounded(candidate('one ', 'CONTINUATION', 't1'), 'q1')],
        t1: [grounded(candidate('two ', 'CONTINUATION', 't2'), 'q2')],
        t2: [candidate('three', 'STOP', '')],
      });
      const { response } =
        mode === 'unary'
          ? await continueGenerate(entryOn(api), input, settings)
          : await streamed(api);
      expect(response.candidates?.[0]?.groundingMetadata).toEqual({ webSearchQueries: ['q2'] });
    });
  }

  it('stops at the hop cap with CONTINUATION (adk-go: maxResumes; gemloop counts requests)', async () => {
    const api = fakeApi({}, true);
    const { response, continuation } = await continueGenerate(entryOn(api), input, {
      ...settings,
      maxHops: 5,
    });
    expect(api.tokens).toHaveLength(5);
    expect(response.candidates?.[0]?.finishReason).toBe('CONTINUATION');
    expect(continuation?.hops).toHaveLength(5);
  });
});

describe('a continuationToken given by hand', () => {
  it('is refused before sending when it is not a non-empty string, naming the field', async () => {
    let sent = 0;
    const gemini = createGemini({
      apiKey: 'test-key',
      retry: false,
      fetch: async () => {
        sent++;
        return Response.json({});
      },
    });
    const error = await gemini
      .generateContent({
        model: 'gemini-2.5-flash',
        contents: 'Hi',
        continuationToken: 42 as never,
      })
      .catch((thrown: unknown) => thrown);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('request.continuationToken');
    expect((error as InvalidArgumentError).message).toContain('non-empty string');
    expect(sent).toBe(0);
  });
});

describe('the agent on a stream whose token came early', () => {
  it('continues the step and ends with stop, not other', async () => {
    const api = fakeApi({
      '': [candidate('Once upon ', '', 't1'), candidate('a time, ', 'CONTINUATION', '')],
      t1: [candidate('the end.', 'STOP', '')],
    });
    const gemini = createGemini({ apiKey: 'test-key', fetch: api.fetch, retry: false });
    const run = createAgent({ gemini, model: 'gemini-2.5-flash' }).stream('Tell me.');
    const result = await run.result;
    expect(result.finishReason).toBe('stop');
    expect(result.text).toBe('Once upon a time, the end.');
    expect(api.tokens).toEqual(['', 't1']);
  });
});
