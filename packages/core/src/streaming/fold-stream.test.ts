import { describe, expect, it } from 'vitest';
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

  it('returns an empty response for no chunks', async () => {
    expect(await foldStream([])).toEqual({});
  });
});
