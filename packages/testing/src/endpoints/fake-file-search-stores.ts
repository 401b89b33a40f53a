import { cutText, isJsonObject, readField } from '@gemloop/core/internal';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type {
  FakeFileSearchStore,
  FakeHttpRequest,
  FakeReply,
  FakeState,
  FakeStoreDocument,
  FakeUpload,
} from '../state/fake-state.ts';
import { findFile } from './fake-files.ts';

/**
 * The fake's File Search stores (ai.google.dev/api/file-search/file-search-stores, .../documents):
 * stores, resumable uploads and imports as operations that finish after `filesApi.fileSearchPolls`
 * gets, documents, and a deterministic retrieval for `generateContent` (the chunks sharing the
 * most words with the question, no embeddings). Hand-written from Google's reference and
 * `@google/genai` 2.18's `fileSearchStores` module, not from a recording; error texts marked
 * "approximated" are the fake's own.
 */

/** Approximated defaults (Google does not document its own): tokens are whitespace-separated words. */
const DEFAULT_TOKENS_PER_CHUNK = 200;
const DEFAULT_OVERLAP_TOKENS = 20;
/** Bounds what one document holds, so a test cannot grow the fake without limit. */
const MAX_CHUNKS_PER_DOCUMENT = 10_000;

const storeErrors = {
  /** Approximated: Google answers 404 NOT_FOUND for a store it does not hold. */
  notFound: (name: string): FakeHttpError =>
    googleError(404, `FileSearchStore ${name} not found.`, { status: 'NOT_FOUND' }),
  /** The reference: without `force`, a store with documents is refused with FAILED_PRECONDITION. */
  notEmpty: (name: string): FakeHttpError =>
    googleError(
      400,
      `FileSearchStore ${name} has documents; delete them first or pass force=true.`,
      { status: 'FAILED_PRECONDITION' },
    ),
  badRoute: (request: FakeHttpRequest): FakeHttpError =>
    googleError(404, `[gemloop fake] ${request.method} is not a File Search route here.`),
};

function now(state: FakeState): number {
  return state.options.now?.() ?? Date.now();
}

function nextId(state: FakeState, prefix: string): string {
  state.fileCounter++;
  return `${prefix}${state.fileCounter.toString(36).padStart(12, '0')}`;
}

function describeStore(store: FakeFileSearchStore): Record<string, unknown> {
  const documents = [...store.documents.values()];
  const count = (wanted: FakeStoreDocument['state']): string =>
    String(documents.filter((document) => document.state === wanted).length);
  const created = new Date(store.createTime).toISOString();
  const resource: Record<string, unknown> = {
    name: `fileSearchStores/${store.id}`,
    createTime: created,
    updateTime: created,
    activeDocumentsCount: count('STATE_ACTIVE'),
    pendingDocumentsCount: count('STATE_PENDING'),
    failedDocumentsCount: count('STATE_FAILED'),
    sizeBytes: String(documents.reduce((sum, document) => sum + document.sizeBytes, 0)),
    embeddingModel: store.embeddingModel,
  };
  if (store.displayName !== undefined) resource['displayName'] = store.displayName;
  return resource;
}

function describeDocument(store: FakeFileSearchStore, document: FakeStoreDocument): unknown {
  const created = new Date(document.createTime).toISOString();
  return {
    name: `fileSearchStores/${store.id}/documents/${document.id}`,
    displayName: document.displayName,
    customMetadata: document.customMetadata,
    createTime: created,
    updateTime: created,
    state: document.state,
    sizeBytes: String(document.sizeBytes),
    mimeType: document.mimeType,
  };
}

/** Cuts text into chunks of whitespace-separated words, with overlap, keeping the original text. */
function toChunks(text: string, config: unknown): string[] {
  const white = isJsonObject(config)
    ? readField(config, 'whiteSpaceConfig', 'white_space_config')
    : undefined;
  const size = Math.max(
    1,
    Number(
      isJsonObject(white)
        ? readField(white, 'maxTokensPerChunk', 'max_tokens_per_chunk')
        : undefined,
    ) || DEFAULT_TOKENS_PER_CHUNK,
  );
  const overlapGiven = isJsonObject(white)
    ? Number(readField(white, 'maxOverlapTokens', 'max_overlap_tokens'))
    : Number.NaN;
  const overlap = Math.min(
    size - 1,
    Math.max(0, Number.isFinite(overlapGiven) ? overlapGiven : DEFAULT_OVERLAP_TOKENS),
  );
  const words = [...text.matchAll(/\S+/g)];
  const chunks: string[] = [];
  for (let start = 0; start < words.length && chunks.length < MAX_CHUNKS_PER_DOCUMENT; ) {
    const first = words[start] as RegExpMatchArray;
    const last = words[Math.min(words.length, start + size) - 1] as RegExpMatchArray;
    chunks.push(text.slice(first.index, (last.index ?? 0) + last[0].length));
    if (start + size >= words.length) break;
    start += size - overlap;
  }
  return chunks;
}

