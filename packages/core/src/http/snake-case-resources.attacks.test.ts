import { describe, expect, it } from 'vitest';
import { createEmbeddingBatches } from '../embeddings/create-embedding-batches.ts';
import { createEmbeddings } from '../embeddings/create-embeddings.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createBatches } from './batches/create-batches.ts';
import { createGemini } from './create-gemini.ts';
import { createFileSearchStores } from './file-search-stores/create-file-search-stores.ts';
import { createFiles } from './files/create-files.ts';

// A gateway answering the endpoints other than generateContent in the proto field names
// (proto3 JSON makes `total_tokens` and `totalTokens` one message, gemini-wire.md section 1).
// attack47a found them read wrong (a count of 0, a list ending after page 1, an empty page) and
// made them refuse; snake47 reads them, as the model call reads a snake_case answer.

type Route = (url: URL) => unknown;

function clientOf(route: Route) {
  const urls: URL[] = [];
  const gemini = createGemini({
    apiKey: 'AIzaSySnake47ResourcesKeyXXXXXXXXXXXXXX',
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async (input) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      urls.push(url);
      return Response.json(route(url));
    },
  });
  return { gemini, urls };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('countTokens, snake_case', () => {
  it('reads total_tokens, cached_content_token_count and prompt_tokens_details', async () => {
    const { gemini } = clientOf(() => ({
      total_tokens: 5,
      cached_content_token_count: 2,
      prompt_tokens_details: [{ modality: 'TEXT', token_count: 5 }],
    }));
    expect(await gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' })).toEqual({
      totalTokens: 5,
      cachedContentTokenCount: 2,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }],
    });
  });

  it('a string count is read as the camelCase one is; a count that is none is refused, naming totalTokens', async () => {
    const read = clientOf(() => ({ total_tokens: '7' }));
    expect(
      await read.gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' }),
    ).toMatchObject({ totalTokens: 7 });
    const bad = clientOf(() => ({ total_tokens: -3 }));
    const outcome = await bad.gemini
      .countTokens({ model: 'gemini-2.5-flash', contents: 'hi' })
      .catch((error: unknown) => error);
    expect(ApiCallError.isInstance(outcome)).toBe(true);
    expect((outcome as Error).message).toContain('totalTokens');
  });
});

// Two pages each: the first names the second by `next_page_token`; a page's items and their
// fields in snake_case too.
const LISTS = {
  files: { field: 'files', item: { mime_type: 'text/plain', display_name: 'my_notes' } },
  batches: {
    field: 'operations',
    item: { metadata: { create_time: '2026-11-29T00:00:00Z', display_name: 'my_job' } },
  },
  caches: {
    field: 'cached_contents',
    item: { expire_time: '2026-11-29T00:00:00Z', display_name: 'my_cache' },
  },
  fileSearchStores: {
    field: 'file_search_stores',
    item: { create_time: '2026-11-29T00:00:00Z', display_name: 'my_store' },
  },
} as const;

