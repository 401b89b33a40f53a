import type {
  ChunkingConfig,
  CustomMetadata,
  FileSearchDocument,
  FileSearchOperation,
  FileSearchStore,
  ListFileSearchDocumentsResponse,
  ListFileSearchStoresResponse,
} from '../../wire/file-search-store.ts';
import type { CallOptions } from '../call-options.ts';
import type { UploadFileOptions, UploadSource } from '../files/files.ts';

/** Options of {@link FileSearchStores.create}. */
export type CreateFileSearchStoreOptions = CallOptions & {
  /** A label of up to 512 characters; the store's id is derived from it. */
  displayName?: string | undefined;
  /** `models/{model}`, the embedding model (the service's default when omitted). */
  embeddingModel?: string | undefined;
};

/** Options of {@link FileSearchStores.list} and {@link FileSearchStores.listDocuments}. */
export type ListFileSearchStoresOptions = CallOptions & {
  /** Items per page (the API allows up to 20). */
  pageSize?: number | undefined;
  pageToken?: string | undefined;
};

/** Options of {@link FileSearchStores.delete} and {@link FileSearchStores.deleteDocument}. */
export type DeleteFileSearchStoreOptions = CallOptions & {
  /**
   * Delete what the store (or document) holds too. Without it the API refuses a store that still
   * has documents (`FAILED_PRECONDITION`).
   * @defaultValue false
   */
  force?: boolean | undefined;
};

/** What a document is given when it is uploaded or imported: its metadata and chunking. */
export type FileSearchDocumentOptions = {
  /** Up to 20 entries, each a key with one value; queried by the tool's `metadataFilter`. */
  customMetadata?: CustomMetadata[] | undefined;
  /** How the service cuts the file into chunks (its defaults when omitted). */
  chunkingConfig?: ChunkingConfig | undefined;
};

/** Options of {@link FileSearchStores.upload}: the Files upload's, plus the document's. */
export type UploadToFileSearchStoreOptions = UploadFileOptions & FileSearchDocumentOptions;

/** Options of {@link FileSearchStores.importFile}. */
export type ImportFileOptions = CallOptions & FileSearchDocumentOptions;

/** Options of {@link FileSearchStores.waitForOperation}. */
export type WaitForOperationOptions = CallOptions & {
  /**
   * The first wait between two polls, in milliseconds; each next wait is 1.5 times longer, up to
   * `maxPollIntervalMs`. @defaultValue 1000
   */
  pollIntervalMs?: number | undefined;
  /** The longest wait between two polls. @defaultValue 10000 */
  maxPollIntervalMs?: number | undefined;
  /**
   * The most polls before giving up with a `TimeoutError` (the operation goes on server-side).
   * @defaultValue 1000
   */
  maxPolls?: number | undefined;
  /** Called with each operation read while waiting. It must not throw. */
  onPoll?: ((operation: FileSearchOperation) => void) | undefined;
};

/**
 * File Search stores of Google's Gemini API (ai.google.dev/gemini-api/docs/file-search): Google
 * chunks, embeds and indexes your files, and the `fileSearch` tool retrieves from them, answering
 * with citations (`groundingMetadata.groundingChunks[].retrievedContext`). Uploads and imports are
 * long-running operations: wait for them before asking. Gemini API only: Vertex AI clients get
 * `UnsupportedEndpointError` (as `@google/genai` refuses, "This method is only supported by the
 * Gemini Developer API"; use the Vertex RAG Engine there). Made by
 * `createFileSearchStores(gemini)` (`@gemloop/core/http`); same retries, time limits, errors and
 * redaction as the model calls.
 *
 * @example
 * ```ts
 * const stores = createFileSearchStores(gemini);
 * const store = await stores.create({ displayName: 'handbook' });
 * await stores.waitForOperation(await stores.upload(store.name, './leave.md', { mimeType: 'text/markdown' }));
 * const agent = createAgent({ gemini, model, tools: [fileSearch({ fileSearchStoreNames: [store.name] })] });
 * ```
 */
export interface FileSearchStores {
  /** `POST fileSearchStores`: an empty store. */
  create(options?: CreateFileSearchStoreOptions): Promise<FileSearchStore>;
  /** `GET fileSearchStores/{id}`. @throws {@link ApiCallError} 404 for a missing store. */
  get(name: string, options?: CallOptions): Promise<FileSearchStore>;
  /** `GET fileSearchStores`: one page (oldest first). */
  list(options?: ListFileSearchStoresOptions): Promise<ListFileSearchStoresResponse>;
  /**
   * Every store of this key, page after page.
   * @throws {@link ApiCallError} when a page hands back a token already followed.
   */
  listAll(options?: Omit<ListFileSearchStoresOptions, 'pageToken'>): AsyncIterable<FileSearchStore>;
  /** `DELETE fileSearchStores/{id}[?force=true]`. */
  delete(name: string, options?: DeleteFileSearchStoreOptions): Promise<void>;
  /**
   * `POST upload/{version}/fileSearchStores/{id}:uploadToFileSearchStore`: the resumable protocol
   * of `files.upload` (chunks, resume on a broken chunk, progress), whose final answer is the
   * operation that chunks and embeds the file. Wait for it with {@link waitForOperation}.
   * @throws {@link UploadError} when the protocol fails part-way.
   */
  upload(
    store: string,
    source: UploadSource,
    options?: UploadToFileSearchStoreOptions,
  ): Promise<FileSearchOperation>;
  /** `POST fileSearchStores/{id}:importFile`: a file of the Files API (`files/{id}`) into the store. */
  importFile(
    store: string,
    fileName: string,
    options?: ImportFileOptions,
  ): Promise<FileSearchOperation>;
  /** `GET {operation name}`: an upload's or an import's current state. */
  getOperation(name: string, options?: CallOptions): Promise<FileSearchOperation>;
  /**
   * Polls an operation until `done`, with a growing interval and the call's `signal`.
   * @throws {@link FileSearchOperationError} when it ends with an `error`.
   * @throws {@link TimeoutError} after `maxPolls` polls.
   */
  waitForOperation(
    operation: string | FileSearchOperation,
    options?: WaitForOperationOptions,
  ): Promise<FileSearchOperation>;
  /** `GET fileSearchStores/{id}/documents`: one page of a store's documents. */
  listDocuments(
    store: string,
    options?: ListFileSearchStoresOptions,
  ): Promise<ListFileSearchDocumentsResponse>;
  /** `GET fileSearchStores/{id}/documents/{doc}`. */
  getDocument(name: string, options?: CallOptions): Promise<FileSearchDocument>;
  /** `DELETE fileSearchStores/{id}/documents/{doc}[?force=true]`. */
  deleteDocument(name: string, options?: DeleteFileSearchStoreOptions): Promise<void>;
}
