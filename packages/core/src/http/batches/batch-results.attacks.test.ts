import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BatchJobError } from '../../errors/files-and-batches/batch-job-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createBatches } from './create-batches.ts';

// batches.results / batches.wait against a gateway's hostile batch job (attack31).

const KEY = 'AIzaSyAttack31BatchKeyXXXXXXXXXXXXXXXXX';

function batches(job: Record<string, unknown>) {
  const urls: string[] = [];
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async (input) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return Response.json(job);
    },
  });
  return { batches: createBatches(gemini), urls };
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

describe('a failed batch whose error echoes the key', () => {
  // BatchJobError put the server's message in its own message as it came: FileProcessingError
  // and FileSearchOperationError scrub theirs, as an ApiCallError's is.
  for (const where of ['error', 'metadata.error'] as const) {
    it(`the key is redacted from the BatchJobError (${where})`, async () => {
      const status = { code: 3, message: `bad key ${KEY}`, details: [{ key: KEY }] };
      const job =
        where === 'error'
          ? { name: 'batches/a', done: true, error: status }
          : {
              name: 'batches/a',
              done: true,
              metadata: { state: 'BATCH_STATE_FAILED' },
              error: status,
            };
      const { batches: api } = batches(job);
      const error = await failure(() => api.results('batches/a'));
      expect(BatchJobError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('bad key [redacted]');
      const text = `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: null, showHidden: true })}`;
      expect(text).not.toContain(KEY);
    });
  }
});

describe('a batch state that is not a string', () => {
  // RegExp.test read the list ['BATCH_STATE_SUCCEEDED'] as the string, so a job of no known state
  // was read as succeeded.
  for (const state of [['BATCH_STATE_SUCCEEDED'], { state: 'BATCH_STATE_SUCCEEDED' }, 4]) {
    it(`${JSON.stringify(state)} is no success: BatchJobError, no download`, async () => {
      const { batches: api, urls } = batches({
        name: 'batches/a',
        done: true,
        metadata: { state, output: { responsesFile: 'files/results' } },
      });
      const error = await failure(() => api.results('batches/a'));
      expect(BatchJobError.isInstance(error)).toBe(true);
      expect(urls).toHaveLength(1);
    });
  }

  it('a null state is read as absent (a gateway spelling an empty field)', async () => {
    const { batches: api } = batches({
      name: 'batches/a',
      done: true,
      metadata: { state: null, output: { inlinedResponses: { inlinedResponses: [] } } },
    });
    expect(await api.results('batches/a')).toEqual([]);
  });
});

describe("a succeeded batch whose responsesFile is no file's name", () => {
  // Refused before any download, as before, but the error named `name`, an argument the caller
  // never passed, and blamed the caller (attack31): it now names the job's field and the server.
  for (const responsesFile of ['files/../../v1beta/models/x', 'https://evil.test/x', 5]) {
    it(`${JSON.stringify(responsesFile)}: typed, naming the field, no download`, async () => {
      const { batches: api, urls } = batches({
        name: 'batches/a',
        done: true,
        metadata: { state: 'BATCH_STATE_SUCCEEDED', output: { responsesFile } },
      });
      const error = await failure(() => api.results('batches/a'));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('job.metadata.output.responsesFile');
      expect((error as Error).message).toMatch(/^batches\.results: the job's responsesFile/);
      expect((error as Error).message).toContain('Gemini-compatible API');
      expect(urls).toHaveLength(1);
    });
  }
});
