import { invalidResponse } from './read-json-response.ts';

/**
 * Checks a list page's `nextPageToken`: a string, or absent (the last page). A page spelling it
 * `next_page_token` (a gateway answering in snake_case, as no Gemini API does) is refused: read as
 * the last page, every item after it was dropped without a word (attack47a).
 * @throws an `ApiCallError` (not retryable) naming the field.
 * @internal
 */
export function checkNextPageToken(
  page: Record<string, unknown>,
  // The check's context as invalidResponse reads it: check-responses.ts imports this module.
  context: Parameters<typeof invalidResponse>[0],
): void {
  const token = page['nextPageToken'];
  if (token !== undefined && token !== null) {
    if (typeof token !== 'string')
      throw invalidResponse(context, '`nextPageToken` is not a string');
    return;
  }
  const snake = page['next_page_token'];
  if (snake !== undefined && snake !== null && snake !== '') {
    throw invalidResponse(
      context,
      'has `next_page_token` and no `nextPageToken`: it answers in snake_case, which the Gemini API does not, so the pages after this one cannot be reached',
    );
  }
}
