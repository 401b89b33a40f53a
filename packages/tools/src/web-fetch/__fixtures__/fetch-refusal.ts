import { toolContext } from '../../__fixtures__/tool-context.ts';
import type { createWebFetchTool } from '../create-web-fetch-tool.ts';
import { WebFetchError } from '../web-fetch-error.ts';

/**
 * The WebFetchError a call for `url` ends in; a call that fetches fails the test, naming what it
 * got, and any other error is thrown on.
 */
export async function fetchRefusal(
  tool: ReturnType<typeof createWebFetchTool>,
  url: string,
): Promise<WebFetchError> {
  try {
    const result = await tool.execute({ url }, toolContext());
    throw new Error(`fetched: ${JSON.stringify(result).slice(0, 200)}`);
  } catch (error) {
    if (WebFetchError.isInstance(error)) return error;
    throw error;
  }
}