/**
 * Adds a document and its operation: the text is chunked now, the document `STATE_PENDING` until
 * the operation is done. An empty file fails (approximated: Google's text is not documented).
 */
function addDocument(
  state: FakeState,
  store: FakeFileSearchStore,
  kind: 'upload' | 'import',
  document: { displayName: string; mimeType: string; bytes: Uint8Array; body: unknown },
): Record<string, unknown> {
  const body = isJsonObject(document.body) ? document.body : {};
  const text = new TextDecoder().decode(document.bytes);
  const id = nextId(state, 'doc-');
  const chunks = toChunks(text, readField(body, 'chunkingConfig', 'chunking_config'));
  const given = readField(body, 'customMetadata', 'custom_metadata');
  const metadata = Array.isArray(given) ? given : [];
  store.documents.set(id, {
    id,
    displayName: document.displayName,
    mimeType: document.mimeType,
    sizeBytes: document.bytes.byteLength,
    customMetadata: structuredClone(metadata),
    chunks,
    createTime: now(state),
    state: 'STATE_PENDING',
  });
  const name = `fileSearchStores/${store.id}/${kind === 'upload' ? 'upload/' : ''}operations/${nextId(state, 'op-')}`;
  state.storeOperations.set(name, {
    name,
    storeId: store.id,
    documentId: id,
    pollsLeft: state.options.filesApi?.fileSearchPolls ?? 1,
    error:
      chunks.length === 0
        ? { code: 3, message: 'The file has no text to index (approximated).' }
        : undefined,
  });
  return { name, done: false, metadata: {} };
}

/** An operation as `operations.get` answers it; a get moves it on by one poll. */
function readOperation(state: FakeState, name: string): FakeReply {
  const operation = state.storeOperations.get(name);
  if (operation === undefined)
    return jsonReply(
      state,
      googleError(404, `Operation ${name} not found.`, { status: 'NOT_FOUND' }),
    );
  const store = state.fileSearchStores.get(operation.storeId);
  const document = store?.documents.get(operation.documentId);
  if (operation.pollsLeft > 0) {
    operation.pollsLeft--;
    return jsonReply(state, { status: 200, body: { name, done: false, metadata: {} } });
  }
  if (document !== undefined && document.state === 'STATE_PENDING')
    document.state = operation.error === undefined ? 'STATE_ACTIVE' : 'STATE_FAILED';
  const body: Record<string, unknown> = { name, done: true, metadata: {} };
  if (operation.error !== undefined) body['error'] = operation.error;
  else
    body['response'] = {
      '@type': name.includes('/upload/')
        ? 'type.googleapis.com/google.ai.generativelanguage.v1main.UploadToFileSearchStoreResponse'
        : 'type.googleapis.com/google.ai.generativelanguage.v1main.ImportFileResponse',
      parent: `fileSearchStores/${operation.storeId}`,
      documentName: `fileSearchStores/${operation.storeId}/documents/${operation.documentId}`,
    };
  return jsonReply(state, { status: 200, body });
}

function page<T>(items: T[], query: URLSearchParams): { items: T[]; next: string | undefined } {
  // The reference allows 20 per page (10 by default).
  const pageSize = Math.min(20, Math.max(1, Number(query.get('pageSize')) || 10));
  const offset = Math.max(0, Number(query.get('pageToken')) || 0);
  return {
    items: items.slice(offset, offset + pageSize),
    next: offset + pageSize < items.length ? String(offset + pageSize) : undefined,
  };
}

/** The parsed path of a File Search route: `fileSearchStores[/{id}[:{verb}|/documents[/{doc}]|/[upload/]operations/{op}]]`. @internal */
export type FakeStoreRoute = {
  storeId: string | undefined;
  verb: string | undefined;
  rest: string | undefined;
};

/**
 * `/{version}/fileSearchStores...` (not the upload): create, list, get, delete, importFile, the
 * operations and the documents.
 * @internal
 */
