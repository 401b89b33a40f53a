import { describe, expect, it } from 'vitest';
import { StreamError } from '../errors/stream-error.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { expectedStreamFolds, expectFoldOf } from './__fixtures__/expected-stream-folds.ts';
import { listFixtures, readFixtureChunks } from './__fixtures__/gemini-fixtures.ts';
import { foldStream } from './fold-stream.ts';

describe('foldStream', () => {
  it('has a written expectation for every recorded stream', () => {
    expect(Object.keys(expectedStreamFolds).sort()).toEqual(listFixtures('streams'));
  });

  it.each(listFixtures('streams'))('folds the recorded chunks of %s', async (name) => {
    expectFoldOf(name, await foldStream(readFixtureChunks(name)));
  });

  it('folds an async iterable the same as an array', async () => {
    const name = 'gemini3-flash__code-execution.sse';
    async function* chunks(): AsyncGenerator<GenerateContentResponse> {
      yield* readFixtureChunks(name);
    }
    expectFoldOf(name, await foldStream(chunks()));
  });

  it('passes on the error of a failing stream', async () => {
    const failure = new Error('reset');
    async function* chunks(): AsyncGenerator<GenerateContentResponse> {
      yield { candidates: [{ content: { parts: [{ text: 'a' }] } }] };
      throw failure;
    }
    await expect(foldStream(chunks())).rejects.toBe(failure);
  });

  it('puts the last usage seen on a gemloop error, marked partial; a plain error is left alone', async () => {
    const usage = (tokens: number) => ({
      promptTokenCount: 10,
      candidatesTokenCount: tokens,
      totalTokenCount: 10 + tokens,
    });
    const failure = new StreamError({ reason: 'connection', chunksDelivered: 3, message: 'cut' });
    async function* chunks(error: unknown): AsyncGenerator<GenerateContentResponse> {
      yield { candidates: [{ content: { parts: [{ text: 'a' }] } }], usageMetadata: usage(1) };
      yield { candidates: [{ content: { parts: [{ text: 'b' }] } }], usageMetadata: usage(2) };
      // A chunk without usage keeps the last one seen.
      yield { candidates: [{ content: { parts: [{ text: 'c' }] } }] };
      throw error;
    }
    const caught = await foldStream(chunks(failure)).catch((error: unknown) => error);
    expect(caught).toBe(failure);
    expect(failure.partialUsage).toEqual({ ...usage(2), partial: true });
    expect(failure.toJSON()['partialUsage']).toEqual({ ...usage(2), partial: true });
    const plain = new Error('reset');
    await expect(foldStream(chunks(plain))).rejects.toBe(plain);
    expect(Object.keys(plain)).toEqual([]);
  });

  it('returns an empty response for no chunks', async () => {
    expect(await foldStream([])).toEqual({});
  });
});
