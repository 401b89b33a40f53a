import type { Logger } from '../logging/logger.ts';
import type { RetryOptions } from '../retry/retry-options.ts';
import type { AuthStyle } from '../shared/credential-style.ts';
import type { CachedContent, ListCachedContentsResponse } from '../wire/cached-content.ts';
import type { Content, Part } from '../wire/content.ts';
import type { CountTokensResponse, ListModelsResponse, Model } from '../wire/models.ts';
import type { GenerateContentRequest, Tool, ToolConfig } from '../wire/request.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import type { CallOptions } from './call-options.ts';
import type { TransportOption } from './transport/transport.ts';
import type { VertexOptions } from './vertex/vertex-options.ts';

/** Options of {@link createGemini}. */
export type CreateGeminiOptions = {
  /** @defaultValue `process.env.GEMINI_API_KEY`, then `process.env.GOOGLE_API_KEY` */
  apiKey?: string | undefined;
  /**
   * @defaultValue `process.env.GEMINI_BASE_URL`, then `https://generativelanguage.googleapis.com`.
   * CometAPI: `https://api.cometapi.com`. Plain `http://` is accepted only to a loopback host
   * (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`, `[::ffff:127.0.0.1]`) unless
   * `allowInsecureHttp` is set.
   */
  baseUrl?: string | undefined;
  /**
   * Accept an `http://` `baseUrl` (or `GEMINI_BASE_URL`) whose host is not loopback, such as a
   * gateway on a trusted private network. Every request carries the key, so over http it crosses
   * that network in clear text (and so does the Live WebSocket's `ws://`). Off unless set.
   */
  allowInsecureHttp?: boolean | undefined;
  /**
   * @defaultValue the version `baseUrl` ends in, if any, else `'v1beta'` (Vertex AI: `'v1'`)
   */
  apiVersion?: string | undefined;
  /** @defaultValue `'x-goog-api-key'` */
  auth?: AuthStyle | undefined;
  /**
   * Extra headers on every request. The values of those whose names look like credentials
   * (`authorization`, `proxy-authorization`, `cookie`, any name containing `api-key` or a part
   * ending in `token`, `x-goog-*-key`, `*secret*`, `*password*`) are kept out of errors and logs
   * like the key.
   */
  headers?: Record<string, string> | undefined;
  /**
   * The `fetch` to send every request with; when given it is always used (whatever `transport`
   * says). @defaultValue `globalThis.fetch`, looked up at call time, when the `fetch` transport is
   * used
   */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * How requests are sent. `'node'`: undici's `request` API on a keep-alive pool (Node only),
   * about half the client CPU of `fetch` per request; a redirect is refused as with fetch, and
   * responses are not decompressed (none is asked for). `'fetch'`: `globalThis.fetch`. `'auto'`:
   * `'node'` on Node while `globalThis.fetch` is Node's own, so msw, a spy on `fetch` or an undici
   * `ProxyAgent`/`MockAgent` set as the global dispatcher still see every request; `'fetch'`
   * anywhere else (browsers, workers, Deno, Bun). An injected `fetch` always wins.
   * @defaultValue `'auto'`
   */
  transport?: TransportOption | undefined;
  /** A pino logger or any {@link Logger}. @defaultValue silent */
  logger?: Logger | undefined;
  /** Retry policy, or `false` for none. */
  retry?: RetryOptions | false | undefined;
  /**
   * Time limit of one attempt, in milliseconds (`Infinity` for none). For `generateContent` and the
   * other unary calls it covers the whole attempt, body included. For a stream it bounds the wait
   * for the response headers and then each wait for the next chunk (an idle limit, paused while
   * the consumer holds a chunk), so a long answer that keeps streaming is never cut. A timeout
   * throws `TimeoutError` and is not retried. @defaultValue 120000
   */
  timeoutMs?: number | undefined;
  /**
   * The largest response body of a unary call (`generateContent`, `countTokens`, `listModels`,
   * `getModel`) read, in bytes (`Infinity` for none). A longer body is not buffered: reading stops
   * at the cap, the rest is cancelled, and the call fails with `ResponseTooLargeError` (not
   * retried). Streams are bounded by `maxStreamBytes`, and error bodies are always read only up
   * to their first 64 KiB. A compressed body counts what it decodes to. @defaultValue 67108864
   * (64 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * The most bytes one streamed answer (`streamGenerateContent`) may hold in total
   * (`Infinity` for none): past it reading stops, the connection is released, and the stream
   * fails with `ResponseTooLargeError` (`chunksDelivered` says how many chunks came before; not
   * retried). Each event is also bounded on its own (128 Mi characters). A compressed body counts
   * what it decodes to. @defaultValue 134217728 (128 MiB)
   */
  maxStreamBytes?: number | undefined;
  /**
   * Call Gemini on Vertex AI: `https://{location}-aiplatform.googleapis.com/v1/projects/{project}/
   * locations/{location}/publishers/google/models/{model}:generateContent` (the global endpoint
   * for `location: 'global'`; `baseUrl` still overrides the host, for tests), authenticated with
   * an OAuth access token from `getAccessToken` or Application Default Credentials (the optional
   * peer `google-auth-library`). Not with `apiKey` or `auth`.
   */
  vertex?: VertexOptions | undefined;
};

