import type { RpcStatus } from '../../wire/batch.ts';

/**
 * Results in request order: by the given keys, else by gemloop's own `request-<n>` keys, else as
 * read (Google documents neither order for results files, so the key decides). Generic over what a
 * result holds: a `GenerateContentResponse`, or an embedding batch's `EmbedContentResponse`.
 * @internal
 */
export function orderResults<R>(
  lines: readonly {
    key: string | undefined;
    response: R | undefined;
    error: RpcStatus | undefined;
  }[],
  keys: readonly string[] | undefined,
): { key: string; index: number | undefined; response?: R; error?: RpcStatus }[] {
  const positions =
    keys === undefined ? undefined : new Map(keys.map((key, index) => [key, index]));
  type Ordered = { key: string; index: number | undefined; response?: R; error?: RpcStatus };
  const results = lines.map((line, read): Ordered & { read: number } => {
    const key = line.key ?? `request-${read}`;
    const own = /^request-(\d+)$/.exec(key);
    const index =
      positions !== undefined ? positions.get(key) : own === null ? undefined : Number(own[1]);
    const result: Ordered & { read: number } = { key, index, read };
    if (line.response !== undefined) result.response = line.response;
    if (line.error !== undefined) result.error = line.error;
    if (line.response === undefined && line.error === undefined) {
      result.error = { message: 'the batch gave neither a response nor an error for this request' };
    }
    return result;
  });
  results.sort(
    (a, b) =>
      (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER) ||
      a.read - b.read,
  );
  return results.map(({ read: _read, ...result }) => result);
}
