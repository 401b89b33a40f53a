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

/**
 * The most pages one refused call may ask the user to open. The spec sets no limit; a server
 * that lists more is refused whole (no page is shown, the model reads the server's error): each
 * page is a prompt a person answers in turn, and all must be accepted for the one retry.
 */
export const MAX_REQUIRED_URL_PAGES = 8;

/** The longest `url` of such a page (browsers and servers commonly refuse longer ones). */
export const MAX_REQUIRED_URL_LENGTH = 8_192;

/** The longest `message` of such a page: a sentence or two for a person, not a document. */
export const MAX_REQUIRED_URL_MESSAGE_LENGTH = 2_000;

// By client: how it asks for a URL elicitation, set by answerMcpServerRequests. The one link
// left keyed by the client: answerMcpServerRequests and createMcpTools are two public calls on a
// client the user connects, and they share nothing but that client (connectMcpStdio and
// connectMcpHttp hand their asker to the tools as an argument instead).
// why (kept): keyed by the user's MCP client; see the reason above.
const askers = new WeakMap<object, AskUrl>();

/** Records how `client` asks for a URL elicitation (answerMcpServerRequests). @internal */
export function setUrlAsker(client: object, ask: AskUrl): void {
  askers.set(client, ask);
}

/** How `client` asks for a URL elicitation, when answerMcpServerRequests gave it a way. @internal */
export function urlAskerOf(client: object): AskUrl | undefined {
  return askers.get(client);
}

/**
 * A server may refuse a call until the user has opened some pages (`URLElicitationRequiredError`,
 * code -32042, its `data.elicitations` the pages). Shows each to the user through `ask`; true
 * when every one was accepted, so the call is worth one retry. False without `ask`, for another
 * error, for a list that is empty, longer than {@link MAX_REQUIRED_URL_PAGES} or holds a page
 * whose url or message is over its bound, or when one page was declined or cancelled.
 * @internal
 */
export async function askForRequiredUrls(
  ask: AskUrl | undefined,
  error: unknown,
  signal: AbortSignal,
): Promise<boolean> {
  if (
    ask === undefined ||
    (error as { code?: unknown } | null)?.code !== URL_ELICITATION_REQUIRED
  ) {
    return false;
  }
  const pages = requiredPages((error as { data?: { elicitations?: unknown } }).data?.elicitations);
  if (pages === undefined) return false;
  for (const page of pages) {
    if (signal.aborted || (await ask(page, signal)).action !== 'accept') return false;
  }
  return true;
}

/**
 * The pages a server listed, field by field (nothing else of its objects is kept), each
 * `elicitationId` once; `undefined` when the list is not one the user should be shown.
 */
function requiredPages(listed: unknown): UrlElicitationParams[] | undefined {
  if (!Array.isArray(listed) || listed.length === 0 || listed.length > MAX_REQUIRED_URL_PAGES) {
    return undefined;
  }
  const pages = new Map<string, UrlElicitationParams>();
  for (const page of listed as unknown[]) {
    const { url, elicitationId, message } = (page ?? {}) as Record<string, unknown>;
    if (
      typeof url !== 'string' ||
      typeof elicitationId !== 'string' ||
      typeof message !== 'string' ||
      url.length > MAX_REQUIRED_URL_LENGTH ||
      message.length > MAX_REQUIRED_URL_MESSAGE_LENGTH
    ) {
      return undefined;
    }
    if (!pages.has(elicitationId)) pages.set(elicitationId, { message, url, elicitationId });
  }
  return [...pages.values()];
}