for (const surface of Object.keys(LISTS) as (keyof typeof LISTS)[]) {
  it(`${surface}.listAll, snake_case pages: every page's items read, in camelCase`, async () => {
    const { field, item } = LISTS[surface];
    const { gemini, urls } = clientOf((url) =>
      url.searchParams.get('pageToken') === 'page_2'
        ? { [field]: [{ name: `${surface}/b`, ...item }] }
        : { [field]: [{ name: `${surface}/a`, ...item }], next_page_token: 'page_2' },
    );
    const lists: Record<typeof surface, () => AsyncIterable<unknown>> = {
      files: () => createFiles(gemini).listAll(),
      batches: () => createBatches(gemini).listAll(),
      caches: () => gemini.caches.listAll(),
      fileSearchStores: () => createFileSearchStores(gemini).listAll(),
    };
    const items = (await collect(lists[surface]())) as Record<string, unknown>[];
    expect(items.map((each) => each['name'])).toEqual([`${surface}/a`, `${surface}/b`]);
    expect(urls).toHaveLength(2);
    const camel = JSON.stringify(items[0]);
    expect(camel).not.toContain('_time');
    // A display name is a value: kept as spelled.
    expect(camel).toMatch(/"displayName":"my_/);
  });
}

describe('a get of each resource, snake_case', () => {
  it('files.get: mime_type, size_bytes, state, uri, expiration_time', async () => {
    const { gemini } = clientOf(() => ({
      name: 'files/a',
      display_name: 'report_final.pdf',
      mime_type: 'application/pdf',
      size_bytes: '12',
      state: 'ACTIVE',
      uri: 'https://gw.test/v1beta/files/a',
      expiration_time: '2026-12-01T00:00:00Z',
    }));
    expect(await createFiles(gemini).get('files/a')).toEqual({
      name: 'files/a',
      displayName: 'report_final.pdf',
      mimeType: 'application/pdf',
      sizeBytes: '12',
      state: 'ACTIVE',
      uri: 'https://gw.test/v1beta/files/a',
      expirationTime: '2026-12-01T00:00:00Z',
    });
  });

  it("batches.get and results: state, dest's inlined_responses read; a call's args and an item's metadata kept", async () => {
    const answer = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ function_call: { name: 'f', args: { user_id: 1 } } }],
          },
          finish_reason: 'STOP',
        },
      ],
      usage_metadata: { prompt_token_count: 3, total_token_count: 4 },
    };
    const job = {
      name: 'batches/a',
      done: true,
      metadata: {
        state: 'BATCH_STATE_SUCCEEDED',
        create_time: '2026-11-29T00:00:00Z',
        output: {
          inlined_responses: {
            inlined_responses: [{ response: answer, metadata: { key: 'k_1' } }],
          },
        },
      },
      response: {
        inlined_responses: { inlined_responses: [{ response: answer, metadata: { key: 'k_1' } }] },
      },
    };
    const { gemini } = clientOf(() => job);
    const batches = createBatches(gemini);
    const got = await batches.get('batches/a');
    expect(got.metadata?.state).toBe('BATCH_STATE_SUCCEEDED');
    expect(got.metadata?.createTime).toBe('2026-11-29T00:00:00Z');
    const inline = got.response?.inlinedResponses?.inlinedResponses?.[0];
    expect(inline?.response?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(inline?.response?.candidates?.[0]?.content?.parts?.[0]).toEqual({
      functionCall: { name: 'f', args: { user_id: 1 } },
    });
    expect(inline?.response?.usageMetadata?.promptTokenCount).toBe(3);
    expect(inline?.metadata).toEqual({ key: 'k_1' });
    const results = await batches.results('batches/a');
    expect(results).toHaveLength(1);
    expect(JSON.stringify(results[0])).toContain('"functionCall"');
  });

  it("caches.get: usage_metadata and expire_time read; the contents' args and a function's response kept", async () => {
    const { gemini } = clientOf(() => ({
      name: 'cachedContents/a',
      model: 'models/gemini-2.5-flash',
      expire_time: '2026-11-29T01:00:00Z',
      usage_metadata: { total_token_count: 4096 },
      contents: [
        { role: 'model', parts: [{ function_call: { name: 'f', args: { user_id: 1 } } }] },
        {
          role: 'user',
          parts: [{ function_response: { name: 'f', response: { row_count: 2 } } }],
        },
      ],
      tools: [
        {
          function_declarations: [
            {
              name: 'f',
              parameters: {
                type: 'OBJECT',
                properties: { user_id: { type: 'INTEGER', max_items: 1 } },
              },
            },
          ],
        },
      ],
    }));
    expect(await gemini.caches.get('cachedContents/a')).toEqual({
      name: 'cachedContents/a',
      model: 'models/gemini-2.5-flash',
      expireTime: '2026-11-29T01:00:00Z',
      usageMetadata: { totalTokenCount: 4096 },
      contents: [
        { role: 'model', parts: [{ functionCall: { name: 'f', args: { user_id: 1 } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { row_count: 2 } } }] },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'f',
              parameters: {
                type: 'OBJECT',
                properties: { user_id: { type: 'INTEGER', maxItems: 1 } },
              },
            },
          ],
        },
      ],
    });
  });

  it('fileSearchStores.getOperation: done, error, response (document_name) read', async () => {
    const { gemini } = clientOf(() => ({
      name: 'fileSearchStores/s/operations/o',
      done: true,
      error: { code: 3, message: 'bad_file' },
      response: {
        '@type': 'type.googleapis.com/x',
        document_name: 'fileSearchStores/s/documents/d',
      },
    }));
    expect(
      await createFileSearchStores(gemini).getOperation('fileSearchStores/s/operations/o'),
    ).toEqual({
      name: 'fileSearchStores/s/operations/o',
      done: true,
      error: { code: 3, message: 'bad_file' },
      response: {
        '@type': 'type.googleapis.com/x',
        documentName: 'fileSearchStores/s/documents/d',
      },
    });
  });

  it('fileSearchStores.get: create_time, active_documents_count read', async () => {
    const { gemini } = clientOf(() => ({
      name: 'fileSearchStores/s',
      display_name: 'my_store',
      create_time: '2026-11-29T00:00:00Z',
      active_documents_count: '3',
    }));
    expect(await createFileSearchStores(gemini).get('fileSearchStores/s')).toEqual({
      name: 'fileSearchStores/s',
      displayName: 'my_store',
      createTime: '2026-11-29T00:00:00Z',
      activeDocumentsCount: '3',
    });
  });
});

