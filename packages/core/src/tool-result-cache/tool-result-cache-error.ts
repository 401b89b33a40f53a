import { GemloopError } from '../errors/gemloop-error.ts';

/** Why a cache entry was refused. */
export type ToolResultCacheRefusal = 'oversized' | 'poisoned';

/**
 * A tool result the cache would not keep (`oversized`: above the size limit) or would not serve
 * (`poisoned`: its text does not match the digest written with it for its partition and key, or
 * is not JSON). The cache emits it as a `refused` event and runs the tool instead; a store's
 * `set` throws it for an entry above its own limit. It never carries the result, the arguments or
 * the partition (which may name a user).
 */
export class ToolResultCacheError extends GemloopError {
  override readonly code = 'tool-result-cache';
  readonly reason: ToolResultCacheRefusal;
  /** The tool whose result it was. */
  readonly toolName: string;
  /** The entry's size in bytes (UTF-8), for `oversized`. */
  readonly bytes: number | undefined;
  /** The limit it exceeded, for `oversized`. */
  readonly limit: number | undefined;

  constructor({
    reason,
    toolName,
    bytes,
    limit,
    cause,
  }: {
    reason: ToolResultCacheRefusal;
    toolName: string;
    bytes?: number | undefined;
    limit?: number | undefined;
    cause?: unknown;
  }) {
    super({
      message:
        reason === 'oversized'
          ? `The result of ${toolName} (${bytes} bytes) is larger than the cache's limit of ${limit} bytes, so it was not cached. Raise maxEntryBytes, or return less from the tool.`
          : `A cached result of ${toolName} does not match what the cache wrote (its digest or its JSON is wrong), so it was not served and was removed. Something other than the cache wrote to the store.`,
      cause,
    });
    this.reason = reason;
    this.toolName = toolName;
    this.bytes = bytes;
    this.limit = limit;
  }

  static override isInstance(error: unknown): error is ToolResultCacheError {
    return GemloopError.hasCode(error, 'tool-result-cache');
  }
}
