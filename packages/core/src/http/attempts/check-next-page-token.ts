import { invalidResponse } from './read-json-response.ts';

/** The check's context as invalidResponse reads it: check-responses.ts imports this module. */
type Context = Parameters<typeof invalidResponse>[0];

/**
 * Checks a list page's `nextPageToken`: a string, or absent (the last page). A page spelling it
 * `next_page_token` (a gateway answering in snake_case) was renamed before this check
 * (read-snake-case.ts): read as the last page, every item after it was dropped (attack47a).
 * @throws an `ApiCallError` (not retryable) naming the field.
 * @internal
 */
export function checkNextPageToken(page: Record<string, unknown>, context: Context): void {
  const token = page['nextPageToken'];
  if (token === undefined || token === null) return;
  if (typeof token !== 'string') throw invalidResponse(context, '`nextPageToken` is not a string');
}

/**
 * Refuses a page whose item list `field` is empty (after the check's default for an absent one)
 * while its snake_case twin (`cached_contents` for `cachedContents`) holds items: the two
 * spellings disagree. A page in snake_case only was renamed before the check; this one was not
 * (its camelCase field is set), and read by the API's spelling its items were dropped without a
 * word (attack47a, snake47).
 * @throws an `ApiCallError` (not retryable) naming both spellings.
 * @internal
 */
export function refuseSnakeCase(
  page: Record<string, unknown>,
  field: string,
  context: Context,
): void {
  const items = page[field];
  if (!Array.isArray(items) || items.length > 0) return;
  const snake = field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  const value = page[snake];
  if (snake === field || !Array.isArray(value) || value.length === 0) return;
  throw invalidResponse(
    context,
    `has items under \`${snake}\` and none under \`${field}\`: the two spellings disagree (the Gemini API answers in camelCase only), so the page cannot be read`,
  );
}
