import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../../agent/create-agent.ts';
import { createChatSession } from '../../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../../chat/create-memory-history-store.ts';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { FileSearchOperationError } from '../../errors/files-and-batches/file-search-operation-error.ts';
import { UnsupportedEndpointError } from '../../errors/files-and-batches/unsupported-endpoint-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { interactionsApi } from '../../interactions/interactions-api.ts';
import { fileSearch } from '../../tools/builtin/built-in-tools.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from '../files/create-files.ts';
import { createFileSearchStores } from './create-file-search-stores.ts';

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const LEAVE =
  'Annual leave: every employee gets 25 days of paid leave a year. Unused days carry over until March.';
const EXPENSES = 'Expenses: receipts are filed within 30 days through the expenses portal.';

async function start(options: Parameters<typeof createFakeGemini>[0] = {}) {
  fake = createFakeGemini(options);
  const { url } = await fake.listen();
  const gemini = createGemini({
    baseUrl: url,
    apiKey: 'test-key',
    retry: { maxRetries: 2, initialDelayMs: 0 },
  });
  return { gemini, stores: createFileSearchStores(gemini), fake };
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('createFileSearchStores', () => {
  it('creates, gets, lists and deletes a store on the documented routes', async () => {
    const { stores, fake } = await start();
    const store = await stores.create({ displayName: 'Company handbook' });
    expect(store.name).toMatch(/^fileSearchStores\/company-handbook-[a-z0-9]{12}$/);
    expect(await stores.get(store.name)).toMatchObject({
      name: store.name,
      displayName: 'Company handbook',
      activeDocumentsCount: '0',
    });
    await stores.create({ displayName: 'second' });
    const page = await stores.list({ pageSize: 1 });
    expect(page.fileSearchStores.map((each) => each.name)).toEqual([store.name]);
    expect(page.nextPageToken).toBeDefined();
    const all: string[] = [];
    for await (const each of stores.listAll({ pageSize: 1 })) all.push(each.displayName ?? '');
    expect(all).toEqual(['Company handbook', 'second']);
    await stores.delete(store.name);
    const gone = await stores.get(store.name).catch((error: unknown) => error);
    expect(ApiCallError.isInstance(gone) && gone.status).toBe(404);
    expect(fake.requests.map((request) => `${request.httpMethod} ${request.method}`)).toEqual([
      'POST fileSearchStores.create',
      'GET fileSearchStores.get',
      'POST fileSearchStores.create',
      'GET fileSearchStores.list',
      'GET fileSearchStores.list',
      'GET fileSearchStores.list',
      'DELETE fileSearchStores.delete',
      'GET fileSearchStores.get',
    ]);
    expect(fake.requests[0]?.body).toEqual({ displayName: 'Company handbook' });
  });

  it('uploads to a store with the resumable protocol, metadata and chunking, then waits for the operation', async () => {
    const { stores, fake } = await start({
      filesApi: { fileSearchPolls: 2, chunkGranularity: 16 },
    });
    const store = await stores.create({ displayName: 'handbook' });
    const progress: number[] = [];
    const operation = await stores.upload(store.name, text(LEAVE), {
      mimeType: 'text/plain',
      displayName: 'leave.txt',
      customMetadata: [{ key: 'team', stringValue: 'hr' }],
      chunkingConfig: { whiteSpaceConfig: { maxTokensPerChunk: 8, maxOverlapTokens: 2 } },
      chunkSize: 16,
      onProgress: ({ uploadedBytes }) => progress.push(uploadedBytes),
    });
    expect(operation).toMatchObject({ done: false });
    expect(operation.name).toMatch(/^fileSearchStores\/handbook-\w+\/upload\/operations\/op-\w+$/);
    // Several chunks: the same resumable protocol as files.upload.
    expect(progress.length).toBeGreaterThan(2);
    const started = fake.requests.find((request) => request.method === 'fileSearchStores.upload');
    expect(started?.body).toEqual({
      mimeType: 'text/plain',
      displayName: 'leave.txt',
      customMetadata: [{ key: 'team', stringValue: 'hr' }],
      chunkingConfig: { whiteSpaceConfig: { maxTokensPerChunk: 8, maxOverlapTokens: 2 } },
    });
    const polls: boolean[] = [];
    const done = await stores.waitForOperation(operation, {
      pollIntervalMs: 0,
      onPoll: (current) => polls.push(current.done === true),
    });
    expect(polls).toEqual([false, false, true]);
    const documentName = done.response?.documentName as string;
    expect(documentName).toMatch(/^fileSearchStores\/handbook-\w+\/documents\/doc-\w+$/);
    expect(await stores.getDocument(documentName)).toMatchObject({
      displayName: 'leave.txt',
      state: 'STATE_ACTIVE',
      customMetadata: [{ key: 'team', stringValue: 'hr' }],
      mimeType: 'text/plain',
    });
    const documents = await stores.listDocuments(store.name);
    expect(documents.documents.map((document) => document.name)).toEqual([documentName]);
    expect(await stores.get(store.name)).toMatchObject({ activeDocumentsCount: '1' });
    const notEmpty = await stores.delete(store.name).catch((error: unknown) => error);
    expect(ApiCallError.isInstance(notEmpty) && notEmpty.googleStatus).toBe('FAILED_PRECONDITION');
    await stores.deleteDocument(documentName, { force: true });
    expect((await stores.listDocuments(store.name)).documents).toEqual([]);
    await stores.delete(store.name, { force: true });
  });

  it('imports a file of the Files API into a store', async () => {
    const { gemini, stores, fake } = await start({ filesApi: { fileSearchPolls: 0 } });
    const file = await createFiles(gemini).upload(text(EXPENSES), {
      mimeType: 'text/plain',
      displayName: 'expenses.txt',
    });
    const store = await stores.create();
    const operation = await stores.importFile(store.name, file.name, {
      customMetadata: [{ key: 'year', numericValue: 2026 }],
    });
    expect(operation.name).toMatch(/^fileSearchStores\/\w+\/operations\/op-\w+$/);
    expect(fake.requests.at(-1)?.body).toEqual({
      fileName: file.name,
      customMetadata: [{ key: 'year', numericValue: 2026 }],
    });
    const done = await stores.waitForOperation(operation.name, { pollIntervalMs: 0 });
    expect(await stores.getDocument(done.response?.documentName as string)).toMatchObject({
      displayName: 'expenses.txt',
      state: 'STATE_ACTIVE',
    });
    // force deletes the store with its document (without it the API refuses, FAILED_PRECONDITION).
    await stores.delete(store.name, { force: true });
    const gone = await stores.get(store.name).catch((error: unknown) => error);
    expect(ApiCallError.isInstance(gone) && gone.status).toBe(404);
  });

  it('answers the fileSearch tool with citations taken from the uploaded text', async () => {
    const { gemini, stores, fake } = await start({
      script: (_request, context) =>
        turn.text(`(from the store) ${context.fileSearchResults?.[0]?.text ?? 'nothing found'}`),
    });
    const store = await stores.create({ displayName: 'handbook' });
    for (const [name, body] of [
      ['leave.txt', LEAVE],
      ['expenses.txt', EXPENSES],
    ] as const) {
      await stores.waitForOperation(
        await stores.upload(store.name, text(body), { mimeType: 'text/plain', displayName: name }),
        { pollIntervalMs: 0 },
      );
    }
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [fileSearch({ fileSearchStoreNames: [store.name] })],
    });
    const result = await agent.run('How many days of paid leave do I get?');
    expect(result.text).toBe(`(from the store) ${LEAVE}`);
    const chunks = result.grounding.flatMap((grounding) => grounding.groundingChunks ?? []);
    expect(chunks[0]?.retrievedContext).toEqual({
      title: 'leave.txt',
      text: LEAVE,
      fileSearchStore: store.name,
    });
    const sent = fake.requests.find((request) => request.method === 'generateContent');
    expect(sent?.body).toMatchObject({
      tools: [{ fileSearch: { fileSearchStoreNames: [store.name] } }],
    });
  });

  it('streams the answer with the citations of the store in a grounding event', async () => {
    const { gemini, stores } = await start({ script: [turn.text('Twenty-five days.')] });
    const store = await stores.create();
    await stores.waitForOperation(
      await stores.upload(store.name, text(LEAVE), { mimeType: 'text/plain', displayName: 'l' }),
      { pollIntervalMs: 0 },
    );
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fileSearch({ fileSearchStoreNames: [store.name] })],
    });
    const stream = agent.stream('How many days of paid leave?');
    const sources: unknown[] = [];
    for await (const event of stream)
      if (event.type === 'grounding')
        sources.push(event.grounding.groundingChunks?.[0]?.retrievedContext);
    expect((await stream.result).text).toBe('Twenty-five days.');
    expect(sources).toEqual([{ title: 'l', text: LEAVE, fileSearchStore: store.name }]);
  });

  it('answers a chat session from the store, each turn retrieving with its own question', async () => {
    const { gemini, stores } = await start({
      script: (_request, context) => turn.text(context.fileSearchResults?.[0]?.text ?? 'none'),
    });
    const store = await stores.create();
    for (const body of [LEAVE, EXPENSES]) {
      await stores.waitForOperation(
        await stores.upload(store.name, text(body), { mimeType: 'text/plain' }),
        { pollIntervalMs: 0 },
      );
    }
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fileSearch({ fileSearchStoreNames: [store.name] })],
    });
    const chat = createChatSession({ agent, store: createMemoryHistoryStore(), id: 'handbook' });
    expect((await chat.send('How many days of paid leave?')).text).toBe(LEAVE);
    const second = await chat.send('When are receipts filed for expenses?');
    expect(second.text).toBe(EXPENSES);
    expect(second.grounding[0]?.groundingChunks?.[0]?.retrievedContext?.text).toBe(EXPENSES);
  });

  it('searches the store from an agent on the Interactions API too', async () => {
    const { gemini, stores, fake } = await start({
      script: (_request, context) => turn.text(context.fileSearchResults?.[0]?.text ?? 'none'),
    });
    const store = await stores.create();
    await stores.waitForOperation(
      await stores.upload(store.name, text(LEAVE), { mimeType: 'text/plain' }),
      { pollIntervalMs: 0 },
    );
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      api: interactionsApi(),
      tools: [fileSearch({ fileSearchStoreNames: [store.name], topK: 1 })],
    });
    expect((await agent.run('How many days of paid leave?')).text).toBe(LEAVE);
    const sent = fake.requests.find((request) =>
      JSON.stringify(request.body ?? {}).includes('"type":"file_search"'),
    );
    expect((sent?.body as { tools?: unknown } | undefined)?.tools).toEqual([
      { type: 'file_search', file_search_store_names: [store.name], top_k: 1 },
    ]);
  });

  it('searches the store through the file_search fallback of a 2.x model beside a function', async () => {
    const { gemini, stores } = await start({
      script: [
        turn.call('file_search', { query: 'days of paid leave' }),
        // The fallback's own grounded request, with only the fileSearch tool: answered from the store.
        (_request, context) => turn.text(context.fileSearchResults?.[0]?.text ?? 'none'),
        turn.text('25 days.'),
      ],
    });
    const store = await stores.create();
    await stores.waitForOperation(
      await stores.upload(store.name, text(LEAVE), { mimeType: 'text/plain', displayName: 'l' }),
      { pollIntervalMs: 0 },
    );
    const note = defineTool({ name: 'note', parameters: z.object({}), execute: () => 'ok' });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [fileSearch({ fileSearchStoreNames: [store.name] }), note],
    });
    const result = await agent.run('How many days of paid leave?');
    expect(result.steps[0]?.toolCalls[0]?.output).toMatchObject({
      answer: LEAVE,
      sources: [{ title: 'l', fileSearchStore: store.name }],
    });
    expect(result.text).toBe('25 days.');
  });

  it('filters retrieval by custom metadata', async () => {
    const { gemini, stores } = await start({
      script: (_request, context) =>
        turn.text(context.fileSearchResults?.map((result) => result.title).join(',') ?? ''),
    });
    const store = await stores.create();
    for (const team of ['hr', 'finance']) {
      await stores.waitForOperation(
        await stores.upload(store.name, text(`The ${team} policy on leave days.`), {
          mimeType: 'text/plain',
          displayName: team,
          customMetadata: [{ key: 'team', stringValue: team }],
        }),
        { pollIntervalMs: 0 },
      );
    }
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [
        fileSearch({ fileSearchStoreNames: [store.name], metadataFilter: 'team = "finance"' }),
      ],
    });
    expect((await agent.run('What is the policy on leave days?')).text).toBe('finance');
  });

  it('throws FileSearchOperationError when the operation ends with an error', async () => {
    const { stores } = await start({ filesApi: { fileSearchPolls: 0 } });
    const store = await stores.create();
    const operation = await stores.upload(store.name, text('   '), { mimeType: 'text/plain' });
    const error = await stores
      .waitForOperation(operation, { pollIntervalMs: 0 })
      .catch((caught: unknown) => caught);
    expect(FileSearchOperationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operationName: operation.name, statusCode: 3 });
  });

  it('keeps the key out of a failed operation error a gateway echoed it into', async () => {
    const secret = 'AIza-secret-key-0123456789';
    const gemini = createGemini({
      apiKey: secret,
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async () =>
        Response.json({
          name: 'fileSearchStores/a/operations/b',
          done: true,
          error: { code: 3, message: `key ${secret} cannot index this file` },
        }),
    });
    const error = await createFileSearchStores(gemini)
      .waitForOperation('fileSearchStores/a/operations/b')
      .catch((caught: unknown) => caught);
    expect(FileSearchOperationError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect((error as Error).message).not.toContain(secret);
    expect((error as Error).message).toContain('cannot index this file');
  });

  it("cuts a failed operation's long reason at a whole character, never inside an emoji", async () => {
    const gemini = createGemini({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async () =>
        Response.json({
          name: 'fileSearchStores/a/operations/b',
          done: true,
          error: { code: 3, message: `${'y'.repeat(999)}🧾 then the rest` },
        }),
    });
    const error = await createFileSearchStores(gemini)
      .waitForOperation('fileSearchStores/a/operations/b')
      .catch((caught: unknown) => caught);
    expect(FileSearchOperationError.isInstance(error)).toBe(true);
    const reason = (error as FileSearchOperationError).reason ?? '';
    expect(reason).toBe('y'.repeat(999));
  });

  it('stops waiting after maxPolls, and at once on an aborted signal', async () => {
    const { stores } = await start({ filesApi: { fileSearchPolls: 50 } });
    const store = await stores.create();
    const operation = await stores.upload(store.name, text(LEAVE), { mimeType: 'text/plain' });
    const timedOut = await stores
      .waitForOperation(operation, { pollIntervalMs: 0, maxPolls: 3 })
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(timedOut) && timedOut.message).toContain('after 3 polls');
    const controller = new AbortController();
    const waiting = stores.waitForOperation(operation, {
      pollIntervalMs: 60_000,
      signal: controller.signal,
    });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow();
  });

  it('refuses names that are not File Search resources before sending anything', async () => {
    const { stores, fake } = await start();
    for (const call of [
      () => stores.get('../files/abc'),
      () => stores.get('https://evil.test/fileSearchStores/x'),
      () => stores.getDocument('fileSearchStores/a/documents/../b'),
      () => stores.getOperation('operations/x'),
      () => stores.importFile('fileSearchStores/a', 'fileSearchStores/b'),
      () => stores.upload('fileSearchStores/a/documents/b', text('x'), { mimeType: 'text/plain' }),
    ]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
    }
    expect(fake.requests).toEqual([]);
  });

  it('refuses bad metadata and chunking with the option named', async () => {
    const { stores } = await start();
    const upload = (options: object) =>
      stores
        .upload('fileSearchStores/a', text('x'), { mimeType: 'text/plain', ...options })
        .catch((error: unknown) => error);
    const tooMany = Array.from({ length: 21 }, (_, index) => ({
      key: `k${index}`,
      stringValue: 'v',
    }));
    for (const options of [
      { customMetadata: tooMany },
      { customMetadata: [{ key: 'a', stringValue: 'x', numericValue: 1 }] },
      { chunkingConfig: { whiteSpaceConfig: { maxTokensPerChunk: 10, maxOverlapTokens: 10 } } },
      { chunkingConfig: { other: {} } },
    ]) {
      const error = await upload(options);
      expect(InvalidArgumentError.isInstance(error) && error.message).toMatch(
        /options\.(customMetadata|chunkingConfig)/,
      );
    }
  });

  it('is refused on Vertex AI before sending, as @google/genai refuses it', async () => {
    const gemini = createGemini({
      vertex: { project: 'p', location: 'us-central1', getAccessToken: async () => 'token' },
      baseUrl: 'http://127.0.0.1:9',
    });
    const stores = createFileSearchStores(gemini);
    for (const call of [
      () => stores.create(),
      () => stores.upload('fileSearchStores/a', text('x'), { mimeType: 'text/plain' }),
      () => stores.waitForOperation('fileSearchStores/a/operations/b'),
    ]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(UnsupportedEndpointError.isInstance(error) && error.platform).toBe('vertex');
      expect((error as Error).message).toContain('RAG Engine');
    }
  });
});