export function handleFileSearchStoreRequest(
  state: FakeState,
  request: FakeHttpRequest,
  route: FakeStoreRoute,
  query: URLSearchParams,
  body: unknown,
): FakeReply {
  const { storeId, verb, rest } = route;
  if (storeId === undefined) {
    if (request.method === 'POST') {
      const given = isJsonObject(body) ? body : {};
      const named = readField(given, 'displayName', 'display_name');
      const displayName = typeof named === 'string' ? named : undefined;
      // Google derives the id from the display name with a 12-character suffix (the reference).
      const slug = (displayName ?? '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 27);
      const id = `${slug === '' ? '' : `${slug}-`}${nextId(state, '')}`;
      const store: FakeFileSearchStore = {
        id,
        displayName,
        embeddingModel: ((model) =>
          typeof model === 'string' ? model : 'models/gemini-embedding-001')(
          readField(given, 'embeddingModel', 'embedding_model'),
        ),
        createTime: now(state),
        documents: new Map(),
      };
      state.fileSearchStores.set(id, store);
      return jsonReply(state, { status: 200, body: describeStore(store) });
    }
    if (request.method !== 'GET') return jsonReply(state, storeErrors.badRoute(request));
    const listed = page([...state.fileSearchStores.values()], query);
    const answer: Record<string, unknown> = { fileSearchStores: listed.items.map(describeStore) };
    if (listed.next !== undefined) answer['nextPageToken'] = listed.next;
    return jsonReply(state, { status: 200, body: answer });
  }
  const name = `fileSearchStores/${storeId}`;
  if (rest !== undefined && /^(?:upload\/)?operations\/[^/]+$/.test(rest)) {
    return request.method === 'GET'
      ? readOperation(state, `${name}/${rest}`)
      : jsonReply(state, storeErrors.badRoute(request));
  }
  const store = state.fileSearchStores.get(storeId);
  if (store === undefined) return jsonReply(state, storeErrors.notFound(name));
  if (verb === 'importFile' && request.method === 'POST') return importFile(state, store, body);
  if (rest !== undefined) return answerDocuments(state, request, store, rest, query);
  if (verb !== undefined) return jsonReply(state, storeErrors.badRoute(request));
  if (request.method === 'GET')
    return jsonReply(state, { status: 200, body: describeStore(store) });
  if (request.method !== 'DELETE') return jsonReply(state, storeErrors.badRoute(request));
  if (store.documents.size > 0 && query.get('force') !== 'true')
    return jsonReply(state, storeErrors.notEmpty(name));
  state.fileSearchStores.delete(storeId);
  return jsonReply(state, { status: 200, body: {} });
}

function importFile(state: FakeState, store: FakeFileSearchStore, body: unknown): FakeReply {
  const fileName = isJsonObject(body) ? readField(body, 'fileName', 'file_name') : undefined;
  const id = typeof fileName === 'string' ? /^files\/([^/]+)$/.exec(fileName)?.[1] : undefined;
  const file = id === undefined ? undefined : findFile(state, id);
  if (file === undefined) {
    return jsonReply(
      state,
      googleError(
        400,
        `File ${cutText(String(fileName), 100)} not found; import a file files.upload returned (approximated).`,
        { status: 'INVALID_ARGUMENT' },
      ),
    );
  }
  const operation = addDocument(state, store, 'import', {
    displayName: file.displayName ?? `files/${file.id}`,
    mimeType: file.mimeType,
    bytes: file.bytes,
    body,
  });
  return jsonReply(state, { status: 200, body: operation });
}

function answerDocuments(
  state: FakeState,
  request: FakeHttpRequest,
  store: FakeFileSearchStore,
  rest: string,
  query: URLSearchParams,
): FakeReply {
  if (rest === 'documents' && request.method === 'GET') {
    const listed = page([...store.documents.values()], query);
    const answer: Record<string, unknown> = {
      documents: listed.items.map((document) => describeDocument(store, document)),
    };
    if (listed.next !== undefined) answer['nextPageToken'] = listed.next;
    return jsonReply(state, { status: 200, body: answer });
  }
  const documentId = /^documents\/([^/]+)$/.exec(rest)?.[1];
  const document = documentId === undefined ? undefined : store.documents.get(documentId);
  if (document === undefined) {
    return jsonReply(
      state,
      googleError(404, `Document fileSearchStores/${store.id}/${rest} not found.`, {
        status: 'NOT_FOUND',
      }),
    );
  }
  if (request.method === 'GET')
    return jsonReply(state, { status: 200, body: describeDocument(store, document) });
  if (request.method !== 'DELETE') return jsonReply(state, storeErrors.badRoute(request));
  store.documents.delete(document.id);
  return jsonReply(state, { status: 200, body: {} });
}

/**
 * `POST upload/{version}/fileSearchStores/{id}:uploadToFileSearchStore` (the start): the body's
 * document fields are kept, and the upload's final chunk answers the operation (`@google/genai`
 * 2.18's `uploadBlobToFileSearchStore` reads the final answer as the operation).
 * @internal
 */
export function startStoreUpload(
  state: FakeState,
  storeId: string,
  body: unknown,
): { upload: Partial<FakeUpload> } | { error: FakeHttpError } {
  const store = state.fileSearchStores.get(storeId);
  if (store === undefined) return { error: storeErrors.notFound(`fileSearchStores/${storeId}`) };
  const given = isJsonObject(body) ? body : {};
  const named = readField(given, 'displayName', 'display_name');
  const displayName = typeof named === 'string' ? named : undefined;
  return {
    upload: {
      displayName,
      finish: (bytes) =>
        jsonReply(state, {
          status: 200,
          body: addDocument(state, store, 'upload', {
            displayName: displayName ?? 'untitled',
            mimeType: ((type) => (typeof type === 'string' ? type : 'text/plain'))(
              readField(given, 'mimeType', 'mime_type'),
            ),
            bytes,
            body: given,
          }),
        }),
    },
  };
}
