import type { CachedContent, ListCachedContentsResponse } from '../wire/cached-content.ts';
import type { Content, Part } from '../wire/content.ts';
import type { Tool, ToolConfig } from '../wire/request.ts';
import type { CallOptions } from './gemini.ts';

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
  /** Every cache of this key, page after page. */
  listAll(options?: Omit<ListCachesOptions, 'pageToken'>): AsyncIterable<CachedContent>;
  /**
   * `PATCH cachedContents/{id}?updateMask=ttl|expireTime`: a new expiration (the only field the
   * API lets you change).
   */
  update(name: string, expiration: CacheExpiration, options?: CallOptions): Promise<CachedContent>;
  /** `DELETE cachedContents/{id}`. */
  delete(name: string, options?: CallOptions): Promise<void>;
}
