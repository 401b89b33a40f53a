import type { McpElicitationAnswer } from './mcp-elicitation.ts';

/** The fields of a URL-mode elicitation (`ElicitRequestURLParams`) a server sends. @internal */
export type UrlElicitationParams = { message: string; url: string; elicitationId: string };

/** Asks the user to open one page; the answer. @internal */
export type AskUrl = (
  params: UrlElicitationParams,
  signal: AbortSignal,
) => Promise<McpElicitationAnswer>;

/** The JSON-RPC code of `URLElicitationRequiredError` (MCP spec 2025-11-25, "Elicitation"). */
const URL_ELICITATION_REQUIRED = -32042;

// By client: how its connection asks the user to open a page (set with its elicitation handler).
const askers = new WeakMap<object, AskUrl>();

/** Records how `client`'s connection asks for a URL elicitation. @internal */
export function setUrlAsker(client: object, ask: AskUrl): void {
  askers.set(client, ask);
}

/**
 * A server may refuse a call until the user has opened some pages (`URLElicitationRequiredError`,
 * code -32042, its `data.elicitations` the pages). Shows each to the user through the
 * connection's `url` handler; true when every one was accepted, so the call is worth one retry.
 * False without a handler, for another error, or when one was declined or cancelled.
 * @internal
 */
export async function askForRequiredUrls(
  client: object,
  error: unknown,
  signal: AbortSignal,
): Promise<boolean> {
  const ask = askers.get(client);
  if (
    ask === undefined ||
    (error as { code?: unknown } | null)?.code !== URL_ELICITATION_REQUIRED
  ) {
    return false;
  }
  const listed = (error as { data?: { elicitations?: unknown } }).data?.elicitations;
  const pages = (Array.isArray(listed) ? listed : []).filter(
    (page): page is UrlElicitationParams =>
      typeof page === 'object' &&
      page !== null &&
      typeof (page as UrlElicitationParams).url === 'string' &&
      typeof (page as UrlElicitationParams).elicitationId === 'string' &&
      typeof (page as UrlElicitationParams).message === 'string',
  );
  if (pages.length === 0) return false;
  for (const page of pages) {
    if ((await ask(page, signal)).action !== 'accept') return false;
  }
  return true;
}
