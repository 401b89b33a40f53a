/**
 * The `?pageSize=&pageToken=` query of a list call (`listModels`, `caches.list`), whose options
 * `listOptionsDeclaration` has checked (a page size is a positive integer, a token the non-empty
 * `nextPageToken` of a previous page).
 * @internal
 */
export function toPageQuery(
  options: { pageSize?: number | undefined; pageToken?: string | undefined } | undefined,
): string {
  if (options === undefined) return '';
  const { pageSize, pageToken } = options;
  const query = new URLSearchParams();
  if (pageSize !== undefined) query.set('pageSize', String(pageSize));
  if (pageToken !== undefined) query.set('pageToken', pageToken);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}
