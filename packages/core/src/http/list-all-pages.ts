import { ApiCallError } from '../errors/api-call-error.ts';

/** What {@link listAllPages} walks. @internal */
export type ListAllPagesOptions<Item> = {
  /** The list call, for the error: `caches.list`, `files.list`, `batches.list`. */
  method: string;
  /** The collection's URL, for the error (never with a key in it). */
  url: string;
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
 * never end (nor would the requests).
 * @internal
 */
export async function* listAllPages<Item>({
  method,
  url,
  listPage,
}: ListAllPagesOptions<Item>): AsyncGenerator<Item, void, undefined> {
  const followed = new Set<string>();
  let pageToken: string | undefined;
  do {
    const page = await listPage(pageToken);
    pageToken = page.nextPageToken || undefined;
    // Checked before the page's items are given: a page that points back is most likely an
    // earlier page again, whose items were given already.
    if (pageToken !== undefined && followed.has(pageToken)) {
      const shown = pageToken.length > 80 ? `${pageToken.slice(0, 80)}...` : pageToken;
      throw new ApiCallError({
        message:
          `${method} answered the nextPageToken ${JSON.stringify(shown)} again after ` +
          `${followed.size + 1} page(s): the server does not move on to the next page, so the ` +
          'listing would never end. Check that the baseUrl points at a Gemini-compatible API ' +
          'that honours pageToken.',
        url,
        method,
        isRetryable: false,
      });
    }
    yield* page.items;
    if (pageToken !== undefined) followed.add(pageToken);
  } while (pageToken !== undefined);
}