describe('embeddings, snake_case (held: their fields are one word each)', () => {
  it('embedContent and batchEmbedContents read embedding.values and embeddings[].values', async () => {
    const { gemini } = clientOf((url) =>
      url.pathname.endsWith(':batchEmbedContents')
        ? { embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] }
        : { embedding: { values: [0.5, 0.6] } },
    );
    const embeddings = createEmbeddings(gemini);
    const one = await embeddings.embedContent({ model: 'gemini-embedding-001', content: 'a' });
    expect(one.embedding.values).toEqual([0.5, 0.6]);
    const many = await embeddings.batchEmbedContents({
      model: 'gemini-embedding-001',
      requests: [{ content: 'a' }, { content: 'b' }],
    });
    expect(many.embeddings.map((each) => each.values)).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
  });
});

describe('models, snake_case', () => {
  const model = {
    name: 'models/gemini-2.5-flash',
    base_model_id: 'gemini-2.5-flash',
    input_token_limit: 1048576,
    supported_generation_methods: ['generateContent'],
  };

  it('listModels reads next_page_token and the models fields; getModel reads a model', async () => {
    const { gemini, urls } = clientOf((url) =>
      url.pathname.endsWith('/models')
        ? url.searchParams.get('pageToken') === 'page_2'
          ? { models: [{ ...model, name: 'models/b' }] }
          : { models: [model], next_page_token: 'page_2' }
        : model,
    );
    const first = await gemini.listModels();
    expect(first).toEqual({
      models: [
        {
          name: 'models/gemini-2.5-flash',
          baseModelId: 'gemini-2.5-flash',
          inputTokenLimit: 1048576,
          supportedGenerationMethods: ['generateContent'],
        },
      ],
      nextPageToken: 'page_2',
    });
    expect((await gemini.listModels({ pageToken: 'page_2' })).models[0]?.name).toBe('models/b');
    expect(await gemini.getModel('gemini-2.5-flash')).toMatchObject({ inputTokenLimit: 1048576 });
    expect(urls).toHaveLength(3);
  });
});

describe("an upload's final answer, snake_case", () => {
  function uploadClient(final: unknown) {
    const gemini = createGemini({
      apiKey: 'AIzaSySnake47ResourcesKeyXXXXXXXXXXXXXX',
      baseUrl: 'https://gw.test',
      retry: false,
      fetch: async (_input, init) => {
        const command = new Headers(init?.headers).get('x-goog-upload-command') ?? '';
        if (command === 'start') {
          return new Response(null, {
            headers: { 'x-goog-upload-url': 'https://gw.test/upload?upload_id=session-s47' },
          });
        }
        return Response.json(final, { headers: { 'x-goog-upload-status': 'final' } });
      },
    });
    return gemini;
  }

  it('files.upload: the file (mime_type, size_bytes, create_time) read in camelCase', async () => {
    const gemini = uploadClient({
      file: { name: 'files/u', mime_type: 'text/plain', size_bytes: '3', state: 'ACTIVE' },
    });
    expect(await createFiles(gemini).upload(new Uint8Array(3), { mimeType: 'text/plain' })).toEqual(
      { name: 'files/u', mimeType: 'text/plain', sizeBytes: '3', state: 'ACTIVE' },
    );
  });

  it("fileSearchStores.upload: the operation's response (document_name) read in camelCase", async () => {
    const gemini = uploadClient({
      name: 'fileSearchStores/s/upload/operations/o',
      done: true,
      response: { document_name: 'fileSearchStores/s/documents/d' },
    });
    const operation = await createFileSearchStores(gemini).upload(
      'fileSearchStores/s',
      new Uint8Array(3),
      { mimeType: 'text/plain' },
    );
    expect(operation.response).toEqual({ documentName: 'fileSearchStores/s/documents/d' });
  });
});

it("embeddingBatches.results: a snake_case job's inlined_responses read, each vector and key", async () => {
  const { gemini } = clientOf(() => ({
    name: 'batches/e',
    done: true,
    metadata: { state: 'BATCH_STATE_SUCCEEDED', create_time: '2026-11-29T00:00:00Z' },
    response: {
      inlined_responses: {
        inlined_responses: [
          { response: { embedding: { values: [0.1, 0.2] } }, metadata: { key: 'k_a' } },
        ],
      },
    },
  }));
  const results = await createEmbeddingBatches(gemini).results('batches/e');
  expect(results).toEqual([
    expect.objectContaining({ key: 'k_a', response: { embedding: { values: [0.1, 0.2] } } }),
  ]);
});
