import { FileSearchOperationError } from '../../errors/files-and-batches/file-search-operation-error.ts';
import { TimeoutError } from '../../errors/timeout-error.ts';
import { sleep } from '../../retry/sleep.ts';
import { cutText } from '../../shared/cut-text.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import type {
  FileSearchDocument,
  FileSearchOperation,
  FileSearchStore,
  ListFileSearchDocumentsResponse,
  ListFileSearchStoresResponse,
} from '../../wire/file-search-store.ts';
import { checkNextPageToken, refuseSnakeCase } from '../attempts/check-next-page-token.ts';
import type { CheckContext } from '../attempts/check-responses.ts';
import { withRequestPath } from '../attempts/load-request-path.ts';
import { invalidResponse } from '../attempts/read-json-response.ts';
import { hasSnakeTwin, isSnakeCasePage, readingSnakeCase } from '../attempts/read-snake-case.ts';
import type { CallOptions } from '../call-options.ts';
import { internalsOf } from '../files/create-files.ts';
import { refuseOnVertex, toUnsupportedEndpoint } from '../files/endpoint-support.ts';
import { pickCallOptions } from '../files/file-options.ts';
import { uploadResumable } from '../files/upload-file.ts';
import type { Gemini } from '../gemini.ts';
import { listAllPages } from '../list-all-pages.ts';
import {
  listOptionsDeclaration,
  type ResolvedCallOptions,
  resolveCallOptions,
} from '../options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';
import { toPageQuery } from '../options/to-page-query.ts';
import type { DeleteFileSearchStoreOptions, FileSearchStores } from './file-search-stores.ts';
import {
  checkImportedFileName,
  createStoreOptionsDeclaration,
  deleteStoreOptionsDeclaration,
  importFileOptionsDeclaration,
  toDocumentFields,
  uploadToStoreOptionsDeclaration,
  waitOptionsDeclaration,
} from './store-options.ts';
import { toDocumentPath, toOperationPath, toStorePath } from './store-paths.ts';

/** `@google/genai`'s File Search sample polls every 5 s; a small store is ready sooner. */
const DEFAULT_POLL_INTERVAL_MS = 1000;
const DEFAULT_MAX_POLL_INTERVAL_MS = 10_000;
/** Bounds a wait whose operation never ends (a gateway answering `done: false` forever). */
const DEFAULT_MAX_POLLS = 1000;
/** Google's reference allows up to 20 stores (and documents) per page. */
const MAX_PAGE_SIZE = 20;
/** What a Vertex AI user does instead (cloud.google.com/vertex-ai/generative-ai/docs/rag-engine/rag-overview). */
const VERTEX_ADVICE =
  'On Vertex AI, use the Vertex AI RAG Engine (a retrieval tool with a RAG corpus) instead.';

