import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

/**
 * The `?pageSize=&pageToken=` query of a list call (`listModels`, `caches.list`), checked: a page
 * size is a positive integer, a token the non-empty `nextPageToken` of a previous page.
 * @internal
 */
export function toPageQuery(
  options: { pageSize?: number | undefined; pageToken?: string | undefined } | undefined,
): string {
  if (options === undefined) return '';
  const { pageSize, pageToken } = options;
  const query = new URLSearchParams();
  if (pageSize !== undefined) {
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1) {
      throw new InvalidArgumentError({
        argument: 'options.pageSize',
        message: `options.pageSize must be a positive integer (the API allows up to 1000); got ${String(pageSize)}.`,
      });
    }
    query.set('pageSize', String(pageSize));
  }
  if (pageToken !== undefined) {
    if (typeof pageToken !== 'string' || pageToken === '') {
      throw new InvalidArgumentError({
        argument: 'options.pageToken',
        message: 'options.pageToken must be the nextPageToken of a previous page.',
      });
    }
    query.set('pageToken', pageToken);
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}
