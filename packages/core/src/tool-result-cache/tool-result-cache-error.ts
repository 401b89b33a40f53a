import { GemloopError } from '../errors/gemloop-error.ts';

/** Why a cache entry was refused, or (`store-error`) why a write tool's call failed. */
export type ToolResultCacheRefusal = 'oversized' | 'poisoned' | 'store-error';

/** The store's operation that failed, for `store-error`. */
export type ToolResultStoreOperation = 'get' | 'set' | 'delete' | 'invalidate';

/**
 * A tool result the cache would not keep (`oversized`: above the size limit) or would not serve
 * (`poisoned`: its text does not match the digest written with it for its partition and key, or
 * is not JSON). The cache emits it as a `refused` event and runs the tool instead; a store's
 * `set` throws it for an entry above its own limit. `store-error`: the store failed to invalidate
 * after a write tool ran, so entries the write changed could be served stale; the cache ends the
 * run with it (a failed `get` or `set` only skips the cache: a `skip` event). It never carries the
 * result, the arguments, the partition (which may name a user) or the store's own error, whose
 * message may hold its connection string with a password: only that error's `name`.
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
  /** The store's operation that failed, for `store-error`. */
  readonly operation: ToolResultStoreOperation | undefined;
  /** The `name` of what the store threw (`Error`, `AggregateError`), for `store-error`. */
  readonly storeError: string | undefined;

  constructor({
    reason,
    toolName,
    bytes,
    limit,
    operation,
    storeError,
    cause,
  }: {
    reason: ToolResultCacheRefusal;
    toolName: string;
    bytes?: number | undefined;
    limit?: number | undefined;
    operation?: ToolResultStoreOperation | undefined;
    storeError?: string | undefined;
    cause?: unknown;
  }) {
    super({
      message:
        reason === 'oversized'
          ? `The result of ${toolName} (${bytes} bytes) is larger than the cache's limit of ${limit} bytes, so it was not cached. Raise maxEntryBytes, or return less from the tool.`
          : reason === 'poisoned'
            ? `A cached result of ${toolName} does not match what the cache wrote (its digest or its JSON is wrong), so it was not served and was removed. Something other than the cache wrote to the store.`
            : `The tool-result store failed (${storeError ?? 'Error'} in ${operation}) to invalidate what ${toolName} changed, so cached results it changed could be served stale: the run was stopped. Check the store (its connection, its database), then run again.`,
      cause,
    });
    this.reason = reason;
    this.toolName = toolName;
    this.bytes = bytes;
    this.limit = limit;
    this.operation = operation;
    this.storeError = storeError;
  }

  static override isInstance(error: unknown): error is ToolResultCacheError {
    return GemloopError.hasCode(error, 'tool-result-cache');
  }
}