/**
 * The File Search stores API of a client made by `createGemini` (Google's Gemini API). Routes:
 * ai.google.dev/api/file-search/file-search-stores and ai.google.dev/api/file-search/documents
 * (`POST/GET v1beta/fileSearchStores`, `GET/DELETE v1beta/fileSearchStores/{id}[?force]`,
 * `POST upload/v1beta/fileSearchStores/{id}:uploadToFileSearchStore` (resumable),
 * `POST v1beta/fileSearchStores/{id}:importFile`, `GET v1beta/fileSearchStores/{id}/[upload/]operations/{op}`,
 * `GET v1beta/fileSearchStores/{id}/documents[/{doc}]`, `DELETE .../documents/{doc}[?force]`), as
 * `@google/genai` 2.18's `fileSearchStores` module (`src/filesearchstores.ts`, `src/documents.ts`)
 * sends them. Loaded only by apps that import it.
 *
 * @example
 * ```ts
 * const stores = createFileSearchStores(gemini);
 * const store = await stores.create({ displayName: 'handbook' });
 * const operation = await stores.upload(store.name, './leave.md', { mimeType: 'text/markdown' });
 * await stores.waitForOperation(operation);
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createFileSearchStores(gemini: Gemini): FileSearchStores {
  const { client, defaults } = internalsOf(gemini, 'createFileSearchStores');
  return makeStores(client, defaults);
}

type Request<T> = {
  method: string;
  path: string;
  httpMethod: 'GET' | 'POST' | 'DELETE';
  options: CallOptions | undefined;
  check: (value: unknown, context: CheckContext) => T | Promise<T>;
  body?: string | undefined;
};

function makeStores(
  client: ResolvedClientOptions,
  defaults: ResolvedCallOptions,
): FileSearchStores {
  const send = <T>(request: Request<T>): Promise<T> => {
    refuseOnVertex(client, request.method, VERTEX_ADVICE);
    const call = resolveCallOptions(request.options, client, defaults);
    return withRequestPath(({ requestJson }) =>
      requestJson({
        client,
        call,
        method: request.method,
        url: `${client.root}${request.path}`,
        httpMethod: request.httpMethod,
        check: request.check,
        allowEmptyBody: request.httpMethod === 'DELETE',
        ...(request.body === undefined ? {} : { body: request.body }),
      }),
    ).catch((error: unknown) => {
      throw toUnsupportedEndpoint(error, client, request.method);
    });
  };
  const list = (options: ListOptions | undefined): ListOptions | undefined => {
    if (options === undefined) return undefined;
    listOptionsDeclaration.check(options);
    return options.pageSize === undefined
      ? options
      : { ...options, pageSize: Math.min(options.pageSize, MAX_PAGE_SIZE) };
  };
  const remove = async (
    method: string,
    path: string,
    options: DeleteFileSearchStoreOptions | undefined,
  ): Promise<void> => {
    const checked = options === undefined ? {} : deleteStoreOptionsDeclaration.check(options);
    await send({
      method,
      path: checked.force === true ? `${path}?force=true` : path,
      httpMethod: 'DELETE',
      options: pickCallOptions(options),
      check: () => undefined,
    });
  };
  const stores: FileSearchStores = {
    async create(options) {
      const checked = options === undefined ? {} : createStoreOptionsDeclaration.check(options);
      const body: Record<string, unknown> = {};
      if (checked.displayName !== undefined) body['displayName'] = checked.displayName;
      if (checked.embeddingModel !== undefined) body['embeddingModel'] = checked.embeddingModel;
      return send({
        method: 'fileSearchStores.create',
        path: 'fileSearchStores',
        httpMethod: 'POST',
        options: pickCallOptions(options),
        body: JSON.stringify(body),
        check: readStore,
      });
    },

    get: async (name, options) =>
      send({
        method: 'fileSearchStores.get',
        path: toStorePath(name),
        httpMethod: 'GET',
        options,
        check: readStore,
      }),

    async list(options) {
      const checked = list(options);
      return send({
        method: 'fileSearchStores.list',
        path: `fileSearchStores${toPageQuery(checked)}`,
        httpMethod: 'GET',
        options: pickCallOptions(options),
        check: readingSnakeCase(
          (value, context) =>
            checkPage<ListFileSearchStoresResponse>(value, context, 'fileSearchStores', isNamed),
          (page) => isSnakeCasePage(page, 'fileSearchStores', isSnakeCaseNamed),
        ),
      });
    },

    listAll(options) {
      return listAllPages({
        method: 'fileSearchStores.list',
        url: `${client.root}fileSearchStores`,
        secrets: client.secrets,
        listPage: async (pageToken) => {
          const page = await stores.list({ ...options, pageToken });
          return { items: page.fileSearchStores, nextPageToken: page.nextPageToken };
        },
      });
    },

    delete: async (name, options) => remove('fileSearchStores.delete', toStorePath(name), options),

    async upload(store, source, options) {
      refuseOnVertex(client, 'fileSearchStores.upload', VERTEX_ADVICE);
      const path = toStorePath(store, 'store');
      const checked = options === undefined ? {} : uploadToStoreOptionsDeclaration.check(options);
      return uploadResumable(client, defaults, source, options, checked, {
        method: 'fileSearchStores.upload',
        // The upload route carries its own version segment (`upload/v1beta/...`), as `files.upload`'s.
        url: `${client.baseUrl}/upload/${client.apiVersion}/${path}:uploadToFileSearchStore`,
        body: (mimeType) => {
          const body: Record<string, unknown> = { mimeType, ...toDocumentFields(checked) };
          if (checked.displayName !== undefined) body['displayName'] = checked.displayName;
          return body;
        },
        // The final answer is the operation itself (`@google/genai` 2.18 `uploadBlobToFileSearchStore`).
        readResult: (value) => (isNamed(value) ? (value as FileSearchOperation) : undefined),
        isSnakeCase: isSnakeCaseOperation,
      });
    },

    async importFile(store, fileName, options) {
      const path = toStorePath(store, 'store');
      const file = checkImportedFileName(fileName);
      const checked = options === undefined ? {} : importFileOptionsDeclaration.check(options);
      return send({
        method: 'fileSearchStores.importFile',
        path: `${path}:importFile`,
        httpMethod: 'POST',
        options: pickCallOptions(options),
        body: JSON.stringify({ fileName: file, ...toDocumentFields(checked) }),
        check: readOperation,
      });
    },

    getOperation: async (name, options) =>
      send({
        method: 'fileSearchStores.getOperation',
        path: toOperationPath(name),
        httpMethod: 'GET',
        options,
        check: readOperation,
      }),

    async waitForOperation(operation, options) {
      const name = toOperationPath(
        typeof operation === 'string' ? operation : operation?.name,
        'operation',
      );
      const checked = options === undefined ? {} : waitOptionsDeclaration.check(options);
      const callOptions = pickCallOptions(options);
      const maxInterval = checked.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS;
      const maxPolls = checked.maxPolls ?? DEFAULT_MAX_POLLS;
      let interval = Math.min(checked.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, maxInterval);
      let waited = 0;
      // An operation already read as done is not read again.
      let current =
        typeof operation === 'object' && operation?.done === true
          ? operation
          : await stores.getOperation(name, callOptions);
      for (let polls = 1; ; polls++) {
        try {
          checked.onPoll?.(current);
        } catch {
          // Ignored, as documented on WaitForOperationOptions.onPoll.
        }
        if (current.done === true) {
          const failure: unknown = current.error;
          if (failure === undefined || failure === null) return current;
          // The server's own words, scrubbed as an ApiCallError's are: a gateway may echo the key.
          const secrets = resolveCallOptions(callOptions, client, defaults).secrets.values;
          // A google.rpc.Status, or the bare text a gateway writes (`"error": "unsupported file
          // type"`), whose reason was lost (attack60b).
          const status = typeof failure === 'object' ? (failure as Record<string, unknown>) : {};
          const reason = typeof failure === 'string' ? failure : status['message'];
          throw new FileSearchOperationError({
            operationName: redactSecrets(name, secrets),
            statusCode: typeof status['code'] === 'number' ? status['code'] : undefined,
            reason:
              typeof reason === 'string'
                ? cutText(redactSecrets(reason, secrets), 1000)
                : undefined,
          });
        }
        if (polls >= maxPolls) {
          throw new TimeoutError({
            timeoutMs: waited,
            operation: 'fileSearchStores.waitForOperation',
            message: `fileSearchStores.waitForOperation: ${name} was still running after ${polls} polls (${waited} ms); it goes on server-side. Wait again, or raise options.maxPolls.`,
          });
        }
        await sleep(interval, checked.signal);
        waited += interval;
        interval = Math.min(Math.ceil(interval * 1.5), maxInterval);
        current = await stores.getOperation(name, callOptions);
      }
    },

    async listDocuments(store, options) {
      const path = toStorePath(store, 'store');
      const checked = list(options);
      return send({
        method: 'fileSearchStores.listDocuments',
        path: `${path}/documents${toPageQuery(checked)}`,
        httpMethod: 'GET',
        options: pickCallOptions(options),
        check: readingSnakeCase(
          (value, context) =>
            checkPage<ListFileSearchDocumentsResponse>(value, context, 'documents', isNamed),
          (page) => isSnakeCasePage(page, 'documents', isSnakeCaseNamed),
        ),
      });
    },

    getDocument: async (name, options) =>
      send({
        method: 'fileSearchStores.getDocument',
        path: toDocumentPath(name),
        httpMethod: 'GET',
        options,
        check: readingSnakeCase((value, context) => {
          if (!isNamed(value))
            throw invalidResponse(context, 'returned a body that is not a Document with a `name`');
          return value as FileSearchDocument;
        }, isSnakeCaseNamed),
      }),

    deleteDocument: async (name, options) =>
      remove('fileSearchStores.deleteDocument', toDocumentPath(name), options),
  };
  return stores;
}

type ListOptions = { pageSize?: number | undefined; pageToken?: string | undefined } & CallOptions;

function isNamed(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

// A snake_case gateway's store or document (`create_time`, `display_name`) and an operation's
// result (`document_name`: the operation's own fields are one word) read in camelCase.
function isSnakeCaseNamed(value: unknown): boolean {
  return hasSnakeTwin(value, ['createTime', 'updateTime', 'displayName']);
}
const readStore = readingSnakeCase(checkStore, isSnakeCaseNamed);
const readOperation = readingSnakeCase(checkOperation, isSnakeCaseOperation);

// An operation's own fields are one word: its result's and metadata's tell.
function isSnakeCaseOperation(value: Record<string, unknown>): boolean {
  return (
    hasSnakeTwin(value['response'], ['documentName']) ||
    hasSnakeTwin(value['metadata'], ['createTime', 'updateTime'])
  );
}

function checkStore(value: unknown, context: CheckContext): FileSearchStore {
  if (!isNamed(value))
    throw invalidResponse(context, 'returned a body that is not a FileSearchStore with a `name`');
  return value as FileSearchStore;
}

function checkOperation(value: unknown, context: CheckContext): FileSearchOperation {
  if (!isNamed(value))
    throw invalidResponse(context, 'returned a body that is not an Operation with a `name`');
  const done = (value as { done?: unknown }).done;
  if (done !== undefined && typeof done !== 'boolean')
    throw invalidResponse(context, '`done` is not a boolean');
  return value as FileSearchOperation;
}

function checkPage<T>(
  value: unknown,
  context: CheckContext,
  field: string,
  isItem: (item: unknown) => boolean,
): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidResponse(context, 'returned a body that is not an object');
  const page = value as Record<string, unknown>;
  const items = page[field];
  if (items === undefined || items === null) page[field] = [];
  else if (!Array.isArray(items) || !items.every(isItem))
    throw invalidResponse(context, `\`${field}\` is not an array of resources with a \`name\``);
  refuseSnakeCase(page, field, context);
  checkNextPageToken(page, context);
  return page as T;
}
