// @gemloop/core/http: the Gemini client in full. createGemini and its options (authentication,
// retries, transports, Vertex AI), per-call options, response info, and the cached-contents API.
// `createGemini`, `Gemini` and `CreateGeminiOptions` are at the root too.

export type { RetryOptions } from '../retry/retry-options.ts';
export type { AuthStyle } from '../shared/credential-style.ts';
export type {
  Batches,
  BatchRequestBody,
  BatchRequestInput,
  BatchResult,
  BatchResultsOptions,
  CreateBatchRequest,
  ListBatchesOptions,
} from './batches/batches.ts';
export { createBatches } from './batches/create-batches.ts';
export { createGemini } from './create-gemini.ts';
export { createFileSearchStores } from './file-search-stores/create-file-search-stores.ts';
export type {
  CreateFileSearchStoreOptions,
  DeleteFileSearchStoreOptions,
  FileSearchDocumentOptions,
  FileSearchStores,
  ImportFileOptions,
  ListFileSearchStoresOptions,
  UploadToFileSearchStoreOptions,
  WaitForOperationOptions,
} from './file-search-stores/file-search-stores.ts';
export { createFiles } from './files/create-files.ts';
export type { FilePartOptions, MediaPart } from './files/file-part.ts';
export { DEFAULT_INLINE_LIMIT_BYTES, filePart } from './files/file-part.ts';
export type {
  DownloadFileOptions,
  Files,
  ListFilesOptions,
  PollOptions,
  UploadFileOptions,
  UploadProgress,
  UploadSource,
} from './files/files.ts';
export type {
  CacheExpiration,
  Caches,
  CallOptions,
  CountTokensRequest,
  CreateCacheRequest,
  CreateGeminiOptions,
  Gemini,
  ListCachesOptions,
  ListModelsOptions,
  ResponseInfo,
  SendAdmission,
  SendInfo,
} from './gemini.ts';
export type { TransportOption } from './transport/transport.ts';
export type { VertexAccessToken, VertexOptions } from './vertex/vertex-options.ts';
