// @gemloop/core/http: the Gemini client in full. createGemini and its options (authentication,
// retries, transports, Vertex AI), per-call options, response info, and the cached-contents API.
// `createGemini`, `Gemini` and `CreateGeminiOptions` are at the root too.

export type {
  CacheExpiration,
  Caches,
  CreateCacheRequest,
  ListCachesOptions,
} from './caches.ts';
export { createGemini } from './create-gemini.ts';
export type {
  AuthStyle,
  CallOptions,
  CountTokensRequest,
  CreateGeminiOptions,
  Gemini,
  ListModelsOptions,
  ResponseInfo,
  RetryOptions,
} from './gemini.ts';
export type { TransportOption } from './transport.ts';
export type { VertexAccessToken, VertexOptions } from './vertex-options.ts';