export type {
  Batches,
  BatchRequestBody,
  BatchRequestInput,
  BatchResult,
  BatchResultsOptions,
  CreateBatchRequest,
  ListBatchesOptions,
} from './batches/batches.ts';
export type {
  CallOptions,
  ResponseInfo,
  SendAdmission,
  SendInfo,
} from './call-options.ts';
export type {
  DownloadFileOptions,
  Files,
  ListFilesOptions,
  PollOptions,
  UploadFileOptions,
  UploadProgress,
  UploadSource,
} from './files/files.ts';

/** The body of {@link Gemini.countTokens}: either contents, or a whole request to count. */
export type CountTokensRequest =
  | { model: string; contents: Content[] | string }
  | { model: string; generateContentRequest: Omit<GenerateContentRequest, 'model'> };

/** Options of {@link Gemini.listModels}. */
export type ListModelsOptions = CallOptions & {
  pageSize?: number | undefined;
  pageToken?: string | undefined;
};

/**
 * A client of the Gemini native REST API (Google's or a gateway's), made by {@link createGemini}.
 */
export interface Gemini {
  /** The resolved base URL, without a trailing slash. */
  readonly baseUrl: string;
  /**
   * Which API the client calls: `'vertex'` for a client made with `vertex`, else `'gemini-api'`
   * (also for gateways). The agent reads it for the differences (no
   * `includeServerSideToolInvocations` on Vertex). Undefined on hand-made clients.
   */
  readonly platform?: 'gemini-api' | 'vertex' | undefined;
  /** The resolved API version, e.g. `v1beta`. */
  readonly apiVersion: string;
  /**
   * `POST models/{model}:generateContent`.
   * @throws {@link ApiCallError} when the API answers with an error (after retries).
   */
  generateContent(
    request: GenerateContentRequest,
    options?: CallOptions,
  ): Promise<GenerateContentResponse>;
  /**
   * `POST models/{model}:streamGenerateContent?alt=sse`: typed chunks as they arrive. The request
   * is made when iteration starts; breaking out of the loop or aborting releases the connection.
   * A failure after the first chunk is never retried.
   */
  streamGenerateContent(
    request: GenerateContentRequest,
    options?: CallOptions,
  ): AsyncIterable<GenerateContentResponse>;
  /** `POST models/{model}:countTokens`. */
  countTokens(request: CountTokensRequest, options?: CallOptions): Promise<CountTokensResponse>;
  /** `GET models`: one page of the models the key can use. */
  listModels(options?: ListModelsOptions): Promise<ListModelsResponse>;
  /** `GET models/{model}`. */
  getModel(model: string, options?: CallOptions): Promise<Model>;
  /** The `cachedContents` resource: create, get, list, update the TTL, delete. */
  readonly caches: Caches;
}

