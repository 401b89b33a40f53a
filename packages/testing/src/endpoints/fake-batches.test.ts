import { describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

// The Batch API as ai.google.dev/api/batch-api documents it: `models/{m}:batchGenerateContent`
// takes `batch.inputConfig` (inline `requests.requests[]` or an uploaded JSONL `fileName`) and
// answers an Operation `batches/{id}` whose metadata carries `state` and `batchStats`; the job is
// read, cancelled and deleted under `batches/{id}`. The happy path through the client is in
// packages/core/src/http/batches/create-batches.test.ts; here the wire, the refusals and the counts.

const BASE = 'https://generativelanguage.googleapis.com';
const key = { 'x-goog-api-key': 'k' };
const ask = (text: string) => ({ contents: [{ role: 'user', parts: [{ text }] }] });

type Operation = {
  name: string;
  done?: boolean;
  metadata: {
    '@type': string;
    state: string;
    displayName?: string;
    batchStats: Record<string, string>;
    output?: { inlinedResponses?: { inlinedResponses: Record<string, unknown>[] } } & Record<
      string,
      unknown
    >;
  };
  response?: Record<string, unknown>;
};

async function call(
  fake: FakeGemini,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const init: RequestInit = { method, headers: key };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fake.fetch(`${BASE}${path}`, init);
  return { status: response.status, json: await response.json() };
}

const create = (fake: FakeGemini, batch: unknown, model = 'gemini-2.5-flash') =>
  call(fake, `/v1beta/models/${model}:batchGenerateContent`, 'POST', { batch });

const inline = (...items: unknown[]) => ({ inputConfig: { requests: { requests: items } } });

/** Gets the job until it is done; the fake moves it one state per get (batchPolls 1). */
async function finish(fake: FakeGemini, name: string): Promise<Operation> {
  for (let poll = 0; poll < 5; poll++) {
    const { json } = await call(fake, `/v1beta/${name}`);
    if ((json as Operation).done === true) return json as Operation;
  }
  throw new Error(`${name} did not finish in five gets`);
}

const messageOf = (json: unknown) => (json as { error: { message: string } }).error.message;

async function uploadJsonl(fake: FakeGemini, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const start = await fake.fetch(`${BASE}/upload/v1beta/files`, {
    method: 'POST',
    headers: {
      ...key,
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': String(bytes.length),
      'x-goog-upload-header-content-type': 'application/jsonl',
    },
    body: JSON.stringify({ file: { displayName: 'requests' } }),
  });
  const url = start.headers.get('x-goog-upload-url') as string;
  const done = await fake.fetch(url, {
    method: 'POST',
    headers: { ...key, 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' },
    body: bytes,
  });
  return ((await done.json()) as { file: { name: string } }).file.name;
}

describe('the fake Batch API: creating a job', () => {
  it('answers an Operation named batches/{id}, PENDING, with its model, name and request count', async () => {
    const fake = createFakeGemini({ now: () => Date.parse('2026-11-25T10:00:00Z') });
    const { status, json } = await create(fake, {
      displayName: 'nightly',
      ...inline({ request: ask('a'), metadata: { key: 'one' } }, { request: ask('b') }),
    });
    expect(status).toBe(200);
    expect(json).toEqual({
      name: expect.stringMatching(/^batches\/[a-z0-9]+$/),
      metadata: {
        '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch',
        model: 'models/gemini-2.5-flash',
        displayName: 'nightly',
        state: 'BATCH_STATE_PENDING',
        createTime: '2026-11-25T10:00:00.000Z',
        updateTime: '2026-11-25T10:00:00.000Z',
        batchStats: { requestCount: '2', pendingRequestCount: '2' },
      },
    });
    // Not done: no `done`, no `response` until it succeeds.
    expect(json).not.toHaveProperty('done');
    expect(fake.lastRequest?.method).toBe('batchGenerateContent');
  });

  it.each([
    ['no batch at all', {}, '* GenerateContentBatch.input_config: input_config is required.'],
    ['a batch without inputConfig', { batch: {} }, 'input_config is required'],
    [
      'an inputConfig with neither requests nor fileName',
      { batch: { inputConfig: { gcsUri: 'gs://x' } } },
      'requests or file_name is required',
    ],
    ['an empty request list', { batch: inline() }, 'The batch has no requests.'],
  ])('refuses %s with a 400 INVALID_ARGUMENT', async (_, body, message) => {
    const fake = createFakeGemini();
    const { status, json } = await call(
      fake,
      '/v1beta/models/gemini-2.5-flash:batchGenerateContent',
      'POST',
      body,
    );
    expect(status).toBe(400);
    expect((json as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
    expect(messageOf(json)).toContain(message);
  });

  it('takes the snake_case spellings too (proto3 JSON reads either)', async () => {
    const fake = createFakeGemini();
    const inlineJob = await create(fake, {
      display_name: 'snake',
      input_config: { requests: { requests: [{ request: ask('x') }] } },
    });
    expect(inlineJob.status).toBe(200);
    expect((inlineJob.json as Operation).metadata.displayName).toBe('snake');
    const fileName = await uploadJsonl(fake, JSON.stringify({ key: 'a', request: ask('a') }));
    const fileJob = await create(fake, { input_config: { file_name: fileName } });
    expect(fileJob.status).toBe(200);
    expect((fileJob.json as Operation).metadata.batchStats['requestCount']).toBe('1');
  });

  it('refuses a batch for a model that does not exist, with the 404 of generateContent', async () => {
    const fake = createFakeGemini();
    const { status, json } = await create(fake, inline({ request: ask('x') }), 'gemini-9-nothing');
    expect(status).toBe(404);
    expect(messageOf(json)).toContain('models/gemini-9-nothing is not found');
  });

  it('refuses a fileName that names no file, and a JSONL line that is not a JSON object, by its line number', async () => {
    const fake = createFakeGemini();
    const missing = await create(fake, { inputConfig: { fileName: 'files/nope' } });
    expect(missing.status).toBe(400);
    expect(messageOf(missing.json)).toBe(
      'The input file files/nope does not exist or has expired.',
    );

    const broken = await uploadJsonl(
      fake,
      `${JSON.stringify({ key: 'a', request: ask('a') })}\n{oops\n`,
    );
    const notJson = await create(fake, { inputConfig: { fileName: broken } });
    expect(notJson.status).toBe(400);
    expect(messageOf(notJson.json)).toBe(`Line 2 of ${broken} is not valid JSON.`);

    const array = await uploadJsonl(fake, '\n[1, 2]\n');
    const notObject = await create(fake, { inputConfig: { fileName: array } });
    expect(messageOf(notObject.json)).toBe(`Line 2 of ${array} is not an object.`);

    const blank = await uploadJsonl(fake, '\n  \n');
    expect(messageOf((await create(fake, { inputConfig: { fileName: blank } })).json)).toBe(
      'The batch has no requests.',
    );
  });
});

describe('the fake Batch API: running a job', () => {
  it('answers each inline request by the script in order, keys kept, an unkeyed one without metadata', async () => {
    const fake = createFakeGemini({
      script: (_, { lastUserText }) => turn.text(`re: ${lastUserText}`),
    });
    const { json } = await create(
      fake,
      inline({ request: ask('first'), metadata: { key: 'k1' } }, { request: ask('second!') }),
    );
    const done = await finish(fake, (json as Operation).name);
    expect(done.metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    const answers = done.metadata.output?.inlinedResponses?.inlinedResponses ?? [];
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatchObject({
      metadata: { key: 'k1' },
      response: { candidates: [{ content: { parts: [{ text: 're: first' }] } }] },
    });
    expect(answers[1]).toMatchObject({
      response: { candidates: [{ content: { parts: [{ text: 're: second!' }] } }] },
    });
    expect(answers[1]).not.toHaveProperty('metadata');
    expect(done.metadata.batchStats).toEqual({ requestCount: '2', successfulRequestCount: '2' });
    // The Operation's response repeats the output under the output type.
    expect(done.response).toMatchObject({
      '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput',
      inlinedResponses: done.metadata.output?.inlinedResponses,
    });
  });

  it('turns a request the API would refuse into that request’s error, and counts it as failed', async () => {
    const fake = createFakeGemini();
    const { json } = await create(
      fake,
      inline(
        { request: ask('fine'), metadata: { key: 'ok' } },
        {
          request: { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
          metadata: { key: 'bad' },
        },
      ),
    );
    const done = await finish(fake, (json as Operation).name);
    const [ok, bad] = done.metadata.output?.inlinedResponses?.inlinedResponses ?? [];
    expect(ok).toHaveProperty('response');
    expect(bad).toEqual({
      metadata: { key: 'bad' },
      error: {
        code: 400,
        message: 'Please use a valid role: user, model.',
        status: 'INVALID_ARGUMENT',
      },
    });
    // BatchStats counts what failed apart from what succeeded (ai.google.dev/api/batch-api).
    expect(done.metadata.batchStats).toEqual({
      requestCount: '2',
      successfulRequestCount: '1',
      failedRequestCount: '1',
    });
  });

  it('writes a file job’s answers to a JSONL results file that the Files API serves', async () => {
    const fake = createFakeGemini({
      script: (_, { lastUserText }) => turn.text(`re: ${lastUserText}`),
    });
    const lines = ['a', 'b']
      .map((text) => JSON.stringify({ key: `key-${text}`, request: ask(text) }))
      .join('\n');
    const fileName = await uploadJsonl(fake, lines);
    const { json } = await create(fake, { inputConfig: { fileName } });
    const done = await finish(fake, (json as Operation).name);
    const responsesFile = done.metadata.output?.['responsesFile'] as string;
    expect(responsesFile).toMatch(/^files\//);
    const download = await fake.fetch(
      `${BASE}/download/v1beta/${responsesFile}:download?alt=media`,
      {
        headers: key,
      },
    );
    const results = (await download.text())
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            key: string;
            response: { candidates: { content: { parts: { text: string }[] } }[] };
          },
      );
    // No order is promised, so a client matches by key.
    const byKey = Object.fromEntries(
      results.map((result) => [result.key, result.response.candidates[0]?.content.parts[0]?.text]),
    );
    expect(byKey).toEqual({ 'key-a': 're: a', 'key-b': 're: b' });
  });

  it('waits batchPolls gets in PENDING and in RUNNING', async () => {
    const fake = createFakeGemini({ filesApi: { batchPolls: 2 } });
    const { json } = await create(fake, inline({ request: ask('x') }));
    const states: string[] = [];
    for (let poll = 0; poll < 5; poll++) {
      states.push(
        ((await call(fake, `/v1beta/${(json as Operation).name}`)).json as Operation).metadata
          .state,
      );
    }
    expect(states).toEqual([
      'BATCH_STATE_PENDING',
      'BATCH_STATE_PENDING',
      'BATCH_STATE_RUNNING',
      'BATCH_STATE_RUNNING',
      'BATCH_STATE_SUCCEEDED',
    ]);
  });
});

describe('the fake Batch API: the batches resource', () => {
  it('leaves a finished job as it is when cancelled, and deletes a job for good', async () => {
    const fake = createFakeGemini();
    const { json } = await create(fake, inline({ request: ask('x') }));
    const name = (json as Operation).name;
    await finish(fake, name);
    const cancel = await call(fake, `/v1beta/${name}:cancel`, 'POST', {});
    expect(cancel).toEqual({ status: 200, json: {} });
    expect(((await call(fake, `/v1beta/${name}`)).json as Operation).metadata.state).toBe(
      'BATCH_STATE_SUCCEEDED',
    );
    expect(await call(fake, `/v1beta/${name}`, 'DELETE')).toEqual({ status: 200, json: {} });
    const gone = await call(fake, `/v1beta/${name}`);
    expect(gone.status).toBe(404);
    expect(messageOf(gone.json)).toBe(`Batch ${name} not found.`);
    expect((await call(fake, `/v1beta/${name}:cancel`, 'POST', {})).status).toBe(404);
  });

  it('lists jobs a page at a time', async () => {
    const fake = createFakeGemini();
    const names: string[] = [];
    for (const text of ['a', 'b', 'c']) {
      names.push(((await create(fake, inline({ request: ask(text) }))).json as Operation).name);
    }
    const first = (await call(fake, '/v1beta/batches?pageSize=2')).json as {
      operations: Operation[];
      nextPageToken?: string;
    };
    expect(first.operations.map((operation) => operation.name)).toEqual(names.slice(0, 2));
    const rest = (await call(fake, `/v1beta/batches?pageSize=2&pageToken=${first.nextPageToken}`))
      .json as { operations: Operation[]; nextPageToken?: string };
    expect(rest.operations.map((operation) => operation.name)).toEqual(names.slice(2));
    expect(rest).not.toHaveProperty('nextPageToken');
  });

  it.each([
    ['POST on the collection', 'POST', '/v1beta/batches'],
    ['PATCH on a job', 'PATCH', '/v1beta/batches/ID'],
    ['an unknown verb', 'POST', '/v1beta/batches/ID:pause'],
    ['cancel by GET', 'GET', '/v1beta/batches/ID:cancel'],
  ])('404s %s', async (_, method, path) => {
    const fake = createFakeGemini();
    const { json } = await create(fake, inline({ request: ask('x') }));
    const id = (json as Operation).name.slice('batches/'.length);
    const answer = await call(
      fake,
      path.replace('ID', id),
      method,
      method === 'GET' ? undefined : {},
    );
    expect(answer.status).toBe(404);
    expect((answer.json as { error: { status: string } }).error.status).toBe('NOT_FOUND');
    // And the job is untouched.
    expect(((await call(fake, `/v1beta/batches/${id}`)).json as Operation).metadata.state).toBe(
      'BATCH_STATE_PENDING',
    );
  });
});
