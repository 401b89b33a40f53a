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

describe('a succeeded batch whose output holds no answers at all (files40)', () => {
  // readBatchOutput returned [] when the output had neither an inline list nor a file: a broken
  // answer read as "the batch had no requests", so every request's answer was silently lost.
  const jobs: [string, Record<string, unknown>][] = [
    ['no output', { name: 'batches/a', done: true, metadata: { state: 'BATCH_STATE_SUCCEEDED' } }],
    [
      'an empty output',
      { name: 'batches/a', done: true, metadata: { state: 'BATCH_STATE_SUCCEEDED', output: {} } },
    ],
    [
      'inlinedResponses that is no list',
      {
        name: 'batches/a',
        done: true,
        metadata: {
          state: 'JOB_STATE_SUCCEEDED',
          output: { inlinedResponses: { inlinedResponses: 'none' } },
        },
      },
    ],
    ['a bare operation (no metadata)', { name: 'batches/a', done: true }],
  ];
  for (const [what, job] of jobs) {
    it(`${what}: a typed error naming the job's fields and what to do`, async () => {
      const { batches: api, urls } = batches(job);
      const error = await failure(() => api.results('batches/a'));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('job.metadata.output');
      const message = (error as Error).message;
      expect(message).toMatch(/^batches\.results: /);
      expect(message).toContain('inlinedResponses');
      expect(message).toContain('responsesFile');
      expect(message).toContain('batches.wait');
      expect(urls).toHaveLength(1);
    });
  }

  it("names the output's own fields, the key scrubbed from them", async () => {
    const { batches: api } = batches({
      name: 'batches/a',
      done: true,
      metadata: { state: 'BATCH_STATE_SUCCEEDED', output: { [`x${KEY}`]: 1, files: [] } },
    });
    const error = await failure(() => api.results('batches/a'));
    const message = (error as Error).message;
    expect(message).toContain('"files"');
    expect(message).toContain('[redacted]');
    expect(`${message} ${inspect(error, { depth: null, showHidden: true })}`).not.toContain(KEY);
  });

  it('an empty inline list is still an empty batch (a list the server did write)', async () => {
    const { batches: api } = batches({
      name: 'batches/a',
      done: true,
      metadata: {
        state: 'BATCH_STATE_SUCCEEDED',
        output: { inlinedResponses: { inlinedResponses: [] } },
      },
    });
    expect(await api.results('batches/a')).toEqual([]);
  });
});

describe("a batch's per-line errors that echo the key (files40)", () => {
  // Each line's error (its message, status, details) was returned as data as the server wrote
  // it: the client's key echoed there reached whoever prints the results.
  const echoed = { code: 400, message: `invalid key ${KEY}`, status: `BAD ${KEY}`, details: [KEY] };

  it('an inline line: the key redacted, the line, its key and its index kept', async () => {
    const { batches: api } = batches({
      name: 'batches/a',
      done: true,
      metadata: {
        state: 'BATCH_STATE_SUCCEEDED',
        output: {
          inlinedResponses: {
            inlinedResponses: [
              { metadata: { key: 'request-1' }, error: echoed },
              {
                metadata: { key: 'request-0' },
                response: { candidates: [{ content: { parts: [{ text: 'hi' }] } }] },
              },
            ],
          },
        },
      },
    });
    const results = await api.results('batches/a');
    expect(results.map((result) => [result.key, result.index])).toEqual([
      ['request-0', 0],
      ['request-1', 1],
    ]);
    expect(results[0]?.response?.candidates?.[0]?.content?.parts).toEqual([{ text: 'hi' }]);
    expect(results[1]?.error).toEqual({
      code: 400,
      message: 'invalid key [redacted]',
      status: 'BAD [redacted]',
      details: ['[redacted]'],
    });
    expect(inspect(results, { depth: null })).not.toContain(KEY);
  });

  it('a results file line: the key redacted from error and from a generated message', async () => {
    const file = [
      JSON.stringify({ key: 'request-0', error: echoed }),
      // A response whose field name holds the key: the line's generated message quotes the path.
      JSON.stringify({ key: 'request-1', response: { candidates: { [KEY]: 1 } } }),
    ].join('\n');
    const urls: string[] = [];
    const gemini = createGemini({
      apiKey: KEY,
      baseUrl: 'https://gw.test',
      retry: false,
      fetch: async (input) => {
        const url = String(input instanceof Request ? input.url : input);
        urls.push(url);
        if (url.includes('download')) return new Response(file);
        return Response.json({
          name: 'batches/a',
          done: true,
          metadata: { state: 'BATCH_STATE_SUCCEEDED', output: { responsesFile: 'files/out' } },
        });
      },
    });
    const results = await createBatches(gemini).results('batches/a');
    expect(results.map((result) => result.key)).toEqual(['request-0', 'request-1']);
    expect(results[0]?.error?.message).toBe('invalid key [redacted]');
    expect(results[0]?.error?.code).toBe(400);
    expect(results[1]?.error?.message).toMatch(/^line 2 of the batch's results/);
    expect(inspect(results, { depth: null })).not.toContain(KEY);
  });
});