/**
 * How long a cache lives: `ttlSeconds` (a number of seconds, or the wire's `'300s'`), or an
 * absolute `expireTime` (RFC 3339 or a `Date`). Without either the API keeps it one hour.
 */
export type CacheExpiration =
  | { ttlSeconds: number | string; expireTime?: undefined }
  | { expireTime: string | Date; ttlSeconds?: undefined }
  | { ttlSeconds?: undefined; expireTime?: undefined };

/** The body of {@link Caches.create}: what to cache, for which model, for how long. */
export type CreateCacheRequest = {
  /** The model the cache serves: `gemini-2.5-flash` or `models/gemini-2.5-flash`. */
  model: string;
  /** A label of up to 128 characters. */
  displayName?: string | undefined;
  /** A string, parts, or a Content, as in `generateContent`. */
  systemInstruction?: string | Part[] | Content | undefined;
  /** A string (one user turn) or Contents. */
  contents?: string | Content[] | undefined;
  tools?: Tool[] | undefined;
  toolConfig?: ToolConfig | undefined;
} & CacheExpiration;

/** Options of {@link Caches.list}. */
export type ListCachesOptions = CallOptions & {
  /** Caches per page (the API allows up to 1000). */
  pageSize?: number | undefined;
  /** The `nextPageToken` of the previous page. */
  pageToken?: string | undefined;
};

/**
 * The `cachedContents` resource (explicit context caching), with the same retries, time limits,
 * errors, logging and redaction as the model calls. Made by `createGemini` as `gemini.caches`.
 *
 * On Vertex AI the routes sit under the project and location
 * (`v1/projects/{p}/locations/{l}/cachedContents`), the cache names the full publisher model, and
 * names come back as `projects/{p}/locations/{l}/cachedContents/{id}`; every method takes that
 * name, `cachedContents/{id}` or the bare id, as does `generateContent`'s `cachedContent`.
 *
 * @example
 * ```ts
 * const cache = await gemini.caches.create({
 *   model: 'gemini-2.5-flash',
 *   systemInstruction: 'You answer questions about the attached contract.',
 *   contents: [{ role: 'user', parts: [{ text: longContract }] }],
 *   ttlSeconds: 600,
 * });
 * await gemini.generateContent({ model: 'gemini-2.5-flash', cachedContent: cache.name, contents: 'Who signs?' });
 * await gemini.caches.delete(cache.name!);
 * ```
 */
export interface Caches {
  /**
   * `POST cachedContents`. The API refuses a cache smaller than the model's minimum
   * (`400 Cached content is too small`), see `getMinCacheTokens`.
   */
  create(request: CreateCacheRequest, options?: CallOptions): Promise<CachedContent>;
  /** `GET cachedContents/{id}`: the metadata (never the cached contents themselves). */
  get(name: string, options?: CallOptions): Promise<CachedContent>;
  /** `GET cachedContents`: one page of this key's caches. */
  list(options?: ListCachesOptions): Promise<ListCachedContentsResponse>;
  /**
   * Every cache of this key, page after page.
   * @throws {@link ApiCallError} (not retryable) when a page hands back a page token already
   * followed (a gateway that ignores `pageToken`), rather than listing forever.
   */
  listAll(options?: Omit<ListCachesOptions, 'pageToken'>): AsyncIterable<CachedContent>;
  /**
   * `PATCH cachedContents/{id}?updateMask=ttl|expireTime`: a new expiration (the only field the
   * API lets you change).
   */
  update(name: string, expiration: CacheExpiration, options?: CallOptions): Promise<CachedContent>;
  /** `DELETE cachedContents/{id}`. */
  delete(name: string, options?: CallOptions): Promise<void>;
}
