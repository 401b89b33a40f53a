import type { Content } from './content.ts';
import type { Tool, ToolConfig } from './request.ts';

/**
 * A `cachedContents` resource of the Gemini API (`v1beta/cachedContents/{id}`): a prefix of
 * requests (system instruction, tools, contents) the server keeps for a while, referred to by
 * `name` from `generateContent`'s `cachedContent`.
 *
 * Shape: ai.google.dev/api/caching#CachedContent (fields `name`, `displayName`, `model`,
 * `systemInstruction`, `contents`, `tools`, `toolConfig`, `createTime`, `updateTime`,
 * `usageMetadata.totalTokenCount`, and the `expiration` oneof `expireTime` | `ttl`). The
 * input-only fields (`contents`, `tools`, `systemInstruction`, `toolConfig`) are not echoed back.
 */
export type CachedContent = {
  /** `cachedContents/{id}`, set by the server. */
  name?: string | undefined;
  /** A label of up to 128 characters. */
  displayName?: string | undefined;
  /** `models/{model}`; the cache only serves requests to this model. */
  model?: string | undefined;
  systemInstruction?: Content | undefined;
  contents?: Content[] | undefined;
  tools?: Tool[] | undefined;
  toolConfig?: ToolConfig | undefined;
  /** RFC 3339, e.g. `2026-11-22T13:00:00Z`; always present on output. */
  expireTime?: string | undefined;
  /** Input only: a duration such as `300s` (seconds, `s` suffix). */
  ttl?: string | undefined;
  /** RFC 3339, output only. */
  createTime?: string | undefined;
  /** RFC 3339, output only. */
  updateTime?: string | undefined;
  usageMetadata?: { totalTokenCount?: number | undefined } | undefined;
};

/** A page of `cachedContents.list`. */
export type ListCachedContentsResponse = {
  cachedContents: CachedContent[];
  nextPageToken?: string | undefined;
};
