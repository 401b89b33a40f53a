import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchJobError } from '../../errors/files-and-batches/batch-job-error.ts';
import { UnsupportedEndpointError } from '../../errors/files-and-batches/unsupported-endpoint-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createBatches } from '../batches/create-batches.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from '../files/create-files.ts';
import type { CreateGeminiOptions } from '../gemini.ts';
import type { BatchResult } from './batches.ts';

/** A client with its Files and Batch APIs at hand, as an app that imports them holds them. */
function connect(options: CreateGeminiOptions) {
  const gemini = createGemini(options);
  return Object.assign(gemini, { files: createFiles(gemini), batches: createBatches(gemini) });
}

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A script that answers each request with its own prompt, so order mistakes show; 'fail' throws (a 400). */
const echo = (_request: unknown, { lastUserText }: { lastUserText: string | undefined }) => {
  if (lastUserText === 'fail') throw new Error('refused on purpose');
  return turn.text(`echo ${lastUserText}`);
};

async function start(options: Parameters<typeof createFakeGemini>[0] = {}) {
  fake = createFakeGemini({ script: echo, ...options });
  const { url } = await fake.listen();
  return connect({ baseUrl: url, apiKey: 'test-key', retry: false });
}

function texts(results: BatchResult[]) {
  return results.map((result) => [
    result.key,
    result.response?.candidates?.[0]?.content?.parts?.[0]?.text ?? result.error?.message,
  ]);
}

