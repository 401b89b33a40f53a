// A gateway's usage counts and Retry-After headers (attack-core11). CometAPI forwards Gemini's
// `usageMetadata` (../shared/reference/cometapi-gemini.md); a broken or hostile gateway writes it
// negative, as strings, as 1e308, on every chunk of a stream or on none but the first. A fallback
// chain where every model answers 429 with a `Retry-After` of a year, of -1 or of NaN. Public
// imports only: the fake Gemini on 127.0.0.1 for the counts, an injected `fetch` for the headers.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { modelFallback } from '@gemloop/core/fallback';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { everything, KEY, MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

const chunk = (text: string, usage?: Record<string, unknown>, finish = false) => ({
  candidates: [
    {
      content: { role: 'model', parts: [{ text }] },
      index: 0,
      ...(finish ? { finishReason: 'STOP' } : {}),
    },
  ],
  ...(usage === undefined ? {} : { usageMetadata: usage }),
});

describe('usage a gateway writes', () => {
  for (const mode of MODES) {
    it(`negative, 1e308, NaN-like and fractional counts are no counts; digit strings are read (${mode})`, async () => {
      const usage = {
        promptTokenCount: '12',
        candidatesTokenCount: -5,
        thoughtsTokenCount: 1e308,
        cachedContentTokenCount: 'NaN',
        toolUsePromptTokenCount: 2.5,
        totalTokenCount: '17',
      };
      const { gemini } = await serve([
        turn.raw(mode === 'run' ? chunk('ok', usage, true) : [chunk('ok', usage, true)]),
      ]);
      const agent = createAgent({ gemini, model: MODEL });
      const { result, error } = await outcome(agent, mode, 'Hi');
      expect(error).toBeUndefined();
      // The bad counts are dropped, the total kept: the 5 tokens of the total no count names are
      // the answer's (the prompt has its count), so the step's cost does not leave them out
      // (attack62e: a total beside dropped counts priced them at $0).
      expect(result?.usage).toEqual({
        promptTokenCount: 12,
        candidatesTokenCount: 5,
        thoughtsTokenCount: 0,
        toolUsePromptTokenCount: 0,
        cachedContentTokenCount: 0,
        totalTokenCount: 17,
      });
    });
  }

  it('cumulative usage on every chunk is counted once, and a last chunk without usage keeps the one before (stream)', async () => {
    const { gemini } = await serve([
      turn.raw([
        chunk('a', { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 }),
        chunk('b', { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 }),
        chunk('c', { promptTokenCount: 10, candidatesTokenCount: 3, totalTokenCount: 13 }),
        chunk('d', undefined, true),
      ]),
    ]);
    const agent = createAgent({ gemini, model: MODEL });
    const { result } = await outcome(agent, 'stream', 'Hi');
    expect(result?.text).toBe('abcd');
    expect(result?.usage.totalTokenCount).toBe(13);
    expect(result?.usage.candidatesTokenCount).toBe(3);
  });

  for (const mode of MODES) {
    it(`a budget of tokens is fed the counts as read: string counts trip it (${mode})`, async () => {
      const big = { promptTokenCount: '600', candidatesTokenCount: '10', totalTokenCount: '610' };
      const { fake, gemini } = await serve(() =>
        turn.raw(mode === 'run' ? callChunk(big) : [callChunk(big)]),
      );
      const agent = createAgent({ gemini, model: MODEL, tools: [lookupTool], maxSteps: 10 });
      const { result, error } = await outcome(agent, mode, 'Hi', { budget: { maxTokens: 1000 } });
      // Two calls are 1,220 tokens: the budget stops the run at the second, not the tenth.
      expect(fake.modelRequests.length).toBeLessThanOrEqual(2);
      expect(result === undefined ? String(error) : 'finished').not.toContain(KEY);
    });
  }
});

const lookupTool = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

function callChunk(usage: Record<string, unknown>) {
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'x' } } }] },
        index: 0,
        finishReason: 'STOP',
      },
    ],
    usageMetadata: usage,
  };
}

/** A `fetch` answering every model call with a 429 and `retryAfter` as its `Retry-After`. */
function rateLimited(retryAfter: string) {
  const models: string[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    models.push(/models\/([^:]+):/.exec(url)?.[1] ?? url);
    return new Response(
      JSON.stringify({
        error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' },
      }),
      { status: 429, headers: { 'content-type': 'application/json', 'retry-after': retryAfter } },
    );
  };
  return { fetch: fetch as typeof globalThis.fetch, models };
}

describe('a fallback chain where every model answers 429 with a hostile Retry-After', () => {
  const chain = ['gemini-2.5-pro', 'gemini-2.0-flash'];
  for (const mode of MODES) {
    it(`a year: each model asked once, no wait, a typed error (${mode})`, async () => {
      const { fetch, models } = rateLimited(String(365 * 24 * 3600));
      const gemini = createGemini({ apiKey: KEY, fetch });
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [modelFallback({ models: chain })],
      });
      const { error } = await outcome(agent, mode, 'Hi');
      expect(models).toEqual([MODEL, ...chain]);
      expect(String((error as Error).name)).toBe('ModelCallError');
      expect(everything(error)).not.toContain(KEY);
    });
    for (const retryAfter of [
      '-1',
      'NaN',
      '1e999',
      'Infinity',
      '   ',
      'Thu, 01 Jan 1970 00:00:00 GMT',
    ]) {
      it(`${JSON.stringify(retryAfter)}: read as no delay or refused, every model tried within its retries (${mode})`, async () => {
        const { fetch, models } = rateLimited(retryAfter);
        const gemini = createGemini({
          apiKey: KEY,
          fetch,
          retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1, jitter: false },
        });
        const agent = createAgent({
          gemini,
          model: MODEL,
          plugins: [modelFallback({ models: chain })],
        });
        const { error } = await outcome(agent, mode, 'Hi');
        expect(String((error as Error).name)).toBe('ModelCallError');
        // At most two attempts per model (one retry), each model reached.
        expect(new Set(models)).toEqual(new Set([MODEL, ...chain]));
        expect(models.length).toBeLessThanOrEqual(6);
        expect(everything(error)).not.toContain(KEY);
      });
    }
  }
});
