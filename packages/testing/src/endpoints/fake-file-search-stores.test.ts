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
