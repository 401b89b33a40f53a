import { ApiCallError } from '../errors/api-call-error.ts';
import { cutText } from '../shared/cut-text.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';

/**
 * Empty pages in a row, each with a new `nextPageToken`, after which a walk stops: Google may
 * answer a page with no items before the end (AIP-158), but a walk that gives nothing never hands
 * the caller's loop a turn to break it, and `@google/genai` 2.32's `Pager` has no bound either.
 */
const MAX_EMPTY_PAGES_IN_A_ROW = 100;
/**
 * The longest `nextPageToken` followed: it goes back in the next request's URL, and Node's HTTP
 * servers refuse a request head over 16 KiB (`http.maxHeaderSize`). Google's are a few hundred.
 */
const MAX_PAGE_TOKEN_CHARS = 16 * 1024;
/** Tokens kept to see a cycle: the last this many (a longer cycle still yields, so can be broken). */
const MAX_TOKENS_KEPT = 1000;

/** What {@link listAllPages} walks. @internal */
export type ListAllPagesOptions<Item> = {
  /** The list call, for the error: `caches.list`, `files.list`, `batches.list`. */
  method: string;
  /** The collection's URL, for the error (never with a key in it). */
  url: string;
  /**
   * The client's secrets, kept out of the token an error quotes: a gateway's token may echo the
   * key (read live: a Vertex token learned mid-walk is in it).
   */
  secrets: { readonly values: readonly string[] };
  /** Fetches one page: the page after `pageToken`, or the first when it is undefined. */
  listPage: (
    pageToken: string | undefined,
  ) => Promise<{ items: readonly Item[]; nextPageToken?: string | undefined }>;
};

/**
 * Every item of a list endpoint, page after page (`caches.listAll`, `files.listAll`,
 * `batches.listAll`), until a page comes without a `nextPageToken`.
 * @throws {@link ApiCallError} (not retryable) when a page hands back a token already followed: a
 * gateway that ignores `pageToken` answers the same page with the same token, and the walk would
 * never end (nor would the requests); also after `MAX_EMPTY_PAGES_IN_A_ROW` (100) empty pages in a
 * row, or for a token longer than `MAX_PAGE_TOKEN_CHARS` (16 KiB).
 * @internal
 */
export async function* listAllPages<Item>({
  method,
  url,
  secrets,
  listPage,
}: ListAllPagesOptions<Item>): AsyncGenerator<Item, void, undefined> {
  const followed = new Set<string>();
  let pageToken: string | undefined;
  let emptyInRow = 0;
  let pages = 0;
  do {
    const page = await listPage(pageToken);
    pages++;
    pageToken = page.nextPageToken || undefined;
    if (pageToken !== undefined && pageToken.length > MAX_PAGE_TOKEN_CHARS) {
      throw stop(
        method,
        url,
        `${method} answered a nextPageToken of ${pageToken.length} characters after ${pages} page(s), too long to send back in the next request's URL (at most ${MAX_PAGE_TOKEN_CHARS})`,
      );
    }
    emptyInRow = page.items.length === 0 && pageToken !== undefined ? emptyInRow + 1 : 0;
    if (emptyInRow >= MAX_EMPTY_PAGES_IN_A_ROW) {
      throw stop(
        method,
        url,
        `${method} answered ${emptyInRow} pages in a row with no items, each with a new nextPageToken, so the listing may never end`,
      );
    }
    // Checked before the page's items are given: a page that points back is most likely an
    // earlier page again, whose items were given already.
    if (pageToken !== undefined && followed.has(pageToken)) {
      // Scrubbed before it is cut: a key across the cut was shown in part (attack47a).
      const scrubbed = redactSecrets(pageToken, secrets.values);
      const shown = scrubbed.length > 80 ? `${cutText(scrubbed, 80)}...` : scrubbed;
      throw new ApiCallError({
        message:
          `${method} answered the nextPageToken ${JSON.stringify(shown)} again after ` +
          `${pages} page(s): the server does not move on to the next page, so the ` +
          'listing would never end. Check that the baseUrl points at a Gemini-compatible API ' +
          'that honours pageToken.',
        url,
        method,
        isRetryable: false,
      });
    }
    yield* page.items;
    if (pageToken !== undefined) {
      followed.add(pageToken);
      if (followed.size > MAX_TOKENS_KEPT)
        followed.delete(followed.values().next().value as string);
    }
  } while (pageToken !== undefined);
}

function stop(method: string, url: string, what: string): ApiCallError {
  return new ApiCallError({
    message: `${what}. Check that the baseUrl points at a Gemini-compatible API that honours pageToken; or list page by page with ${method}({ pageToken }).`,
    url,
    method,
    isRetryable: false,
  });
}
