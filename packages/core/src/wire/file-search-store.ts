/**
 * One user-given metadata entry of a File Search document: a key and one value (a string, a list
 * of strings, or a number). Queried by the `fileSearch` tool's `metadataFilter` (AIP-160 syntax,
 * e.g. `author = "Ada"`). Shape: ai.google.dev/api/file-search/documents#CustomMetadata and
 * `@google/genai`'s `types.CustomMetadata`.
 */
export type CustomMetadata = {
  key: string;
  stringValue?: string | undefined;
  stringListValue?: { values: string[] } | undefined;
  numericValue?: number | undefined;
};

/**
 * How the service cuts a file into chunks before embedding it (ai.google.dev/api/file-search/file-search-stores#ChunkingConfig;
 * `@google/genai`'s `types.ChunkingConfig`). Without it the service uses its defaults.
 */
export type ChunkingConfig = {
  whiteSpaceConfig?:
    | {
        /** The most tokens in one chunk. */
        maxTokensPerChunk?: number | undefined;
        /** Tokens two neighbouring chunks share. */
        maxOverlapTokens?: number | undefined;
      }
    | undefined;
};

/**
 * A File Search store of the Gemini API (`v1beta/fileSearchStores/{id}`): a collection of
 * documents, chunked and embedded by Google, that the `fileSearch` tool retrieves from. Counts
 * and sizes are int64 as decimal strings (proto3 JSON). Shape: ai.google.dev/api/file-search/file-search-stores#FileSearchStore
 * and `@google/genai` 2.18's `types.FileSearchStore`. Hand-written from those, not recorded.
 */
export type FileSearchStore = {
  /** `fileSearchStores/{id}`: what the other calls and the `fileSearch` tool take. */
  name: string;
  displayName?: string | undefined;
  createTime?: string | undefined;
  updateTime?: string | undefined;
  activeDocumentsCount?: string | undefined;
  pendingDocumentsCount?: string | undefined;
  failedDocumentsCount?: string | undefined;
  sizeBytes?: string | undefined;
  /** `models/{model}`, the embedding model of the store. */
  embeddingModel?: string | undefined;
};

/** A page of `fileSearchStores.list`. */
export type ListFileSearchStoresResponse = {
  fileSearchStores: FileSearchStore[];
  nextPageToken?: string | undefined;
};

/**
 * The state of a File Search document (`STATE_PENDING` while its chunks are embedded). Open:
 * unknown values are kept. Source: `@google/genai`'s `DocumentState`.
 */
export type FileSearchDocumentState =
  | 'STATE_UNSPECIFIED'
  | 'STATE_PENDING'
  | 'STATE_ACTIVE'
  | 'STATE_FAILED'
  | (string & {});

/**
 * A document of a File Search store (`fileSearchStores/{id}/documents/{doc}`): one uploaded or
 * imported file, chunked. Shape: ai.google.dev/api/file-search/documents#Document.
 */
export type FileSearchDocument = {
  name: string;
  displayName?: string | undefined;
  customMetadata?: CustomMetadata[] | undefined;
  createTime?: string | undefined;
  updateTime?: string | undefined;
  state?: FileSearchDocumentState | undefined;
  sizeBytes?: string | undefined;
  mimeType?: string | undefined;
};

/** A page of `fileSearchStores.documents.list`. */
export type ListFileSearchDocumentsResponse = {
  documents: FileSearchDocument[];
  nextPageToken?: string | undefined;
};

/**
 * A long-running operation of a File Search store (an upload or an import), as
 * `google.longrunning.Operation` (ai.google.dev/api/file-search/file-search-stores#Operation):
 * `done` false until the document is chunked and embedded, then `response` (`{ parent,
 * documentName }`, `@google/genai`'s `ImportFileResponse` / `UploadToFileSearchStoreResponse`) or
 * `error` (a google.rpc.Status).
 */
export type FileSearchOperation = {
  /** `fileSearchStores/{id}/operations/{op}` (import) or `fileSearchStores/{id}/upload/operations/{op}` (upload). */
  name: string;
  done?: boolean | undefined;
  metadata?: Record<string, unknown> | undefined;
  response?:
    | { parent?: string | undefined; documentName?: string | undefined; [key: string]: unknown }
    | undefined;
  error?: { code?: number | undefined; message?: string | undefined } | undefined;
};
