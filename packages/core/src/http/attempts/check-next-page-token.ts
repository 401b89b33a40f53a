import { invalidResponse } from './read-json-response.ts';

/** The check's context as invalidResponse reads it: check-responses.ts imports this module. */
type Context = Parameters<typeof invalidResponse>[0];

/**
 * Checks a list page's `nextPageToken`: a string, or absent (the last page). A page in snake_case
 * was renamed before this check (read-snake-case.ts); a `next_page_token` still here is a page
 * that mixes both spellings, refused: read as the last page, every item after it was dropped
 * without a word (attack47a).
 * @throws an `ApiCallError` (not retryable) naming the field.
 * @internal
 */
export function checkNextPageToken(page: Record<string, unknown>, context: Context): void {
  const token = page['nextPageToken'];
  if (token === undefined || token === null) {
    refuseSnakeCase(page, 'nextPageToken', context);
    return;
  }
  if (typeof token !== 'string') throw invalidResponse(context, '`nextPageToken` is not a string');
}

/**
 * Refuses a page whose `field` is absent but spelt in snake_case (`cached_contents` for
 * `cachedContents`) after the snake_case answer's renaming: a page that mixes both spellings. Read
 * as absent, a page of items was an empty page, and a walk ended there.
 * @throws an `ApiCallError` (not retryable) naming both spellings.
 * @internal
 */
export function refuseSnakeCase(
  page: Record<string, unknown>,
  field: string,
  context: Context,
): void {
  const snake = field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  const value = page[snake];
  if (snake === field || value === undefined || value === null || value === '') return;
  throw invalidResponse(
    context,
    `has \`${snake}\` and no \`${field}\`: it answers in snake_case, which the Gemini API does not, so the page cannot be read`,
  );
}