describe('gemini.batches', () => {
  it('creates an inline batch, waits through PENDING and RUNNING, and reads the answers in order', async () => {
    const gemini = await start();
    const job = await gemini.batches.create({
      model: 'gemini-2.5-flash',
      displayName: 'three',
      requests: [
        { contents: 'a' },
        { key: 'mine', request: { contents: 'b' } },
        { contents: 'fail' },
      ],
    });
    expect(job).toMatchObject({
      name: expect.stringMatching(/^batches\//),
      metadata: { state: 'BATCH_STATE_PENDING', displayName: 'three' },
    });
    const create = (fake as FakeGemini).requests.find((request) =>
      request.url.includes(':batchGenerateContent'),
    );
    expect(create?.body).toEqual({
      batch: {
        displayName: 'three',
        inputConfig: {
          requests: {
            requests: [
              {
                request: { contents: [{ role: 'user', parts: [{ text: 'a' }] }] },
                metadata: { key: 'request-0' },
              },
              {
                request: { contents: [{ role: 'user', parts: [{ text: 'b' }] }] },
                metadata: { key: 'mine' },
              },
              {
                request: { contents: [{ role: 'user', parts: [{ text: 'fail' }] }] },
                metadata: { key: 'request-2' },
              },
            ],
          },
        },
      },
    });
    const states: string[] = [];
    const done = await gemini.batches.wait(job, {
      pollIntervalMs: 0,
      onPoll: (polled) => states.push((polled as { metadata: { state: string } }).metadata.state),
    });
    expect(states).toEqual(['BATCH_STATE_PENDING', 'BATCH_STATE_RUNNING', 'BATCH_STATE_SUCCEEDED']);
    const results = await gemini.batches.results(done, {
      keys: ['request-0', 'mine', 'request-2'],
    });
    expect(texts(results)).toEqual([
      ['request-0', 'echo a'],
      ['mine', 'echo b'],
      ['request-2', '[gemloop fake] The script threw for model call #3: refused on purpose'],
    ]);
    expect(results.map((result) => result.index)).toEqual([0, 1, 2]);
  });

  it('uploads the requests as JSONL with input: file, and sorts the results file (written in reverse) by key', async () => {
    const gemini = await start();
    const job = await gemini.batches.create({
      model: 'gemini-2.5-flash',
      requests: Array.from({ length: 12 }, (_, index) => ({ contents: `q${index}` })),
      input: 'file',
    });
    const upload = (fake as FakeGemini).requests.find(
      (request) => request.headers['x-goog-upload-command'] === 'start',
    );
    expect(upload?.headers['x-goog-upload-header-content-type']).toBe('application/jsonl');
    const create = (fake as FakeGemini).requests.find((request) =>
      request.url.includes(':batchGenerateContent'),
    );
    expect(create?.body).toEqual({
      batch: { inputConfig: { fileName: expect.stringMatching(/^files\//) } },
    });
    const results = await gemini.batches.results(
      await gemini.batches.wait(job.name, { pollIntervalMs: 0 }),
    );
    expect(texts(results)).toEqual(
      Array.from({ length: 12 }, (_, index) => [`request-${index}`, `echo q${index}`]),
    );
  });

  it('creates from an uploaded JSONL file', async () => {
    const gemini = await start();
    const jsonl = [
      '{"key":"x","request":{"contents":[{"role":"user","parts":[{"text":"one"}]}]}}',
      '{"key":"y","request":{"contents":[{"role":"user","parts":[{"text":"two"}]}]}}',
    ].join('\n');
    const file = await gemini.files.upload(new TextEncoder().encode(jsonl), {
      mimeType: 'application/jsonl',
    });
    const job = await gemini.batches.create({ model: 'gemini-2.5-flash', fileName: file.name });
    const results = await gemini.batches.results(
      await gemini.batches.wait(job, { pollIntervalMs: 0 }),
      { keys: ['x', 'y'] },
    );
    expect(texts(results)).toEqual([
      ['x', 'echo one'],
      ['y', 'echo two'],
    ]);
  });

  it('cancels, lists and deletes; results of a cancelled job are a BatchJobError', async () => {
    const gemini = await start();
    const first = await gemini.batches.create({
      model: 'gemini-2.5-flash',
      requests: [{ contents: 'a' }],
    });
    const second = await gemini.batches.create({
      model: 'gemini-2.5-flash',
      requests: [{ contents: 'b' }],
    });
    await gemini.batches.cancel(first.name);
    const cancelled = await gemini.batches.wait(first.name, { pollIntervalMs: 0 });
    expect(cancelled.metadata?.state).toBe('BATCH_STATE_CANCELLED');
    await expect(gemini.batches.results(cancelled)).rejects.toSatisfy(
      (error) =>
        BatchJobError.isInstance(error) &&
        error.batchName === first.name &&
        error.state === 'BATCH_STATE_CANCELLED',
    );
    const names: string[] = [];
    for await (const job of gemini.batches.listAll({ pageSize: 1 })) names.push(job.name);
    expect(names).toEqual([first.name, second.name]);
    await gemini.batches.delete(first.name);
    const left: string[] = [];
    for await (const job of gemini.batches.listAll()) left.push(job.name);
    expect(left).toEqual([second.name]);
  });

  it('checks its arguments, and is refused on Vertex AI', async () => {
    const gemini = await start();
    await expect(
      gemini.batches.create({ model: 'gemini-2.5-flash', requests: [] }),
    ).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
    await expect(gemini.batches.get('batches/../x')).rejects.toSatisfy((error) =>
      InvalidArgumentError.isInstance(error),
    );
    const vertex = connect({
      vertex: { project: 'p', location: 'us-central1', getAccessToken: async () => 't' },
      baseUrl: 'http://127.0.0.1:9',
    });
    await expect(
      vertex.batches.create({ model: 'gemini-2.5-flash', requests: [{ contents: 'a' }] }),
    ).rejects.toSatisfy(
      (error) => UnsupportedEndpointError.isInstance(error) && error.method === 'batches.create',
    );
  });

  it('keeps a per-line error for a results line that is not JSON', async () => {
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async () =>
        new Response('{"key":"request-1","response":{"candidates":[]}}\nnot json\n'),
    });
    const results = await gemini.batches.results({
      name: 'batches/x',
      metadata: { state: 'BATCH_STATE_SUCCEEDED', output: { responsesFile: 'files/r' } },
    });
    expect(results.map((result) => [result.key, result.error?.message])).toEqual([
      ['request-1', undefined],
      ['request-1', 'line 2 of the results file is not a JSON object'],
    ]);
  });

  it("checks each result's response as a generateContent body: a bad one is that line's error, counts are read", async () => {
    const lines = [
      { key: 'a', response: { candidates: [{ content: { parts: 'not an array' } }] } },
      {
        key: 'b',
        response: {
          candidates: [{ content: { role: 'model', parts: [{ text: 'B' }] } }],
          usageMetadata: { promptTokenCount: '100', candidatesTokenCount: -5 },
        },
      },
    ];
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async () => new Response(lines.map((line) => JSON.stringify(line)).join('\n')),
    });
    const results = await gemini.batches.results(
      {
        name: 'batches/x',
        metadata: { state: 'BATCH_STATE_SUCCEEDED', output: { responsesFile: 'files/r' } },
      },
      { keys: ['a', 'b'] },
    );
    expect(results[0]?.response).toBeUndefined();
    expect(results[0]?.error?.message).toBe(
      "line 1 of the batch's results is not a GenerateContentResponse: `response.candidates[0].content.parts` must be an array, got string",
    );
    expect(results[1]?.response?.usageMetadata).toEqual({ promptTokenCount: 100 });
    const inline = await gemini.batches.results({
      name: 'batches/y',
      metadata: {
        state: 'BATCH_STATE_SUCCEEDED',
        output: {
          inlinedResponses: {
            inlinedResponses: [{ metadata: { key: 'c' }, response: { candidates: 'x' } }],
          },
        },
      },
    } as never);
    expect(inline.map((result) => [result.key, result.response, result.error?.message])).toEqual([
      [
        'c',
        undefined,
        "inlined response 0 of the batch's results is not a GenerateContentResponse: `response.candidates` must be an array, got string",
      ],
    ]);
  });
});
