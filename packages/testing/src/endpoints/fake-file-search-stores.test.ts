import { describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';
import type { FakeFileSearchResult } from '../script/fake-types.ts';

const BASE = 'http://fake.test';
const key = { 'x-goog-api-key': 'k' };
type Fake = ReturnType<typeof createFakeGemini>;

async function call(fake: Fake, path: string, init: RequestInit = {}) {
  const response = await fake.fetch(`${BASE}/v1beta/${path}`, {
    ...init,
    headers: { ...key, ...(init.headers as Record<string, string>) },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Uploads `text` to a store in one finalising chunk; returns the operation. */
async function upload(fake: Fake, store: string, text: string, fields: object = {}) {
  const start = await fake.fetch(`${BASE}/upload/v1beta/${store}:uploadToFileSearchStore`, {
    method: 'POST',
    headers: {
      ...key,
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-type': 'text/plain',
    },
    body: JSON.stringify({ mimeType: 'text/plain', ...fields }),
  });
  const url = start.headers.get('x-goog-upload-url') as string;
  expect(url).toContain(`/upload/v1beta/${store}:uploadToFileSearchStore?upload_id=`);
  const done = await fake.fetch(url, {
    method: 'POST',
    headers: { ...key, 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' },
    body: new TextEncoder().encode(text),
  });
  expect(done.headers.get('x-goog-upload-status')).toBe('final');
  return (await done.json()) as { name: string; done: boolean };
}

function ask(fake: Fake, tool: Record<string, unknown>, question: string) {
  return call(fake, 'models/gemini-2.5-flash:generateContent', {
    method: 'POST',
    body: JSON.stringify({
      contents: [{ role: 'user', parts: [{ text: question }] }],
      tools: [{ fileSearch: tool }],
    }),
  });
}

describe('the fake File Search stores', () => {
  it('finishes an upload operation after fileSearchPolls gets, then its document is active', async () => {
    const fake = createFakeGemini({ filesApi: { fileSearchPolls: 2 } });
    const store = (await call(fake, 'fileSearchStores', { method: 'POST', body: '{}' })).body;
    const operation = await upload(fake, store['name'] as string, 'one two three');
    expect(operation.done).toBe(false);
    const polls: unknown[] = [];
    for (let index = 0; index < 3; index++)
      polls.push((await call(fake, operation.name)).body['done']);
    expect(polls).toEqual([false, false, true]);
    const last = await call(fake, operation.name);
    const documentName = (last.body['response'] as { documentName: string }).documentName;
    expect((await call(fake, documentName)).body['state']).toBe('STATE_ACTIVE');
    expect(fake.requests.map((request) => request.method)).toContain('fileSearchStores.upload');
  });

  it('answers 404 for a store it does not hold, and refuses to delete a store with documents', async () => {
    const fake = createFakeGemini({ filesApi: { fileSearchPolls: 0 } });
    expect((await call(fake, 'fileSearchStores/nope')).status).toBe(404);
    const store = (await call(fake, 'fileSearchStores', { method: 'POST', body: '{}' })).body;
    await upload(fake, store['name'] as string, 'text');
    const refused = await call(fake, store['name'] as string, { method: 'DELETE' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('FAILED_PRECONDITION');
    const forced = await call(fake, `${store['name']}?force=true`, { method: 'DELETE' });
    expect(forced.status).toBe(200);
  });

  it('retrieves the chunks sharing the most words, honouring topK, and cites them', async () => {
    const seen: FakeFileSearchResult[][] = [];
    const fake = createFakeGemini({
      filesApi: { fileSearchPolls: 0 },
      script: (_request, context) => {
        seen.push([...(context.fileSearchResults ?? [])]);
        return turn.text('answer');
      },
    });
    const name = (await call(fake, 'fileSearchStores', { method: 'POST', body: '{}' })).body[
      'name'
    ] as string;
    for (const [displayName, text] of [
      ['cats', 'Cats sleep sixteen hours a day.'],
      ['dogs', 'Dogs sleep twelve hours a day and bark.'],
      ['fish', 'Fish swim.'],
    ]) {
      const operation = await upload(fake, name, text as string, { displayName });
      await call(fake, operation.name);
    }
    const answer = await ask(
      fake,
      { fileSearchStoreNames: [name], topK: 2 },
      'How many hours do dogs sleep?',
    );
    expect(seen[0]?.map((result) => result.title)).toEqual(['dogs', 'cats']);
    const candidate = (answer.body['candidates'] as Array<Record<string, unknown>>)[0];
    expect(candidate?.['groundingMetadata']).toEqual({
      groundingChunks: [
        {
          retrievedContext: {
            title: 'dogs',
            text: 'Dogs sleep twelve hours a day and bark.',
            fileSearchStore: name,
          },
        },
        {
          retrievedContext: {
            title: 'cats',
            text: 'Cats sleep sixteen hours a day.',
            fileSearchStore: name,
          },
        },
      ],
      groundingSupports: [
        { segment: { endIndex: 6, text: 'answer' }, groundingChunkIndices: [0, 1] },
      ],
    });
  });

  it('cuts by the chunking config and refuses a metadataFilter it cannot read', async () => {
    const seen: string[][] = [];
    const fake = createFakeGemini({
      filesApi: { fileSearchPolls: 0 },
      script: (_request, context) => {
        seen.push((context.fileSearchResults ?? []).map((result) => result.text));
        return turn.text('ok');
      },
    });
    const name = (await call(fake, 'fileSearchStores', { method: 'POST', body: '{}' })).body[
      'name'
    ] as string;
    const operation = await upload(fake, name, 'alpha beta gamma delta epsilon', {
      chunkingConfig: { whiteSpaceConfig: { maxTokensPerChunk: 2, maxOverlapTokens: 1 } },
      customMetadata: [{ key: 'kind', stringValue: 'greek' }],
    });
    await call(fake, operation.name);
    await ask(fake, { fileSearchStoreNames: [name], metadataFilter: 'kind = "greek"' }, 'gamma');
    expect(seen[0]).toEqual(['beta gamma', 'gamma delta']);
    await ask(fake, { fileSearchStoreNames: [name], metadataFilter: 'kind = "latin"' }, 'gamma');
    expect(seen[1]).toEqual([]);
    const refused = await ask(
      fake,
      { fileSearchStoreNames: [name], metadataFilter: 'kind > 3' },
      'gamma',
    );
    expect(refused.status).toBe(400);
  });
});

describe('the fake File Search stores: resources', () => {
  const create = async (fake: Fake, body: object = {}) =>
    (await call(fake, 'fileSearchStores', { method: 'POST', body: JSON.stringify(body) })).body[
      'name'
    ] as string;

  it('names a store after its display name and counts its documents by state and bytes', async () => {
    const fake = createFakeGemini({ filesApi: { fileSearchPolls: 1 } });
    const name = await create(fake, { displayName: 'Tenancy Law (2026)!' });
    // The reference: the id is derived from the display name, with a 12-character suffix.
    expect(name).toMatch(/^fileSearchStores\/tenancy-law-2026-[a-z0-9]{12}$/);
    const active = await upload(fake, name, 'rent is due monthly');
    const empty = await upload(fake, name, '   \n ');
    expect((await call(fake, name)).body).toMatchObject({
      displayName: 'Tenancy Law (2026)!',
      activeDocumentsCount: '0',
      pendingDocumentsCount: '2',
      failedDocumentsCount: '0',
      sizeBytes: String('rent is due monthly'.length + '   \n '.length),
      embeddingModel: 'models/gemini-embedding-001',
    });
    for (const operation of [active, empty]) {
      await call(fake, operation.name);
      await call(fake, operation.name);
    }
    // A file with no text fails: its operation ends with an error, its document STATE_FAILED.
    const failed = (await call(fake, empty.name)).body;
    expect(failed).toMatchObject({ done: true, error: { code: 3 } });
    expect(failed).not.toHaveProperty('response');
    expect((await call(fake, name)).body).toMatchObject({
      activeDocumentsCount: '1',
      pendingDocumentsCount: '0',
      failedDocumentsCount: '1',
    });
  });

  it('imports a file of the Files API as a document, and refuses a file it does not hold', async () => {
    const fake = createFakeGemini({ filesApi: { fileSearchPolls: 0 } });
    const name = await create(fake);
    const start = await fake.fetch(`${BASE}/upload/v1beta/files`, {
      method: 'POST',
      headers: {
        ...key,
        'x-goog-upload-protocol': 'resumable',
        'x-goog-upload-command': 'start',
        'x-goog-upload-header-content-length': '11',
        'x-goog-upload-header-content-type': 'text/plain',
      },
      body: JSON.stringify({ file: { displayName: 'lease.txt' } }),
    });
    const finish = await fake.fetch(start.headers.get('x-goog-upload-url') as string, {
      method: 'POST',
      headers: { ...key, 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' },
      body: 'rent is due',
    });
    const file = ((await finish.json()) as { file: { name: string } }).file.name;
    const imported = await call(fake, `${name}:importFile`, {
      method: 'POST',
      body: JSON.stringify({ fileName: file }),
    });
    expect(imported.body['name']).toMatch(new RegExp(`^${name}/operations/`));
    const done = (await call(fake, imported.body['name'] as string)).body;
    expect(done['response']).toMatchObject({
      '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.ImportFileResponse',
      parent: name,
    });
    const document = (await call(fake, (done['response'] as { documentName: string }).documentName))
      .body;
    expect(document).toMatchObject({
      displayName: 'lease.txt',
      state: 'STATE_ACTIVE',
      sizeBytes: '11',
    });

    for (const fileName of ['files/nope', 'lease.txt', 42]) {
      const refused = await call(fake, `${name}:importFile`, {
        method: 'POST',
        body: JSON.stringify({ fileName }),
      });
      expect(refused.status, String(fileName)).toBe(400);
      expect(refused.body['error']).toMatchObject({ status: 'INVALID_ARGUMENT' });
    }
  });

  it('pages stores and documents, at most 20 a page as the reference allows', async () => {
    const fake = createFakeGemini({ filesApi: { fileSearchPolls: 0 } });
    for (let index = 0; index < 22; index++) await create(fake);
    const first = (await call(fake, 'fileSearchStores?pageSize=100')).body;
    expect((first['fileSearchStores'] as unknown[]).length).toBe(20);
    const rest = (await call(fake, `fileSearchStores?pageToken=${first['nextPageToken']}`)).body;
    expect((rest['fileSearchStores'] as unknown[]).length).toBe(2);
    expect(rest).not.toHaveProperty('nextPageToken');
    const byDefault = (await call(fake, 'fileSearchStores')).body;
    expect((byDefault['fileSearchStores'] as unknown[]).length).toBe(10);

    const store = await create(fake);
    for (const text of ['a b', 'c d', 'e f']) await upload(fake, store, text);
    const documents = (await call(fake, `${store}/documents?pageSize=2`)).body;
    expect((documents['documents'] as unknown[]).length).toBe(2);
    expect(documents['nextPageToken']).toBe('2');
  });

  it('deletes a document, and 404s a document, an operation or an upload target it does not hold', async () => {
    const fake = createFakeGemini({ filesApi: { fileSearchPolls: 0 } });
    const name = await create(fake);
    const operation = await upload(fake, name, 'some words here');
    const documentName = (
      (await call(fake, operation.name)).body['response'] as {
        documentName: string;
      }
    ).documentName;
    expect((await call(fake, documentName, { method: 'DELETE' })).status).toBe(200);
    const gone = await call(fake, documentName);
    expect(gone.status).toBe(404);
    expect(gone.body['error']).toMatchObject({ status: 'NOT_FOUND' });
    expect((await call(fake, `${name}/operations/op-nope`)).status).toBe(404);
    const start = await fake.fetch(
      `${BASE}/upload/v1beta/fileSearchStores/nope:uploadToFileSearchStore`,
      {
        method: 'POST',
        headers: {
          ...key,
          'x-goog-upload-protocol': 'resumable',
          'x-goog-upload-command': 'start',
        },
        body: '{}',
      },
    );
    expect(start.status).toBe(404);
    expect(start.headers.get('x-goog-upload-url')).toBeNull();
    // With its only document gone, the store deletes without force.
    expect((await call(fake, name, { method: 'DELETE' })).status).toBe(200);
    expect((await call(fake, name)).status).toBe(404);
  });

  it.each([
    ['PATCH on a store', 'PATCH', ''],
    ['an unknown verb', 'POST', ':reindex'],
    ['importFile by GET', 'GET', ':importFile'],
    ['POST on an operation', 'POST', '/operations/op-1'],
    ['PUT on the collection', 'PUT', 'COLLECTION'],
  ])('404s %s, leaving the store as it was', async (_, method, suffix) => {
    const fake = createFakeGemini();
    const name = await create(fake, { displayName: 'kept' });
    const path = suffix === 'COLLECTION' ? 'fileSearchStores' : `${name}${suffix}`;
    const answer = await call(fake, path, { method, ...(method === 'GET' ? {} : { body: '{}' }) });
    expect(answer.status).toBe(404);
    expect((await call(fake, name)).body['displayName']).toBe('kept');
  });
});

describe('the fake File Search retrieval', () => {
  async function storeWith(
    fake: Fake,
    documents: { text: string; displayName: string; customMetadata?: unknown[] }[],
  ) {
    const name = (await call(fake, 'fileSearchStores', { method: 'POST', body: '{}' })).body[
      'name'
    ] as string;
    for (const { text, ...fields } of documents) {
      const operation = await upload(fake, name, text, fields);
      await call(fake, operation.name);
    }
    return name;
  }
  const retrieving = () => {
    const seen: string[][] = [];
    const fake = createFakeGemini({
      filesApi: { fileSearchPolls: 0 },
      script: (_request, context) => {
        seen.push((context.fileSearchResults ?? []).map((result) => result.title));
        return turn.text('ok');
      },
    });
    return { fake, seen };
  };

  it('filters by numeric values, string lists and clauses joined by AND', async () => {
    const { fake, seen } = retrieving();
    const name = await storeWith(fake, [
      {
        displayName: 'old lease',
        text: 'lease rent deposit',
        customMetadata: [
          { key: 'year', numericValue: 2019 },
          { key: 'tags', stringListValue: { values: ['housing', 'archive'] } },
        ],
      },
      {
        displayName: 'new lease',
        text: 'lease rent deposit',
        customMetadata: [
          { key: 'year', numericValue: 2026 },
          { key: 'tags', stringListValue: { values: ['housing'] } },
        ],
      },
    ]);
    const question = 'What deposit does the lease ask?';
    for (const metadataFilter of [
      'year = 2026',
      'tags = "archive"',
      'tags = "housing" AND year = 2019',
    ]) {
      await ask(fake, { fileSearchStoreNames: [name], metadataFilter }, question);
    }
    expect(seen).toEqual([['new lease'], ['old lease'], ['old lease']]);
  });

  it('retrieves nothing from a pending document, a store it does not hold, or a question of stop words', async () => {
    const seen: string[][] = [];
    const fake = createFakeGemini({
      filesApi: { fileSearchPolls: 3 },
      script: (_request, context) => {
        seen.push((context.fileSearchResults ?? []).map((result) => result.text));
        return turn.text('ok');
      },
    });
    const name = (await call(fake, 'fileSearchStores', { method: 'POST', body: '{}' })).body[
      'name'
    ] as string;
    await upload(fake, name, 'the deposit is two months of rent');
    await ask(fake, { fileSearchStoreNames: [name] }, 'deposit?');
    await ask(fake, { fileSearchStoreNames: ['fileSearchStores/elsewhere'] }, 'deposit?');
    expect(seen).toEqual([[], []]);
    // A turn with nothing retrieved carries no citations.
    const answer = await ask(fake, { fileSearchStoreNames: [name] }, 'deposit?');
    const candidate = (answer.body['candidates'] as Record<string, unknown>[])[0];
    expect(candidate).not.toHaveProperty('groundingMetadata');
  });

  it('falls back to five chunks for a topK that is no positive integer', async () => {
    const { fake, seen } = retrieving();
    const name = await storeWith(
      fake,
      Array.from({ length: 7 }, (_, index) => ({
        displayName: `d${index}`,
        text: `rent note ${index}`,
      })),
    );
    for (const topK of [0, -1, 2.5, 'three']) {
      await ask(fake, { fileSearchStoreNames: [name], topK }, 'rent');
    }
    expect(seen.map((titles) => titles.length)).toEqual([5, 5, 5, 5]);
  });
});

describe('the fake File Search stores: proto spellings', () => {
  it('reads every field in snake case too, as proto3 JSON parsers do', async () => {
    // protobuf.dev/programming-guides/json: parsers accept the lowerCamelCase name and the
    // original proto field name alike.
    const seen: string[][] = [];
    const fake = createFakeGemini({
      filesApi: { fileSearchPolls: 0 },
      script: (_request, context) => {
        seen.push((context.fileSearchResults ?? []).map((result) => result.text));
        return turn.text('ok');
      },
    });
    const store = (
      await call(fake, 'fileSearchStores', {
        method: 'POST',
        body: JSON.stringify({
          display_name: 'Snake Store',
          embedding_model: 'models/custom-embed',
        }),
      })
    ).body;
    expect(store).toMatchObject({
      name: expect.stringMatching(/^fileSearchStores\/snake-store-/),
      displayName: 'Snake Store',
      embeddingModel: 'models/custom-embed',
    });
    const name = store['name'] as string;
    const operation = await upload(fake, name, 'alpha beta gamma delta', {
      display_name: 'greek',
      chunking_config: { white_space_config: { max_tokens_per_chunk: 2, max_overlap_tokens: 0 } },
      custom_metadata: [{ key: 'kind', stringValue: 'letters' }],
    });
    const documentName = (
      (await call(fake, operation.name)).body['response'] as {
        documentName: string;
      }
    ).documentName;
    expect((await call(fake, documentName)).body).toMatchObject({
      displayName: 'greek',
      customMetadata: [{ key: 'kind', stringValue: 'letters' }],
    });
    await ask(
      fake,
      { file_search_store_names: [name], metadata_filter: 'kind = "letters"' },
      'gamma',
    );
    expect(seen).toEqual([['gamma delta']]);
  });
});

describe('importFile of an unknown emoji file name', () => {
  it('quotes the name cut at 100 characters, never inside an emoji', async () => {
    const fake = createFakeGemini({ script: [] });
    const name = (await call(fake, 'fileSearchStores', { method: 'POST', body: '{}' })).body[
      'name'
    ];
    // "files/" and 93 "x" are 99 units: the 100-unit cut falls inside the first emoji.
    const fileName = `files/${'x'.repeat(93)}${'😀'.repeat(5)}`;
    const refused = await call(fake, `${name}:importFile`, {
      method: 'POST',
      body: JSON.stringify({ fileName }),
    });
    expect(refused.status).toBe(400);
    const message = (refused.body['error'] as { message: string }).message;
    expect(message).toBe(
      `File files/${'x'.repeat(93)} not found; import a file files.upload returned (approximated).`,
    );
    await fake.close();
  });
});
